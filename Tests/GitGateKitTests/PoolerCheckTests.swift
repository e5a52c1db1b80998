import Foundation
import GitGateKit
import LocalPostgres
import Postgres
import Testing
import TestSupport

/// The check through a real PgBouncer: the same guarantees as a direct connection (read-only,
/// timeouts, no JIT), set inside its one transaction, and nothing left on the pooled server.
@Suite struct PoolerCheckTests {
    private let m3 = Migration(version: "003", name: "create_security_detections", path: "migrations/003_create_security_detections.sql",
                               source: .committed, contents: Data(detections.utf8))

    @Test(arguments: [LocalPgBouncer.PoolMode.transaction, .session])
    func theCheckIsReadOnlyWithoutJITBehindAPooler(mode: LocalPgBouncer.PoolMode) throws {
        let (direct, pooled) = try TestPgBouncer.database(mode)
        try admin(direct).execute(detections)
        try admin(direct).execute("""
            CREATE SCHEMA gitgate;
            CREATE VIEW gitgate.migrations AS SELECT '003'::text AS version, '\(m3.checksum)'::text AS checksum,
                'applied'::text AS how, now() AS applied_at,
                'jit=' || current_setting('jit') || ',read_only=' || current_setting('transaction_read_only')
                || ',lock=' || current_setting('lock_timeout') AS db_user;
            """)
        let status = try #require(try states(pooled, [m3])["003"])
        #expect(status.state == .applied, "\(status)")
        #expect(status.detail.contains("by jit=off,read_only=on,lock=2s"), "\(status)")
        // The settings were SET LOCAL: the pooled servers are back to their defaults.
        let after = try Connection(pooled, options: .init(connectTimeout: 5, readOnly: false))
        for _ in 0..<4 {
            let row = try after.batch("SHOW jit; SHOW lock_timeout; SHOW default_transaction_read_only").map { $0.rows.first?.first ?? nil }
            #expect(row == ["on", "0", "off"])
        }
    }

    @Test func aLockTimeoutAtTheFirstQueryIsReportedAsOne() throws {
        let (direct, pooled) = try TestPgBouncer.database(.transaction)
        let schema = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../migrations/001_create_ledger.sql")
        try admin(direct).execute(try String(contentsOf: schema, encoding: .utf8))
        let holder = try admin(direct)
        try holder.execute("BEGIN; LOCK TABLE gitgate.migrations IN ACCESS EXCLUSIVE MODE")
        defer { _ = try? holder.execute("ROLLBACK") }
        var target = Target(name: "production", connection: .conninfo(pooled))
        target.lockTimeoutMs = 300
        let check = TargetChecker(ledger: .gitgate).check([target], migrations: [m3])
        let outcome = try #require(check.first).outcome
        guard case .failure(let error) = outcome else {
            Issue.record("the check passed under a lock: \(outcome)")
            return
        }
        #expect(error.message.contains("[55P03]"), "\(error.message)")
        #expect(error.message.contains("a lock held by another session blocked the check"), "\(error.message)")
        #expect(!error.message.contains("is the server up"), "\(error.message)")
        #expect(error.exitCode == 2)
    }
}
