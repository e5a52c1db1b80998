import Dispatch
import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

@Suite("gitgate apply")
struct ApplyTests {
    @Test("a dry run plans and writes nothing, not even the ledger schema", .database)
    func dryRunWritesNothing() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_create_a.sql": "CREATE TABLE a (id int PRIMARY KEY);\n",
            "002_create_b.sql": "CREATE TABLE b (id int PRIMARY KEY);\n",
        ])
        let applier = try world.applier(dryRun: true)
        let plan = try applier.plan()
        #expect(plan.toApply.map(\.migration.version) == ["001", "002"])
        #expect(plan.ledgerSteps == LedgerSchema.embedded.map(\.version))
        #expect(!plan.needsConfirmation)
        let result = try applier.apply(plan)
        #expect(result.steps.isEmpty)
        #expect(try world.column("SELECT count(*) FROM pg_namespace WHERE nspname = 'gitgate'") == ["0"])
        #expect(try !world.exists("a"))
        #expect(try !world.exists("b"))
    }

    @Test("applies pending migrations in version order, each with its ledger row; status is then ready", .database)
    func appliesInOrder() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            // Each depends on the one before: any other order fails.
            "001_create_users.sql": "CREATE TABLE users (id int PRIMARY KEY);\n",
            "002_create_orders.sql": "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id));\n",
            "003_add_note.sql": "ALTER TABLE orders ADD COLUMN note text;\n",
        ])
        var events: [String] = []
        let applier = try world.applier()
        let plan = try applier.plan()
        #expect(plan.needsConfirmation)
        let result = try applier.apply(plan) { event in
            if case .applied(let step) = event { events.append(step.migration.version) }
        }
        #expect(result.failure == nil)
        #expect(events == ["001", "002", "003"])
        #expect(try world.ledger() == ["001:applied", "002:applied", "003:applied"])
        #expect(try world.column("SELECT version FROM gitgate.ledger_schema ORDER BY 1") == LedgerSchema.embedded.map(\.version))
        // The test role is named gitgate: its default "$user" schema is the ledger's, yet the tables go to public.
        #expect(try world.connect().user == "postgres")
        #expect(try world.exists("public.users") && world.exists("public.orders"))

        let connection = try world.connect()
        let row = try connection.query("""
            SELECT checksum, db_user, os_user, git_commit, git_branch, duration_ms, path, name
            FROM gitgate.migrations WHERE version = '002'
            """)
        let migration = try #require(applier.inspection.migrations.first { $0.version == "002" })
        #expect(row[0, "checksum"] == migration.checksum)
        #expect(row[0, "db_user"] == connection.user)
        #expect(row[0, "os_user"] != nil)
        #expect(row[0, "git_commit"] == applier.inspection.head)
        #expect(row[0, "git_branch"] == "feature")
        #expect(row.int(row: 0, column: "duration_ms") != nil)
        #expect(row[0, "path"] == "migrations/002_create_orders.sql")
        #expect(row[0, "name"] == "create_orders")

        let status = try StatusService.report(at: world.worktree, environment: world.environment)
        #expect(status.verdict.decision == .ready, "\(status.verdict.reasons)")

        // A second run finds nothing to do.
        let again = try world.applier().plan()
        #expect(again.toApply.isEmpty)
        #expect(again.items.allSatisfy { $0.action == .skip })
    }

    @Test("a failing migration stops the run, leaves no object and no row, and names file and line", .database)
    func failingMigrationLeavesNothing() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_ok.sql": "CREATE TABLE ok (id int);\n",
            "002_broken.sql": "CREATE TABLE half (id int);\nINSERT INTO half VALUES (1);\n\nSELECT nosuch\n  FROM half;\n",
            "003_later.sql": "CREATE TABLE later (id int);\n",
        ])
        let result = try world.apply()
        let failure = try #require(result.failure)
        #expect(failure.path == "migrations/002_broken.sql")
        #expect(failure.line == 4)
        #expect(failure.message.contains("nosuch"))
        #expect(failure.sqlState == "42703")
        #expect(failure.consequence.contains("nothing of it was applied"))
        #expect(result.exitCode == 1)
        #expect(result.steps.map(\.outcome) == [.applied, .failed, .notRun])
        #expect(try world.exists("ok"))
        #expect(try !world.exists("half"))
        #expect(try !world.exists("later"))
        #expect(try world.ledger() == ["001:applied"])

        // After the fix (a new commit), a re-run continues from the failed one.
        try world.add(["002_broken.sql": "CREATE TABLE half (id int);\n"], message: "fix 002")
        let rerun = try world.apply()
        #expect(rerun.failure == nil)
        #expect(rerun.steps.map(\.outcome) == [.skipped, .applied, .applied])
        #expect(try world.ledger() == ["001:applied", "002:applied", "003:applied"])
    }

    @Test("a deferred constraint that fails at COMMIT is said to fail at COMMIT; a refused ledger row is said to be the recording", .database)
    func failureAtCommitAndAtRecording() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            // A unique violation (23505) checked only at COMMIT: the migration's, not the ledger's.
            "001_deferred.sql": "CREATE TABLE deferred_keys (id int UNIQUE DEFERRABLE INITIALLY DEFERRED);\nINSERT INTO deferred_keys VALUES (1), (1);\n",
        ])
        let atCommit = try #require(try world.apply().failure)
        #expect(atCommit.sqlState == "23505")
        #expect(atCommit.message.hasPrefix("at COMMIT: "), "\(atCommit.message)")
        #expect(try !world.exists("deferred_keys"))
        #expect(try world.ledger().isEmpty)

        // The ledger refuses the row: the failure is the recording, and nothing of the migration stays.
        try world.add(["001_deferred.sql": "CREATE TABLE deferred_keys (id int);\n"], message: "fix 001")
        let connection = try world.connect()
        try connection.execute("""
            CREATE FUNCTION public.refuse_ledger_row() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN RAISE EXCEPTION 'ledger is read-only today'; END $$;
            CREATE TRIGGER refuse BEFORE INSERT ON gitgate.migrations FOR EACH ROW EXECUTE FUNCTION public.refuse_ledger_row();
            """)
        let atRecording = try #require(try world.apply().failure)
        #expect(atRecording.message.hasPrefix("could not record it in gitgate.migrations: "), "\(atRecording.message)")
        #expect(atRecording.message.contains("ledger is read-only today"), "\(atRecording.message)")
        #expect(try !world.exists("deferred_keys"))
        #expect(try world.ledger().isEmpty)
    }

    @Test("an error without a position is located at its statement", .database)
    func runtimeErrorLocatedByStatement() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_divide.sql": "-- a comment\nCREATE TABLE d (id int);\n\nINSERT INTO d\nSELECT 1 / 0;\n",
        ])
        let failure = try #require(try world.apply().failure)
        #expect(failure.line == 4)
        #expect(failure.sqlState == "22012")
        #expect(try !world.exists("d"))
        #expect(try world.ledger() == [])
    }

    @Test("two applies started together apply each migration exactly once", .database)
    func concurrentAppliesApplyOnce() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            // Plain CREATE TABLE: a second run of either would fail.
            "001_slow.sql": "CREATE TABLE slow (id int);\nSELECT pg_sleep(1);\n",
            "002_second.sql": "CREATE TABLE second (id int);\n",
        ])
        let appliers = try [world.applier(), world.applier()]
        let plans = try appliers.map { try $0.plan() }
        #expect(plans.allSatisfy { $0.toApply.count == 2 })
        let results = LockBox<[Result<ApplyResult, any Error>]>([])
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = Result { try appliers[index].apply(plans[index]) }
            results.withLock { $0.append(result) }
        }
        let finished = try results.current.map { try $0.get() }
        #expect(finished.allSatisfy { $0.failure == nil })
        let appliedVersions = finished.flatMap { $0.applied.map(\.migration.version) }.sorted()
        #expect(appliedVersions == ["001", "002"])
        let meanwhile = finished.flatMap(\.steps).filter { $0.note == "applied meanwhile by another gitgate apply" }
        #expect(meanwhile.count == 2)
        #expect(try world.ledger() == ["001:applied", "002:applied"])
    }

    @Test("CREATE INDEX CONCURRENTLY runs outside a transaction, without hanging on the lock", .database)
    func concurrentIndex() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_table.sql": "CREATE TABLE t (id int);\nINSERT INTO t SELECT generate_series(1, 1000);\n",
            "002_index.sql": "SELECT pg_sleep(0.5);\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n",
        ])
        let appliers = try [world.applier(), world.applier()]
        let plans = try appliers.map { try $0.plan() }
        let index = try #require(plans[0].items.first { $0.migration.version == "002" })
        #expect(!index.transactional)
        #expect(index.note?.contains("CREATE INDEX CONCURRENTLY") == true)

        // The second apply waits on the lock while the first builds the index: no deadlock.
        let results = LockBox<[Result<ApplyResult, any Error>]>([])
        let started = ContinuousClock.now
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            let result = Result { try appliers[index].apply(plans[index]) }
            results.withLock { $0.append(result) }
        }
        #expect(ContinuousClock.now - started < .seconds(20))
        let finished = try results.current.map { try $0.get() }
        #expect(finished.allSatisfy { $0.failure == nil })
        #expect(finished.flatMap { $0.applied.map(\.migration.version) }.sorted() == ["001", "002"])
        #expect(try world.column("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 't_id'::regclass") == ["true"])
        #expect(try world.ledger() == ["001:applied", "002:applied"])
    }

    @Test("a failed CREATE INDEX CONCURRENTLY reports the INVALID index it left, and a re-run refuses until it is dropped", .database)
    func failedConcurrentIndex() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_table.sql": "CREATE TABLE dup (x int);\nINSERT INTO dup VALUES (1), (1);\n",
            // Once 001 is applied, the preflight sees the duplicates; the test needs the build itself to fail.
            "002_unique.sql": "CREATE UNIQUE INDEX CONCURRENTLY dup_x ON dup (x); -- gitgate:allow preflight-duplicates because this test needs the build to fail\n",
        ])
        let failure = try #require(try world.apply().failure)
        #expect(failure.path == "migrations/002_unique.sql")
        #expect(failure.line == 1)
        #expect(failure.sqlState == "23505")
        #expect(failure.invalidIndexes == ["public.dup_x"])
        #expect(try world.ledger() == ["001:applied"])

        // The INVALID index does not count as applied; the re-run refuses to build over it.
        let plan = try world.applier().plan()
        #expect(plan.toApply.map(\.migration.version) == ["002"])
        let second = try #require(try world.apply().failure)
        #expect(second.message.contains("INVALID"))
        #expect(second.invalidIndexes == ["public.dup_x"])

        let connection = try world.connect()
        try connection.execute("DROP INDEX dup_x; DELETE FROM dup WHERE ctid = (SELECT max(ctid) FROM dup)")
        #expect(try world.apply().failure == nil)
        #expect(try world.ledger() == ["001:applied", "002:applied"])
    }

    @Test("gitgate's ledger is created on first use and upgraded by a newer schema; an older gitgate refuses a newer ledger", .database)
    func ledgerCreationAndUpgrade() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_one.sql": "CREATE TABLE one (id int);\n"])
        var events: [[String]] = []
        let applier = try world.applier()
        _ = try applier.apply(try applier.plan()) { if case .ledgerCreated(let steps) = $0 { events.append(steps) } }
        let shipped = LedgerSchema.embedded.map(\.version)
        #expect(events == [shipped])
        #expect(try world.column("SELECT version FROM gitgate.ledger_schema ORDER BY 1") == shipped)

        let newer = LedgerSchema.embedded + [LedgerSchemaStep(
            version: "900", name: "add_note", sql: "ALTER TABLE gitgate.migrations ADD COLUMN note text;")]
        try world.add(["002_two.sql": "CREATE TABLE two (id int);\n"])
        let upgraded = try world.apply(schema: newer)
        #expect(upgraded.ledgerSteps == ["900"])
        #expect(try world.column("SELECT version FROM gitgate.ledger_schema ORDER BY 1") == shipped + ["900"])
        #expect(try world.column("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'gitgate' AND column_name = 'note'") == ["1"])
        #expect(try world.ledger() == ["001:applied", "002:applied"])

        try world.add(["003_three.sql": "CREATE TABLE three (id int);\n"])
        let old = try world.applier().plan()
        #expect(old.isRefused)
        #expect(old.refusals.contains { $0.contains("newer than this gitgate knows") })
        #expect(throws: GitGateError.self) { try world.applier().apply(old) }
        #expect(try !world.exists("three"))
    }

    @Test("a whole-file BEGIN … COMMIT wrapper runs as one transaction; a COMMIT inside is refused", .database)
    func explicitTransactions() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_wrapped.sql": "BEGIN;\nCREATE TABLE wrapped (id int);\nCOMMIT;\n",
        ])
        let result = try world.apply()
        #expect(result.failure == nil)
        #expect(result.applied.first?.transactional == true)
        #expect(try world.exists("wrapped"))

        try world.add(["002_split.sql": "CREATE TABLE x (id int);\nCOMMIT;\nCREATE TABLE y (id int);\n"])
        let plan = try world.applier().plan()
        #expect(plan.isRefused)
        #expect(plan.refusals.contains { $0.hasPrefix("migrations/002_split.sql:2:") && $0.contains("gitgate:no-transaction") })
        #expect(throws: GitGateError.self) { try world.applier().apply(plan) }
        #expect(try !world.exists("x"))
    }

    @Test("'-- gitgate:no-transaction' runs a file statement by statement", .database)
    func noTransactionDirective() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_nt.sql": "-- gitgate:no-transaction\nCREATE TABLE nt (id int);\nBEGIN;\nINSERT INTO nt VALUES (1);\nCOMMIT;\n",
        ])
        let plan = try world.applier().plan()
        #expect(plan.items.first?.transactional == false)
        let result = try world.apply()
        #expect(result.failure == nil)
        #expect(try world.column("SELECT count(*) FROM nt") == ["1"])
        #expect(try world.ledger() == ["001:applied"])
    }

    @Test("a second apply gives up after its lock wait, naming the holder", .database)
    func lockWaitGivesUp() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_one.sql": "CREATE TABLE one (id int);\n"])
        let holder = try world.connect()
        try holder.execute("SELECT pg_advisory_lock(\(ApplyLock.key))")
        var waited: [String] = []
        let applier = try world.applier(lockWait: .milliseconds(700))
        let plan = try applier.plan()
        let started = ContinuousClock.now
        let error = try #require(throws: GitGateError.self) {
            try applier.apply(plan) { if case .waitingForLock(let who) = $0 { waited.append(who) } }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(700))
        #expect(error.exitCode == 2)
        #expect(error.message.contains("still holds the apply lock"))
        #expect(waited.count == 1)
        #expect(waited.first?.contains("pid") == true)
        #expect(try !world.exists("one"))

        try holder.execute("SELECT pg_advisory_unlock(\(ApplyLock.key))")
        #expect(try world.apply().failure == nil)
    }

    @Test("an unallowed lint error refuses the plan; an allowed one does not", .database)
    func lintErrorsRefuse() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_drop.sql": "CREATE TABLE one (id int);\n"])
        let inspector = try Inspector(at: world.worktree)
        let inspection = try inspector.inspectWorktree()
        let target = try inspector.configuration.target(named: "production")
        func applier(allowed: String?) -> Applier {
            Applier(inspection: inspection, configuration: inspector.configuration, target: target, options: world.options()) { migrations, _ in
                Dictionary(uniqueKeysWithValues: migrations.map { migration in
                    (migration.path, [Finding(path: migration.path, rule: "test-rule", severity: .error, line: 1,
                                              message: "something dangerous", fix: "do it safely", allowedBecause: allowed)])
                })
            }
        }
        let refused = try applier(allowed: nil).plan()
        #expect(refused.isRefused)
        #expect(refused.refusals.first?.contains("migrations/001_drop.sql:1: something dangerous (test-rule)") == true)
        #expect(throws: GitGateError.self) { try applier(allowed: nil).apply(refused) }
        #expect(try !world.exists("one"))

        let allowed = try applier(allowed: "reviewed").plan()
        #expect(!allowed.isRefused)
        #expect(try applier(allowed: "reviewed").apply(allowed).failure == nil)
        #expect(try world.exists("one"))
    }

    @Test("an uncommitted migration is refused for a gated target", .database)
    func uncommittedRefusedWhenGated() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_one.sql": "CREATE TABLE one (id int);\n"])
        try world.repo.write("migrations/002_two.sql", "CREATE TABLE two (id int);\n", in: world.worktree)
        let plan = try world.applier().plan()
        #expect(plan.isRefused)
        #expect(plan.refusals.contains { $0.contains("002_two.sql is not committed (untracked)") })
    }

    @Test("a migration changed after it was applied is refused", .database)
    func modifiedRefused() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_one.sql": "CREATE TABLE one (id int);\n"])
        try world.apply()
        try world.add(["001_one.sql": "CREATE TABLE one (id int, extra text);\n", "002_two.sql": "CREATE TABLE two (id int);\n"])
        let plan = try world.applier().plan()
        #expect(plan.isRefused)
        #expect(plan.refusals.contains { $0.contains("was changed after it was applied") })
        #expect(throws: GitGateError.self) { try world.applier().apply(plan) }
        #expect(try !world.exists("two"))
    }
}

