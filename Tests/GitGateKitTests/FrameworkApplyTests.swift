import Foundation
import GitGateKit
import Testing
import TestSupport

/// dbmate's and goose's down sections are never run: applied on a real PostgreSQL, the table
/// the up section creates is there afterwards, and the status check finds it.
@Suite struct FrameworkApplyTests {
    @Test(.database, arguments: [
        ("20151129054054_create_users.sql", FrameworkLayoutTests.dbmateFile, "users"),
        ("00002_post.sql", FrameworkLayoutTests.gooseFile, "post"),
    ])
    func downSectionsAreNeverApplied(file: String, contents: String, table: String) throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [file: contents])
        if file.hasPrefix("00002") { try world.connect().execute("CREATE TABLE histories (created_at timestamp)") }
        let result = try world.apply()
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(try world.exists(table), "the down section dropped \(table)")
        #expect(try world.ledger().count == 1)
        let report = StatusService.evaluate(try Inspector(at: world.worktree).inspectWorktree(),
                                            configuration: try Inspector(at: world.worktree).configuration,
                                            environment: world.environment)
        #expect(report.verdict.decision == .ready, "\(report.verdict.reasons)")
    }

    @Test(.database) func dbmateTransactionFalseRunsOutsideATransaction() throws {
        let file = "-- migrate:up transaction:false\nCREATE TABLE t (id int);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n-- migrate:down\nDROP TABLE t;\n"
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["20200101000000_t.sql": file])
        let plan = try world.applier().plan()
        #expect(plan.items.first?.transactional == false)
        let result = try world.apply()
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(try world.exists("t_id"))
    }

    @Test(.database) func lintOfOneFileKnowsWhatEarlierMigrationsCreated() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [:], main: [
            "migrations/001_users.sql": "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCOMMENT ON TABLE users IS 'people';\n",
            "migrations/002_nothing.sql": "SELECT 1;\n",
        ])
        try world.add(["003_orders.sql": """
            CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint REFERENCES users (id));
            CREATE INDEX IF NOT EXISTS orders_user_id ON orders (user_id);
            COMMENT ON TABLE orders IS 'what people bought';

            """])
        let outcome = try LintService.run(paths: ["migrations/003_orders.sql"], in: world.worktree)
        #expect(!outcome.findings.contains { $0.rule == "foreign-key-unknown-table" }, "\(outcome.findings.map(\.rule))")
        // Outside the repository's folder the file has no history: the table is unknown.
        let copy = world.repo.scratch.appending("003_orders.sql")
        try FileManager.default.copyItem(atPath: world.worktree + "/migrations/003_orders.sql", toPath: copy)
        let alone = try LintService.run(paths: [copy], in: world.repo.scratch.path)
        #expect(alone.findings.contains { $0.rule == "foreign-key-unknown-table" })
    }

    @Test func lintOfADbmateFileReviewsTheUpSectionOnly() throws {
        let scratch = try ScratchDirectory()
        let path = scratch.appending("20200101000000_users.sql")
        try Data(FrameworkLayoutTests.dbmateFile.utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try LintService.run(paths: [path], in: scratch.path)
        #expect(!outcome.findings.contains { $0.rule == "destructive-drop" }, "\(outcome.findings.map(\.rule))")
    }
}
