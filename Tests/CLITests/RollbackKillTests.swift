import Foundation
import Postgres
import Testing
import TestSupport

/// `gitgate rollback` killed mid-way leaves catalog and ledger as they were, as apply does.
@Suite("gitgate rollback killed mid-way")
struct RollbackKillTests {
    @Test("SIGKILL while the rollback waits on a lock we hold: table, ledger row and history unchanged; a re-run finishes", .database)
    func killedWhileBlocked() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let applied = try gated.gitgate(["apply", "--yes"], in: gated.worktree)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let observer = try Connection(gated.conninfo, options: .init(connectTimeout: 5, readOnly: false))
        func column(_ sql: String) throws -> [String?] { try observer.query(sql).rows.map { $0.first ?? nil } }
        let ledgerBefore = try column("SELECT version || ':' || how FROM gitgate.migrations ORDER BY version")
        #expect(ledgerBefore == ["002:applied"])

        // Hold a lock on orders: the rollback's DROP TABLE waits for it inside its transaction.
        let holder = try Connection(gated.conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try holder.execute("BEGIN; LOCK TABLE orders IN ACCESS SHARE MODE")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GitGateBinary.path)
        process.arguments = ["rollback", "--target", "production", "--yes"]
        process.currentDirectoryURL = URL(fileURLWithPath: gated.worktree)
        process.environment = gated.repo.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        // The event: gitgate's session waits for our lock (well inside the 5 s apply lock timeout).
        var backend: String?
        let deadline = ContinuousClock.now + .seconds(30)
        while backend == nil && ContinuousClock.now < deadline && process.isRunning {
            backend = try column("SELECT pid::text FROM pg_locks WHERE relation = 'orders'::regclass AND NOT granted").first ?? nil
            if backend == nil { Thread.sleep(forTimeInterval: 0.02) }
        }
        let pid = try #require(backend, "the rollback never waited on the lock")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)
        try holder.execute("ROLLBACK")

        // The server rolls the dead client's transaction back (client_connection_check_interval).
        let gone = ContinuousClock.now + .seconds(15)
        while try observer.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)").count > 0 && ContinuousClock.now < gone {
            Thread.sleep(forTimeInterval: 0.1)
        }
        #expect(try observer.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)").count == 0)
        #expect(try column("SELECT to_regclass('public.orders') IS NOT NULL") == ["t"])
        #expect(try column("SELECT version || ':' || how FROM gitgate.migrations ORDER BY version") == ledgerBefore)
        #expect(try column("SELECT action FROM gitgate.history ORDER BY id") == ["applied"])
        #expect(try gated.gitgate(["status"], in: gated.worktree).status == 0)

        let rerun = try gated.gitgate(["rollback", "--target", "production", "--yes"], in: gated.worktree)
        #expect(rerun.status == 0, "\(rerun.stdout)\(rerun.stderr)")
        #expect(try column("SELECT to_regclass('public.orders') IS NULL") == ["t"])
        #expect(try column("SELECT count(*) FROM gitgate.migrations") == ["0"])
        #expect(try column("SELECT action FROM gitgate.history ORDER BY id") == ["applied", "rolled-back"])

        // gitgate log as a user runs it: both events, signed; absent values are null; bad input is one line.
        let log = try gated.gitgate(["log", "--format", "json"], in: gated.worktree)
        #expect(log.status == 0, "\(log.stderr)")
        #expect(log.stdout.components(separatedBy: "\"gitUserName\" : \"\(TestRepository.identity.name)\"").count == 3, "\(log.stdout)")
        #expect(log.stdout.contains("\"reason\" : null") && log.stdout.contains("\"action\" : \"rolled-back\""), "\(log.stdout)")
        let unknown = try gated.gitgate(["log", "--target", "nope"], in: gated.worktree)
        #expect(unknown.status == 64)
        #expect(unknown.stderr == "gitgate: unknown target 'nope': configured targets: production\n")
    }
}