@Suite("gitgate record")
struct ApplyRecordTests {
    @Test("records a migration applied by hand once the catalog confirms its objects", .database)
    func recordsHandApplied() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_by_hand.sql": "CREATE TABLE by_hand (id int PRIMARY KEY, name text);\n",
        ])
        try world.connect().execute("CREATE TABLE by_hand (id int PRIMARY KEY, name text)")
        let recorder = try Recorder(at: world.worktree, target: "production", options: world.options())
        let outcome = try recorder.record(["001"])
        #expect(outcome.entries.map(\.recorded) == [true])
        #expect(outcome.ledgerSteps == LedgerSchema.embedded.map(\.version))
        #expect(try world.ledger() == ["001:recorded"])
        #expect(try world.column("SELECT checksum FROM gitgate.migrations") == [recorder.inspection.migrations[0].checksum])

        let status = try StatusService.report(at: world.worktree, environment: world.environment)
        #expect(status.verdict.decision == .ready, "\(status.verdict.reasons)")
        // Recording again changes nothing.
        #expect(try recorder.record(["001"]).entries.map(\.recorded) == [false])
    }

    @Test("refuses, naming what is missing, and records none of the versions asked for", .database)
    func refusesMissingObjects() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_by_hand.sql": "CREATE TABLE by_hand (id int);\n",
            "002_not_yet.sql": "CREATE TABLE not_yet (id int);\n",
        ])
        try world.connect().execute("CREATE TABLE by_hand (id int)")
        let recorder = try Recorder(at: world.worktree, target: nil, options: world.options())
        let error = try #require(throws: GitGateError.self) { try recorder.record(["001", "002"]) }
        #expect(error.kind == .refused)
        #expect(error.message.contains("not_yet"))
        #expect(try world.ledger() == [])

        let unknown = try #require(throws: GitGateError.self) { try recorder.record(["999"]) }
        #expect(unknown.kind == .usage)
    }
}
