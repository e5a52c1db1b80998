import Foundation
import GitGateKit
import Testing
import TestSupport

/// With another tool's ledger, gitgate must never write gitgate's own: that tool would still
/// believe the migration pending. apply and record refuse, naming the tool's own command, and
/// every hint names that tool's command too.
@Suite("other tools' ledgers: apply, record and the hints")
struct LedgerCommandTests {
    static let commands: [(LedgerKind, String)] = [
        (.flyway, "apply with: flyway migrate"),
        (.golangMigrate, "apply with: migrate -path migrations -database URL up"),
        (.dbmate, "apply with: dbmate --migrations-dir migrations up"),
        (.sqitch, "apply with: sqitch deploy"),
        (.goose, "apply with: goose -dir migrations postgres URL up"),
        (.diesel, "apply with: diesel migration run --migration-dir migrations"),
        (.prisma, "apply with: prisma migrate deploy"),
        (.pop, "apply with: soda migrate"),
        (.atlas, "apply with: atlas migrate apply"),
        (.liquibase, "apply with: liquibase update"),
        (.none, "apply with: psql -v ON_ERROR_STOP=1"),
    ]

    /// Every relation outside the system schemas, to show nothing was created.
    static let relations = """
        SELECT count(*)::text FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
        """

    @Test("gitgate apply refuses with the tool's own command and changes nothing", .database, arguments: commands)
    func applyRefuses(ledger: LedgerKind, command: String) throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_create_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
        ], ledger: ledger)
        let before = try world.column(Self.relations)
        let error = try #require(throws: GitGateError.self) { try world.applier().plan() }
        #expect(error.kind == .refused)
        #expect(error.message.contains(command), "\(error.message)")
        #expect(error.message.contains("Nothing was changed"))
        #expect(try world.column(Self.relations) == before)
        #expect(try world.column("SELECT count(*)::text FROM pg_namespace WHERE nspname = 'gitgate'") == ["0"])
        #expect(try !world.exists("a"))
    }

    @Test("gitgate record refuses and prints the row the tool would write", .database, arguments: [
        (LedgerKind.dbmate, "record with: INSERT INTO schema_migrations (version) VALUES ('001')"),
        (.goose, "record with: INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true)"),
        (.prisma, "record with: prisma migrate resolve --applied 001_create_a"),
        (.golangMigrate, "record with: migrate -path migrations -database URL force 1"),
    ])
    func recordRefuses(ledger: LedgerKind, command: String) throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_create_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
        ], ledger: ledger)
        try world.connect().execute("CREATE TABLE a (id int PRIMARY KEY)")
        let before = try world.column(Self.relations)
        let recorder = try Recorder(at: world.worktree, target: "production", options: world.options())
        let error = try #require(throws: GitGateError.self) { try recorder.record(["001"]) }
        #expect(error.kind == .refused)
        #expect(error.message.contains(command), "\(error.message)")
        #expect(try world.column(Self.relations) == before)
        #expect(try world.ledger() == [])
    }

    @Test("status names the configured tool's command to apply, and its row to record", .database)
    func statusHints() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_create_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
            "002_create_b.sql": "CREATE TABLE b (id int PRIMARY KEY);\n",
        ], ledger: .goose)
        // 001 was run by hand; 002 not at all; goose has no row for either.
        try world.connect().execute("CREATE TABLE a (id int PRIMARY KEY)")
        let report = try StatusService.report(at: world.worktree, environment: world.environment)
        #expect(report.verdict.decision == .blocked)
        #expect(report.verdict.reasons.contains {
            $0.description.contains("migrations/002_create_b.sql is not applied (") && $0.description.contains("; apply it with: goose -dir migrations postgres URL up")
        }, "\(report.verdict.reasons)")
        #expect(report.verdict.notes.contains {
            $0.description.contains("record it with: INSERT INTO goose_db_version (version_id, is_applied) VALUES (1, true)")
        }, "\(report.verdict.notes)")
        let said = report.verdict.reasons.map(\.description) + report.verdict.notes.map(\.description)
        #expect(!said.contains { $0.contains("gitgate apply") || $0.contains("gitgate record") })
    }
}
