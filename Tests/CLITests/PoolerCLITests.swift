import Foundation
import GitGateKit
import LocalPostgres
import Postgres
import Testing
import TestSupport

/// The commands a user runs against a target behind a real PgBouncer in transaction pooling
/// (the managed-database setup): the read-only ones work, apply refuses with the reason.
@Suite("gitgate behind PgBouncer (binary)")
struct PoolerCLITests {
    @Test("status and check work through a transaction pooler")
    func statusAndCheck() throws {
        let (direct, pooled) = try TestPgBouncer.database(.transaction)
        let gated = try GatedRepository(conninfo: pooled, install: nil)
        let blocked = try gated.gitgate(["status"], in: gated.worktree)
        #expect(blocked.status == 1, "\(blocked.stdout) \(blocked.stderr)")
        #expect(blocked.stdout.contains(GatedRepository.pendingPath))
        let check = try gated.gitgate(["check", "--base", "main", "--head", "feature"])
        #expect(check.status == 1, "\(check.stdout) \(check.stderr)")
        #expect(check.stdout.contains("BLOCKED"))
        let doctor = try gated.gitgate(["doctor"], in: gated.worktree)
        #expect(doctor.stdout.contains("read-only transaction"), "\(doctor.stdout)")

        try GatedRepository.applyPending(direct)
        let ready = try gated.gitgate(["status"], in: gated.worktree)
        #expect(ready.status == 0, "\(ready.stdout) \(ready.stderr)")
        let passed = try gated.gitgate(["check", "--base", "main", "--head", "feature"])
        #expect(passed.status == 0, "\(passed.stdout) \(passed.stderr)")
    }

    @Test("lint --target reads table sizes through a transaction pooler")
    func lintTarget() throws {
        let (direct, pooled) = try TestPgBouncer.database(.transaction)
        let connection = try Connection(direct, options: .init(readOnly: false))
        try connection.execute("CREATE TABLE events (id bigint, kind text); ANALYZE events;")
        try connection.execute("UPDATE pg_class SET reltuples = 250000 WHERE oid = 'events'::regclass")
        let repo = try TestRepository()
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n\tlargeTableRows = 200000\n[gitgate \"production\"]\n\turl = \"\(pooled)\"\n",
                              "migrations/README": "migrations\n"], message: "Setup")
        try repo.write("change.sql", "CREATE INDEX events_kind ON events (kind);\n")
        let result = try GitGateBinary.run(["lint", "--target", "production", "--format", "json", "change.sql"],
                                           in: repo.path, environment: repo.environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("gitgate.largeTableRows = 200000"), "\(result.stdout)")
    }

    @Test("apply through a transaction pooler is refused, with the reason and what to do; the dry run works")
    func applyRefused() throws {
        let (direct, pooled) = try TestPgBouncer.database(.transaction)
        let gated = try GatedRepository(conninfo: pooled, install: nil)
        let dry = try gated.gitgate(["apply", "--dry-run"], in: gated.worktree)
        #expect(dry.status == 0, "\(dry.stdout) \(dry.stderr)")
        #expect(dry.stdout.contains(GatedRepository.pendingPath), "\(dry.stdout)")

        let apply = try gated.gitgate(["apply", "--yes"], in: gated.worktree)
        #expect(apply.status == 1, "\(apply.stdout) \(apply.stderr)")
        #expect(apply.stderr.hasPrefix("gitgate: "), "\(apply.stderr)")
        #expect(apply.stderr.contains("a connection pooler stands between gitgate and the server"), "\(apply.stderr)")
        #expect(apply.stderr.contains("unsupported startup parameter"), "\(apply.stderr)")
        #expect(apply.stderr.contains("the server's own port"), "\(apply.stderr)")
        #expect(apply.stderr.split(separator: "\n").count == 1, "\(apply.stderr)")
        // Nothing ran: no orders table, no ledger, no advisory lock left on this database (the
        // cluster is shared with tests that apply concurrently, so only this database counts).
        let admin = try Connection(direct, options: .init(readOnly: false))
        #expect(try admin.query("SELECT to_regclass('orders') IS NULL AND to_regclass('gitgate.migrations') IS NULL AS clean")[0, "clean"] == "t")
        #expect(try admin.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")[0, "n"] == "0")

        // The server's own socket, as the message says, applies.
        try gated.repo.git("config", "gitgate.production.url", direct)
        let applied = try gated.gitgate(["apply", "--yes"], in: gated.worktree)
        #expect(applied.status == 0, "\(applied.stdout) \(applied.stderr)")
        #expect(try admin.query("SELECT count(*) AS n FROM gitgate.migrations")[0, "n"] == "1")
    }
}

extension PoolerCLITests {
    @Test("apply through a pooler that drops the startup settings is refused too; nothing is left locked")
    func applyRefusedWhenOptionsAreDropped() throws {
        let cluster = try TestPostgres.cluster()
        let bouncer = try LocalPgBouncer(in: cluster, mode: .transaction, ignoredStartupParameters: ["extra_float_digits", "options"])
        defer { bouncer.stop() }
        let direct = try TestDatabase.make()
        let name = try #require(direct.components(separatedBy: " ").first { $0.hasPrefix("dbname=") }).dropFirst(7)
        let gated = try GatedRepository(conninfo: bouncer.conninfo(database: String(name)), install: nil)
        let apply = try gated.gitgate(["apply", "--yes"], in: gated.worktree)
        #expect(apply.status == 1, "\(apply.stdout) \(apply.stderr)")
        #expect(apply.stderr.contains("did not receive the settings gitgate sent at connect"), "\(apply.stderr)")
        #expect(apply.stderr.contains("the server's own port"), "\(apply.stderr)")
        let admin = try Connection(direct, options: .init(readOnly: false))
        #expect(try admin.query("SELECT to_regclass('orders') IS NULL AS clean")[0, "clean"] == "t")
        #expect(try admin.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")[0, "n"] == "0")
    }

    @Test("status through a session pooler")
    func statusThroughASessionPooler() throws {
        let (_, pooled) = try TestPgBouncer.database(.session)
        let gated = try GatedRepository(conninfo: pooled, install: nil)
        let blocked = try gated.gitgate(["status"], in: gated.worktree)
        #expect(blocked.status == 1, "\(blocked.stdout) \(blocked.stderr)")
        #expect(blocked.stdout.contains(GatedRepository.pendingPath))
    }
}

extension GatedRepository {
    /// What `applyPendingMigration()` does, on the database itself rather than through the URL.
    static func applyPending(_ conninfo: String) throws {
        let connection = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try connection.execute(pendingSQL)
        try connection.execute(String(contentsOfFile: ledgerSchemaPath, encoding: .utf8))
        let checksum = Migration(version: "002", name: "create_orders", path: pendingPath, source: .committed,
                                 contents: Data(pendingSQL.utf8)).checksum
        try connection.execute("""
            INSERT INTO gitgate.migrations (version, name, path, checksum, how)
            VALUES ('002', 'create_orders', '\(pendingPath)', '\(checksum)', 'applied')
            """)
    }
}
