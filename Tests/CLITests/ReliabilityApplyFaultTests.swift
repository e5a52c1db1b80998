import Foundation
import Postgres
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// `gitgate apply` killed (SIGKILL) or interrupted (SIGINT) at random points of a run of slow
/// migrations: afterwards every recorded migration's table exists, no table exists without its
/// ledger row (no half-applied migration), and a re-run finishes the job cleanly.
/// Iterations: 3 by default, 50 with GITGATE_SLOW=1.
@Suite("Reliability: apply killed at random points")
struct ReliabilityApplyFaultTests {
    static var iterations: Int { ProcessInfo.processInfo.environment["GITGATE_SLOW"] == "1" ? 50 : 3 }

    static let tables = ["t1", "t2", "t3", "t4"]

    @Test("SIGKILL and SIGINT mid-apply leave a consistent ledger and a clean re-run")
    func killedApply() throws {
        let server = try TestPostgres.cluster()
        let seed: UInt64 = 20_261_202
        print("ReliabilityApplyFaultTests seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        for round in 0..<Self.iterations {
            let conninfo = try server.createDatabase("rel_kill_\(seed)_\(round)")
            let repo = try TestRepository()
            try repo.commitFiles([
                ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:REL_URL\n",
                "migrations/.keep": "",
            ], message: "main")
            let worktree = try repo.addWorktree(branch: "feature")
            var files: [String: String] = [:]
            for (index, table) in Self.tables.enumerated() {
                files["migrations/00\(index + 1)_\(table).sql"] =
                    "CREATE TABLE \(table) (id int);\nSELECT pg_sleep(0.15) AS in_\(table);\nINSERT INTO \(table) VALUES (1);\n"
            }
            try repo.commitFiles(files, message: "slow migrations", in: worktree)

            let signal = round % 2 == 0 ? SIGKILL : SIGINT
            // Where to interrupt: inside one migration's transaction, chosen by the seeded generator.
            let victim = Self.tables[Int.random(in: 0..<Self.tables.count, using: &random)]
            var env = repo.environment
            env["REL_URL"] = conninfo
            env["NO_COLOR"] = "1"
            let process = Process()
            process.executableURL = URL(fileURLWithPath: GitGateBinary.path)
            process.arguments = ["apply", "--yes"]
            process.currentDirectoryURL = URL(fileURLWithPath: worktree)
            process.environment = env
            process.standardOutput = FileHandle.nullDevice
            process.standardError = FileHandle.nullDevice
            process.standardInput = FileHandle.nullDevice
            try process.run()
            let observer = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: true))
            try waitFor("round \(round): apply to run \(victim)'s migration") {
                try observer.query("SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND state = 'active' AND query LIKE '%AS in_\(victim)%'").count > 0
            }
            kill(process.processIdentifier, signal)
            process.waitUntilExit()

            try Self.expectConsistent(conninfo, round: round)

            let rerun = try GitGateBinary.run(["apply", "--yes", "--lock-wait", "30s"], in: worktree, environment: env)
            #expect(rerun.status == 0, "round \(round) re-run: \(rerun.output)")
            let connection = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: true))
            let recorded = try connection.query("SELECT version FROM gitgate.migrations ORDER BY version").rows.map { $0.first ?? nil }
            #expect(recorded == ["001", "002", "003", "004"], "round \(round)")
            for table in Self.tables {
                #expect(try connection.query("SELECT count(*) FROM \(table)").rows.first?.first == "1", "round \(round): \(table)")
            }
            try Self.expectConsistent(conninfo, round: round)
        }
    }

    /// Recorded ⇔ the table exists and holds its row: a migration is all there or not at all.
    private static func expectConsistent(_ conninfo: String, round: Int) throws {
        let connection = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: true))
        let hasLedger = try connection.query("SELECT to_regclass('gitgate.migrations') IS NOT NULL").rows.first?.first == "t"
        let recorded = hasLedger
            ? Set(try connection.query("SELECT version FROM gitgate.migrations").rows.compactMap { $0.first ?? nil })
            : []
        for (index, table) in tables.enumerated() {
            let exists = try connection.query("SELECT to_regclass('public.\(table)') IS NOT NULL").rows.first?.first == "t"
            #expect(exists == recorded.contains("00\(index + 1)"), "round \(round): \(table) exists=\(exists), recorded=\(recorded)")
            if exists {
                #expect(try connection.query("SELECT count(*) FROM \(table)").rows.first?.first == "1", "round \(round): half-applied \(table)")
            }
        }
    }
}
