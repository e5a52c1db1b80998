import Foundation
import GitGateKit
import Testing
import TestSupport

@Suite("gitgate rollback")
struct RollbackTests {
    /// Every object outside the system schemas and gitgate's own: relations with their columns,
    /// types, functions. What "the catalog as before" compares.
    static func catalog(_ world: ApplyWorld) throws -> [String?] {
        try world.column("""
            SELECT kind || ' ' || name FROM (
              SELECT 'relation' AS kind, n.nspname || '.' || c.relname || ':' || c.relkind::text ||
                     coalesce(' (' || (SELECT string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod), ', ' ORDER BY a.attnum)
                                       FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) || ')', '') AS name
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'gitgate', 'pg_toast')
              UNION ALL
              SELECT 'type', n.nspname || '.' || t.typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'gitgate', 'pg_toast') AND t.typtype IN ('e', 'd', 'c') AND t.typrelid = 0
              UNION ALL
              SELECT 'function', p.oid::regprocedure::text FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'gitgate')
            ) x ORDER BY 1
            """)
    }

    static func rollbacker(_ world: ApplyWorld, _ versions: [String] = [], allowDataLoss: Bool = false,
                           merged: Bool = false) throws -> Rollbacker {
        try Rollbacker(at: world.worktree, target: "production", versions: versions,
                       options: RollbackOptions(lockWait: .seconds(30), environment: world.environment,
                                                allowDataLoss: allowDataLoss, merged: merged))
    }

    /// Applies the branch on top of main's state, rolls it all back, and expects the catalog
    /// and the ledger as they were before the apply.
    static func roundTrip(_ world: ApplyWorld, expect kinds: [MigrationRollback.Kind]) throws {
        let catalogBefore = try Self.catalog(world)
        let ledgerBefore = try world.ledger()
        let applied = try world.apply()
        #expect(applied.failure == nil, "\(String(describing: applied.failure))")
        #expect(try Self.catalog(world) != catalogBefore, "the apply changed nothing")
        let rollbacker = try Self.rollbacker(world)
        let plan = try rollbacker.plan()
        #expect(plan.refusals == [])
        #expect(plan.items.map(\.rollback.kind) == kinds)
        let result = try rollbacker.run(plan)
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(result.rolledBack.count == kinds.count)
        #expect(try Self.catalog(world) == catalogBefore)
        #expect(try world.ledger() == ledgerBefore)
    }

    @Test("a derived rollback of the checklist's migrations leaves catalog and ledger as before", .database)
    func derivedRoundTrip() throws {
        let world = try PlanTests.checklistWorld()
        try world.add(["004_more.sql": """
            CREATE TYPE tier_kind AS ENUM ('fast', 'slow');
            ALTER TABLE job_analysis_tiers ADD COLUMN kind tier_kind;
            CREATE SEQUENCE IF NOT EXISTS tier_numbers;
            CREATE VIEW high_detections AS SELECT * FROM security_detections WHERE severity = 'high';
            CREATE FUNCTION tier_count() RETURNS bigint LANGUAGE sql AS $$ SELECT count(*) FROM job_analysis_tiers $$;

            """])
        try world.add(["005_concurrent.sql": "-- gitgate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS tiers_name_idx ON job_analysis_tiers (name);\n"])
        try Self.roundTrip(world, expect: [.derived, .derived, .derived, .derived])
    }

