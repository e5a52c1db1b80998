import Foundation
import LocalPostgres
import Postgres
import Testing

@Suite("A throwaway cluster")
struct LocalClusterTests {
    @Test func stopLeavesNoProcessAndNoDirectory() throws {
        let cluster = try LocalCluster()
        let directory = cluster.socketDirectory
        #expect(directory.utf8.count + "/.s.PGSQL.5432".utf8.count < 107)
        #expect(FileManager.default.fileExists(atPath: directory + "/.s.PGSQL.\(cluster.port)"))

        var processes: [Int32] = [cluster.processID]
        do {
            let connection = try Connection(cluster.url(database: "postgres"))
            let database = try cluster.createDatabase("made")
            #expect(try Connection(database).database == "made")
            let pids = try connection.query("SELECT pid FROM pg_stat_activity")
            processes += pids.rows.compactMap { $0[0].flatMap { Int32($0) } }
            #expect(processes.count > 3)  // postmaster, this backend, checkpointer, …
            // The postmaster and this connection's backend are certainly alive now; others
            // (the closed connection's) may be exiting already.
            let own = try #require(try connection.query("SELECT pg_backend_pid() AS pid").int(row: 0, column: "pid"))
            #expect(Self.isAlive(cluster.processID))
            #expect(Self.isAlive(Int32(own)))
        }

        cluster.stop()
        #expect(!cluster.isRunning)
        #expect(!processes.contains(where: Self.isAlive))
        #expect(!FileManager.default.fileExists(atPath: directory))
        cluster.stop()  // idempotent
    }

    @Test func serverThatCannotStartFailsWithItsLog() throws {
        let error = try #require(throws: LocalPostgresError.self) {
            _ = try LocalCluster(extraConfig: ["shared_buffers": "lots"])
        }
        guard case .startFailed = error else {
            Issue.record("expected startFailed, got \(error)")
            return
        }
        #expect(error.description.contains("shared_buffers"))
    }

    @Test func serverBinariesAreFound() throws {
        let directory = try LocalCluster.findServerBinaries()
        #expect(FileManager.default.isExecutableFile(atPath: directory + "/initdb"))
        #expect(FileManager.default.isExecutableFile(atPath: directory + "/postgres"))
    }

    private static func isAlive(_ pid: Int32) -> Bool {
        kill(pid, 0) == 0 || errno == EPERM
    }
}
