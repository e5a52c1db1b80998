import Foundation
import GitGateDemo
import GitGateKit
import Digest
import Postgres
import Testing
import TestSupport

/// `gitgate plan` for the checklist's branch: kept as snapshots, with shas made stable.
@Suite("gitgate plan")
struct PlanTests {
    /// main has the users table (applied to production by hand, as in the demo); the branch adds
    /// the checklist's two migrations.
    static func checklistWorld() throws -> ApplyWorld {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "002_create_security_detections.sql": DemoMigrations.securityDetections,
            "003_create_job_analysis_tiers.sql": DemoMigrations.jobAnalysisTiers,
        ], main: ["migrations/001_create_users.sql": DemoMigrations.users])
        try world.connect().execute(DemoMigrations.users)
        return world
    }

    /// Replaces what changes from run to run (commit shas, times) with stable words.
    static func normalise(_ text: String, _ plan: DeploymentPlan) -> String {
        var text = text
        for sha in [plan.head, plan.mergeBase].compactMap({ $0 }) {
            text = text.replacingOccurrences(of: sha, with: "<sha>").replacingOccurrences(of: String(sha.prefix(12)), with: "<sha>")
        }
        return text.replacingOccurrences(of: #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d( UTC)?"#, with: "<time>", options: .regularExpression)
    }

    /// Compares with the kept file; GITGATE_RECORD_SNAPSHOTS=1 writes it instead (then review the diff).
    static func expectSnapshot(_ text: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots/\(name)").path
        if ProcessInfo.processInfo.environment["GITGATE_RECORD_SNAPSHOTS"] == "1" {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return
        }
        let kept = try #require(FileManager.default.contents(atPath: path), "no snapshot \(name): record it with GITGATE_RECORD_SNAPSHOTS=1",
                                sourceLocation: sourceLocation)
        #expect(text == String(decoding: kept, as: UTF8.self), "plan differs from Snapshots/\(name)", sourceLocation: sourceLocation)
    }

    @Test("the checklist's branch before apply: BLOCKED, in text, Markdown and JSON", .database)
    func checklistBeforeApply() throws {
        let world = try Self.checklistWorld()
        let plan = try DeploymentPlan.make(at: world.worktree, environment: world.environment)
        #expect(plan.verdict.decision == .blocked)
        #expect(plan.summary.hasPrefix("BLOCKED: production: migrations/002_create_security_detections.sql is not applied"))
        #expect(plan.rollbacks.map(\.rollback.migration.version) == ["003", "002"])
        #expect(plan.rollbacks.allSatisfy { $0.rollback.kind == .derived })
        #expect(plan.tables.map(\.table) == ["security_detections", "job_analysis_tiers"] && plan.tables.allSatisfy { !$0.exists })

        let markdown = PlanReport.markdown(plan)
        #expect(markdown.hasPrefix(PlanReport.marker + "\n### "))
        #expect(markdown.components(separatedBy: "\n### ").count == 2, "one heading")
        #expect(!markdown.contains(world.conninfo) && !markdown.contains("127.0.0.1") && !markdown.contains("localhost"))
        try Self.expectSnapshot(Self.normalise(PlanReport.text(plan, style: .plain), plan), named: "checklist-blocked.txt")
        try Self.expectSnapshot(Self.normalise(markdown, plan), named: "checklist-blocked.md")
        try Self.expectSnapshot(Self.normalise(PlanReport.json(plan), plan), named: "checklist-blocked.json")
    }

    @Test("after apply: READY, rows counted for the rollback, the plan's states are status's", .database)
    func checklistAfterApply() throws {
        let world = try Self.checklistWorld()
        try world.apply()
        try world.connect().execute("WITH u AS (INSERT INTO users (email) VALUES ('a@example.com') RETURNING id) INSERT INTO security_detections (user_id, rule, severity) SELECT id, 'r', 'low' FROM u")
        let plan = try DeploymentPlan.make(at: world.worktree, environment: world.environment)
        let status = try StatusService.report(at: world.worktree, environment: world.environment)
        #expect(plan.verdict == status.verdict)
        #expect(plan.summary.hasPrefix("READY TO MERGE"))
        let detections = try #require(plan.rollbacks.first { $0.rollback.migration.version == "002" })
        let drop = try #require(detections.rollback.steps.firstIndex { $0.sql == #"DROP TABLE IF EXISTS "security_detections""# })
        #expect(detections.rows[drop]?.contains("rows of \"security_detections\"") == true, "\(detections.rows)")
        #expect(detections.appliedAt != nil)
        let tiers = try #require(plan.rollbacks.first { $0.rollback.migration.version == "003" })
        #expect(tiers.rows.compactMap { $0 }.allSatisfy { $0.hasPrefix("no rows") }, "\(tiers.rows)")
        // The checklist's production test: each new table, its columns and indexes, its rows.
        let detectionsTable = try #require(plan.tables.first { $0.table == "security_detections" })
        #expect(detectionsTable.exists && detectionsTable.rows == "1 row")
        #expect(detectionsTable.columns.first == "id bigint" && detectionsTable.columns.contains("severity text"))
        #expect(detectionsTable.indexes == ["security_detections_pkey", "security_detections_user_id_idx"])
        #expect(plan.tables.first { $0.table == "job_analysis_tiers" }?.rows == "0 rows")
        try Self.expectSnapshot(Self.normalise(PlanReport.markdown(plan), plan), named: "checklist-ready.md")
    }

    @Test("a fleet reads as status reads it: one line, the first few members per problem and a count, in text and Markdown", .database)
    func fleet() throws {
        let ledger = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../migrations/001_create_ledger.sql"), encoding: .utf8)
        let widgets = "CREATE TABLE widgets (id bigint PRIMARY KEY);\n"
        let color = "ALTER TABLE widgets ADD COLUMN color text;\n"
        // Five databases with 001 applied and recorded; the last one also has 002, by hand.
        var databases: [String] = []
        for index in 0..<5 {
            let conninfo = try TestDatabase.make()
            var sql = ledger + "\n" + widgets
            sql += "\nINSERT INTO gitgate.migrations (version, name, path, checksum, how) VALUES ('001', 'create_widgets', 'migrations/001_create_widgets.sql', '\(SHA256.hex(widgets))', 'applied');"
            if index == 4 { sql += "\n" + color }
            try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false)).execute(sql)
            databases.append(conninfo)
        }
        let repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n"
                + databases.map { "\turl = \"\($0)\"\n" }.joined(),
            "migrations/001_create_widgets.sql": widgets,
        ], message: "main: a fleet of five databases")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/002_add_color.sql": color], message: "Add color", in: worktree)

        let plan = try DeploymentPlan.make(at: worktree, environment: repo.environment)
        let fleet = try #require(plan.targets.first?.fleet)
        #expect(fleet.total == 5 && fleet.upToDate == 1 && fleet.having("002") == 1)
        // Member names carry the test cluster's port and database names: made stable here.
        let names = try databases.map { try #require(ConninfoLabel.hostAndDatabase($0)) }
        func stable(_ text: String) -> String {
            var text = Self.normalise(text, plan)
            for (index, name) in names.enumerated() { text = text.replacingOccurrences(of: name, with: "member-\(index)") }
            return text
        }
        let text = stable(PlanReport.text(plan, style: .plain))
        #expect(text.contains("✗ production (gated: every database): 1/5 databases up to date; 4 lack 002_add_color: member-0, member-1, member-2 and 1 more; 1 has 002_add_color applied by hand: member-4"), "\(text)")
        let markdown = stable(PlanReport.markdown(plan))
        #expect(markdown.contains("- ⛔ `production` (gated: every database): 1/5 databases up to date; 4 lack 002_add_color: member-0, member-1, member-2 and 1 more"), "\(markdown)")
        #expect(markdown.contains("| `migrations/002_add_color.sql` | pending: 1/5 databases have it |"), "\(markdown)")
        try Self.expectSnapshot(text, named: "plan-fleet.txt")
        try Self.expectSnapshot(markdown, named: "plan-fleet.md")
    }

    @Test("an unknown --target is a usage error naming the configured ones", .database)
    func unknownTarget() throws {
        let world = try Self.checklistWorld()
        #expect(throws: GitGateError(.usage, "unknown target 'nope': configured targets: production")) {
            try DeploymentPlan.make(at: world.worktree, targets: ["nope"], environment: world.environment)
        }
    }
    @Test("what gitgate derives a reverse for, and what only a restore undoes", .database)
    func derivation() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            // What belongs to a table the migration creates goes with it.
            "001_new.sql": """
                CREATE TABLE t (id int, note text);
                CREATE INDEX ON t (note);
                COMMENT ON COLUMN t.note IS 'free text';
                INSERT INTO t VALUES (1, 'seed');

                """,
            "002_add.sql": "ALTER TABLE t ADD COLUMN extra int;\nCREATE INDEX CONCURRENTLY t_extra_idx ON t (extra);\n",
            "003_replace.sql": "CREATE OR REPLACE VIEW v AS SELECT 1 AS one;\n",
            "004_drop.sql": "DROP TABLE IF EXISTS old_things;\n",
            "005_fix.sql": "UPDATE t SET note = 'x' WHERE id = 1;\n",
        ])
        let plan = try DeploymentPlan.make(at: world.worktree, environment: world.environment)
        let kinds = Dictionary(uniqueKeysWithValues: plan.rollbacks.map { ($0.rollback.migration.version, $0.rollback.kind) })
        #expect(kinds == ["001": .derived, "002": .derived, "003": .irreversible, "004": .irreversible, "005": .irreversible])
        let first = try #require(plan.rollbacks.first { $0.rollback.migration.version == "001" })
        #expect(first.rollback.steps.map(\.sql) == [#"DROP TABLE IF EXISTS "t""#])
        let second = try #require(plan.rollbacks.first { $0.rollback.migration.version == "002" })
        #expect(second.rollback.steps.map(\.sql) == [#"DROP INDEX CONCURRENTLY IF EXISTS "t_extra_idx""#, #"ALTER TABLE "t" DROP COLUMN IF EXISTS "extra""#])
        #expect(!second.rollback.transactional, "DROP INDEX CONCURRENTLY runs outside a transaction")
        let drop = try #require(plan.rollbacks.first { $0.rollback.migration.version == "004" })
        #expect(drop.rollback.irreversible == ["line 1: DROP TABLE (table old_things) cannot be reversed from the SQL"])
        #expect(PlanReport.text(plan, style: .plain).contains("restore from the backup or point in time before it is applied"))
    }
}
