import Foundation
import LocalPostgres
import Postgres
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// The installed hooks fail closed: whatever stops gitgate from checking, `git merge --no-ff`
/// into main is refused and main does not move, even when production has every migration.
@Suite("Reliability: the gate fails closed")
struct ReliabilityGateTests {
    /// A gated repository whose production already has the branch's migration: only the fault
    /// can block the merge, and `status` shows it would be ready without one.
    private static func readyRepository() throws -> GatedRepository {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        try gated.applyPendingMigration()
        let ready = try gated.gitgate(["status"], in: gated.worktree)
        #expect(ready.status == 0, "not ready without a fault: \(ready.output)")
        return gated
    }

    private static func expectMergeBlocked(_ gated: GatedRepository, extra: [String: String] = [:],
                                           sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = try gated.mainTip
        let merge = try gated.repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature", env: extra)
        #expect(!merge.succeeded, "merge allowed: \(merge.stderr)", sourceLocation: sourceLocation)
        #expect(!(merge.stdout + merge.stderr).contains("Fatal error"), sourceLocation: sourceLocation)
        _ = try? gated.repo.gitResult("merge", "--abort")
        #expect(try gated.mainTip == before, "main moved", sourceLocation: sourceLocation)
    }

    private static func setConfig(_ gated: GatedRepository, _ pairs: [(String, String)]) throws {
        for (key, value) in pairs { try gated.repo.git("config", "gitgate.production." + key, value) }
    }

    @Test("unreachable server: the merge is blocked", .database)
    func unreachable() throws {
        let gated = try Self.readyRepository()
        try Self.setConfig(gated, [("url", "host=127.0.0.1 port=1 dbname=app connect_timeout=2")])
        let status = try gated.gitgate(["status"], in: gated.worktree)
        expectCleanFailure(status, allowed: [2])
        try Self.expectMergeBlocked(gated)
    }

    @Test("a listener that never answers: connect timeout, the merge is blocked", .database)
    func silentListener() throws {
        let gated = try Self.readyRepository()
        let listener = try SilentListener()
        defer { withExtendedLifetime(listener) {} }
        try Self.setConfig(gated, [("url", "host=127.0.0.1 port=\(listener.port) dbname=app"), ("connectTimeout", "1s")])
        let start = ContinuousClock.now
        expectCleanFailure(try gated.gitgate(["status"], in: gated.worktree), allowed: [2])
        #expect(ContinuousClock.now - start < .seconds(20))
        try Self.expectMergeBlocked(gated)
    }

    @Test("an exclusive lock on the ledger: lock timeout, the merge is blocked", .database)
    func lockedLedger() throws {
        let gated = try Self.readyRepository()
        try Self.setConfig(gated, [("lockTimeout", "500ms")])
        let holder = try Connection(gated.conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE gitgate.migrations IN ACCESS EXCLUSIVE MODE")
        expectCleanFailure(try gated.gitgate(["status"], in: gated.worktree), allowed: [2])
        try Self.expectMergeBlocked(gated)
        try holder.execute("ROLLBACK")
    }

    @Test("an exclusive lock on a catalog table: the merge is blocked", .database)
    func lockedCatalog() throws {
        let gated = try Self.readyRepository()
        try Self.setConfig(gated, [("lockTimeout", "500ms"), ("statementTimeout", "1s"), ("connectTimeout", "2s")])
        let holder = try Connection(gated.conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE")
        expectCleanFailure(try gated.gitgate(["status"], in: gated.worktree), allowed: [2])
        try Self.expectMergeBlocked(gated)
        try holder.execute("ROLLBACK")
    }

    @Test("statement timeout: the merge is blocked", .database)
    func statementTimeout() throws {
        let gated = try Self.readyRepository()
        try Self.setConfig(gated, [("lockTimeout", "60s"), ("statementTimeout", "300ms")])
        let holder = try Connection(gated.conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE gitgate.migrations IN ACCESS EXCLUSIVE MODE")
        let start = ContinuousClock.now
        expectCleanFailure(try gated.gitgate(["status"], in: gated.worktree), allowed: [2])
        #expect(ContinuousClock.now - start < .seconds(30))
        try Self.expectMergeBlocked(gated)
        try holder.execute("ROLLBACK")
    }

    @Test("permission denied on the ledger: the merge is blocked", .database)
    func permissionDenied() throws {
        let gated = try Self.readyRepository()
        let role = "rel_reader_\(UInt32.random(in: 0...UInt32.max))"
        try gated.execute("CREATE ROLE \(role) LOGIN")
        try gated.execute("REVOKE ALL ON SCHEMA gitgate FROM PUBLIC; REVOKE ALL ON gitgate.migrations FROM PUBLIC")
        let url = gated.conninfo.components(separatedBy: " ")
            .map { $0.hasPrefix("user=") ? "user=\(role)" : $0 }.joined(separator: " ")
        try Self.setConfig(gated, [("url", url)])
        expectCleanFailure(try gated.gitgate(["status"], in: gated.worktree), allowed: [1, 2])
        try Self.expectMergeBlocked(gated)
    }

    @Test("the server killed while the hook waits on it: the merge is blocked")
    func serverKilledMidCheck() throws {
        let cluster = try LocalCluster()
        defer { cluster.stop() }
        let conninfo = try cluster.createDatabase("killed")
        let gated = try GatedRepository(conninfo: conninfo)
        try gated.applyPendingMigration()
        try Self.setConfig(gated, [("lockTimeout", "60s"), ("statementTimeout", "60s")])
        let holder = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try holder.execute("BEGIN")
        try holder.execute("LOCK TABLE gitgate.migrations IN ACCESS EXCLUSIVE MODE")
        let pid = cluster.processID
        // Kill the server once the hook's check is waiting on the lock: the event, not a delay.
        let killer = Thread {
            guard let watcher = try? Connection(conninfo, options: .init(connectTimeout: 5, readOnly: true)) else {
                kill(pid, SIGKILL)
                return
            }
            try? waitFor("the hook's check to wait on the ledger lock") {
                try watcher.query("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'")
                    .int(row: 0, column: "n") ?? 0 > 0
            }
            kill(pid, SIGKILL)
        }
        killer.start()
        try Self.expectMergeBlocked(gated)
    }
}
