import Foundation
import LocalPostgres
import Postgres
import Testing
import TestSupport

/// What the URL says about connecting is what libpq does, and each failure names its cause.
@Suite("Connection truth: libpq's semantics, failures by cause")
struct ConnectionTruthTests {
    @Test func theURLsConnectTimeoutWinsOverGitgates() throws {
        let listener = try TCPListener()
        let clock = ContinuousClock()
        var caught: PostgresError?
        let elapsed = clock.measure {
            caught = #expect(throws: PostgresError.self) {
                try Connection("postgresql://x@127.0.0.1:\(listener.port)/x?connect_timeout=2", options: .init(connectTimeout: 10))
            }
        }
        let error = try #require(caught)
        #expect(error.kind == .timeout)
        // Generous: 2 s, not gitgate's 10 s.
        #expect(elapsed < .seconds(7), "\(elapsed)")
        #expect(error.message.contains("connect_timeout 2 s per address, from the URL"), "\(error.message)")
        #expect(error.message.contains("127.0.0.1"), "\(error.message)")
        #expect(error.message.contains("gave up after"), "\(error.message)")
    }

    @Test func gitgatesConnectTimeoutAppliesWhenTheURLSetsNone() throws {
        let listener = try TCPListener()
        let error = try #require(throws: PostgresError.self) {
            try Connection("host=127.0.0.1 port=\(listener.port) user=x dbname=x", options: .init(connectTimeout: 2))
        }
        #expect(error.kind == .timeout)
        #expect(error.message.contains("connect_timeout 2 s per address, from gitgate's connectTimeout"), "\(error.message)")
    }

    @Test func aServiceFilesConnectTimeoutIsHonoured() throws {
        let listener = try TCPListener()
        let directory = try ScratchDirectory()
        let file = directory.path + "/pg_service.conf"
        try "# test\n[silent]\nhost=127.0.0.1\nport=\(listener.port)\nuser=x\ndbname=x\nconnect_timeout=2\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        // No other test names a service, so setting the variable for the process is harmless.
        setenv("PGSERVICEFILE", file, 1)
        defer { unsetenv("PGSERVICEFILE") }
        let clock = ContinuousClock()
        var caught: PostgresError?
        let elapsed = clock.measure {
            caught = #expect(throws: PostgresError.self) {
                try Connection("service=silent", options: .init(connectTimeout: 10))
            }
        }
        let error = try #require(caught)
        #expect(error.kind == .timeout)
        #expect(elapsed < .seconds(7), "\(elapsed)")
        #expect(error.message.contains("connect_timeout 2 s per address, from service silent"), "\(error.message)")
    }

    @Test func aMultiHostListReportsEveryHostItTried() throws {
        let silent = try TCPListener()
        let refused = try TCPListener.unusedPort()
        let clock = ContinuousClock()
        var caught: PostgresError?
        let elapsed = clock.measure {
            caught = #expect(throws: PostgresError.self) {
                try Connection("postgresql://x@127.0.0.1:\(refused),127.0.0.1:\(silent.port)/x?connect_timeout=2",
                               options: .init(connectTimeout: 10))
            }
        }
        let error = try #require(caught)
        #expect(elapsed < .seconds(7), "\(elapsed)")
        #expect(error.message.contains("port \(refused) failed: Connection refused"), "\(error.message)")
        #expect(error.message.contains("port \(silent.port) failed: timeout expired"), "\(error.message)")
        // Mixed causes: the message lists both, the kind claims neither alone.
        #expect(error.kind == .connection)
        #expect(error.message.contains("connect_timeout 2 s per address, from the URL"), "\(error.message)")
    }

    @Test(.database) func targetSessionAttrsPicksTheHostThatQualifies() throws {
        let cluster = try TestPostgres.cluster()
        let database = try TestDatabase.conninfo().components(separatedBy: " ").first { $0.hasPrefix("dbname=") }!
        let missing = "/tmp/gg-none-\(UInt32.random(in: 0...UInt32.max))"
        let list = "host=\(missing),\(cluster.socketDirectory) port=\(cluster.port),\(cluster.port) user=\(cluster.superuser) \(database)"
        // Not gitgate's read-only startup setting: with it, the session itself would be read-only.
        let connection = try Connection(list + " target_session_attrs=read-write", options: .init(connectTimeout: 5, readOnly: false))
        #expect(connection.host == cluster.socketDirectory)
        // The primary is not a standby: the refusal names the reason, per host.
        let error = try #require(throws: PostgresError.self) {
            try Connection(list + " target_session_attrs=standby", options: .init(connectTimeout: 5, readOnly: false))
        }
        #expect(error.message.contains("not in hot standby mode"), "\(error.message)")
    }

    @Test func refusedIsItsOwnCause() throws {
        let port = try TCPListener.unusedPort()
        let error = try #require(throws: PostgresError.self) {
            try Connection("host=127.0.0.1 port=\(port) user=x dbname=x", options: .init(connectTimeout: 2))
        }
        #expect(error.kind == .refused)
        #expect(error.description.contains("Nothing listens there"))
    }

    @Test func aPoolerRefusingTheOptionsParameterIsNamed() throws {
        let bouncer = try TestPgBouncer.pooler(.transaction)
        // Startup settings travel in `options`, which PgBouncer refuses.
        let error = try #require(throws: PostgresError.self) {
            try Connection(bouncer.conninfo(), options: .init(connectTimeout: 5, readOnly: true))
        }
        #expect(error.kind == .rejectedStartupParameter, "\(error)")
        #expect(error.message.contains("unsupported startup parameter: options"), "\(error.message)")
        // Without them the pooler lets the connection in.
        let plain = try Connection(bouncer.conninfo(), options: .init(connectTimeout: 5, readOnly: false))
        #expect(try plain.query("SELECT 1 AS one")[0, "one"] == "1")
    }
}