    @Test("a golang-migrate down file is what runs, and the rollback leaves catalog and ledger as before", .database)
    func downFileRoundTrip() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "20240101000000_create_a.up.sql": "CREATE TABLE a (id int PRIMARY KEY);\nINSERT INTO a VALUES (1);\n",
            "20240101000000_create_a.down.sql": "DROP TABLE a;\n",
        ])
        try Self.roundTrip(world, expect: [.downFile])
    }

    @Test("a dbmate down section is what runs, and the rollback leaves catalog and ledger as before", .database)
    func dbmateDownSectionRoundTrip() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "20151129054054_create_users.sql": "-- migrate:up\nCREATE TABLE users (id integer, email text);\nUPDATE users SET email = 'x';\n\n-- migrate:down\nDROP TABLE users;\n",
        ])
        let plan = try Self.rollbacker(world).plan()
        #expect(plan.items.isEmpty, "nothing applied yet, so nothing to roll back")
        try Self.roundTrip(world, expect: [.downSection])
    }

    @Test("derived steps that would delete rows are refused without --allow-data-loss, and run with it", .database)
    func dataLossNeedsTheFlag() throws {
        let world = try PlanTests.checklistWorld()
        try world.apply()
        try world.connect().execute("WITH u AS (INSERT INTO users (email) VALUES ('a@example.com') RETURNING id) INSERT INTO security_detections (user_id, rule, severity) SELECT id, 'r', 'low' FROM u")
        let catalogBefore = try Self.catalog(world)
        let plan = try Self.rollbacker(world).plan()
        let refused = try #require(plan.items.first { $0.migration.version == "002" })
        #expect(refused.refusal?.contains("would delete data") == true, "\(String(describing: refused.refusal))")
        #expect(refused.refusal?.contains("--allow-data-loss") == true)
        #expect(plan.items.first { $0.migration.version == "003" }?.refusal == nil, "an empty table loses nothing")
        #expect(throws: GitGateError.self) { try Self.rollbacker(world).run(plan) }
        #expect(try Self.catalog(world) == catalogBefore, "a refused plan changes nothing")
        #expect(try world.ledger() == ["002:applied", "003:applied"])

        let allowed = try Self.rollbacker(world, allowDataLoss: true)
        let result = try allowed.run(try allowed.plan())
        #expect(result.failure == nil)
        #expect(try world.ledger() == [])
        #expect(try !world.exists("security_detections"))
    }

    @Test("a down section that does not parse: a clear refusal naming file and line, nothing done", .database)
    func unparsableDownSection() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "20240101000000_create_t.sql": "-- migrate:up\nCREATE TABLE t (id int);\n\n-- migrate:down\nDROP TABEL t;\n",
        ])
        try world.apply()
        let plan = try Self.rollbacker(world).plan()
        let refusal = try #require(plan.refusals.first)
        #expect(refusal.hasPrefix("migrations/20240101000000_create_t.sql:5: the down part of migrations/20240101000000_create_t.sql does not parse: syntax error"), "\(refusal)")
        #expect(throws: GitGateError.self) { try Self.rollbacker(world).run(plan) }
        #expect(try world.exists("t"))
        #expect(try world.ledger() == ["20240101000000:applied"])
    }

    @Test("a version the target does not have, or that is no migration: a clear error, nothing done", .database)
    func versionTheTargetLacks() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_a.sql": "CREATE TABLE a (id int);\n"])
        #expect(throws: GitGateError(.refused, "target production does not have migrations/001_a.sql: 001 is not in its ledger (gitgate.migrations); nothing was rolled back (gitgate status shows what it has)")) {
            try Self.rollbacker(world, ["001"]).plan()
        }
        try world.apply()
        #expect(throws: GitGateError(.usage, "009 is not a migration of branch feature or main; name one that gitgate status lists")) {
            try Self.rollbacker(world, ["009"]).plan()
        }
        #expect(try world.ledger() == ["001:applied"])
    }

    @Test("a migration main already contains is refused without --merged", .database)
    func mergedNeedsTheFlag() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["002_b.sql": "CREATE TABLE b (id int);\n"],
                                   main: ["migrations/001_a.sql": "CREATE TABLE a (id int);\n"])
        // Applied from main's worktree: the test repository's main checkout.
        let applier = try Applier(at: world.repo.path, target: "production", options: world.options())
        #expect(try applier.apply(try applier.plan()).failure == nil)
        let plan = try Self.rollbacker(world, ["001"]).plan()
        #expect(plan.refusals.first?.contains("pass --merged") == true, "\(plan.refusals)")
        let merged = try Self.rollbacker(world, ["001"], merged: true)
        #expect(try merged.run(try merged.plan()).failure == nil)
        #expect(try !world.exists("a"))
    }

    @Test("a migration nothing can reverse: refused with the restore to do, since when", .database)
    func irreversible() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_a.sql": "CREATE TABLE a (id int);\n",
                                                                                   "002_fill.sql": "INSERT INTO a VALUES (1);\n"])
        try world.apply()
        let plan = try Self.rollbacker(world, ["002"]).plan()
        let refusal = try #require(plan.refusals.first)
        #expect(refusal.contains("restore from the backup or point in time before 20"), "\(refusal)")
        #expect(refusal.contains("when the ledger says it was applied"))
    }

    @Test("another tool's ledger: refused with that tool's rollback command", .database)
    func otherLedger() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "20240101000000_create_t.sql": "-- migrate:up\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n",
        ], ledger: .dbmate)
        #expect(throws: GitGateError(.refused, "gitgate rollback writes only gitgate's own ledger: this repository uses dbmate's (gitgate.ledger = dbmate); roll back with: dbmate --migrations-dir migrations rollback. Nothing was changed")) {
            try Self.rollbacker(world).plan()
        }
    }
}
