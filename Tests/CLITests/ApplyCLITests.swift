import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// `gitgate apply` and `gitgate record` as a user runs them: the built binary, a real
/// repository with a worktree, a real database named by an environment variable.
@Suite("gitgate apply and record (binary)")
struct ApplyCLITests {
    /// A repository whose feature worktree adds `migrations`, target production = the test database.
    private struct World {
        let repo: TestRepository
        let worktree: String
        let conninfo: String

        init(_ migrations: [String: String]) throws {
            conninfo = try TestDatabase.conninfo()
            repo = try TestRepository()
            try repo.commitFiles([
                ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:APPLY_CLI_URL\n",
                "migrations/.keep": "",
            ], message: "main")
            worktree = try repo.addWorktree(branch: "feature")
            try repo.commitFiles(Dictionary(uniqueKeysWithValues: migrations.map { ("migrations/" + $0.key, $0.value) }),
                                 message: "feature migrations", in: worktree)
        }

        var environment: [String: String] { repo.environment.merging(["APPLY_CLI_URL": conninfo, "NO_COLOR": "1"]) { $1 } }

        func gitgate(_ arguments: String...) throws -> ShellResult {
            try GitGateBinary.run(arguments, in: worktree, environment: repo.environment, extra: ["APPLY_CLI_URL": conninfo])
        }

        func connect() throws -> Connection { try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false)) }

        func column(_ sql: String) throws -> [String?] { try connect().query(sql).rows.map { $0.first ?? nil } }

        func ledger() throws -> [String] {
            guard try column("SELECT to_regclass('gitgate.migrations') IS NOT NULL") == ["t"] else { return [] }
            return try column("SELECT version || ':' || how FROM gitgate.migrations ORDER BY version").map { $0 ?? "" }
        }
    }

    @Test("apply --yes applies and records; status then says READY TO MERGE", .database)
    func applyThenReady() throws {
        let world = try World([
            "001_create_users.sql": "CREATE TABLE users (id int PRIMARY KEY);\n",
            "002_create_orders.sql": "CREATE TABLE orders (id int PRIMARY KEY, user_id int REFERENCES users (id));\n",
        ])
        let blocked = try world.gitgate("status")
        #expect(blocked.status == 1)

        let applied = try world.gitgate("apply", "--yes")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stdout.contains("Apply to production"))
        #expect(applied.stdout.contains("applied migrations/001_create_users.sql"))
        #expect(applied.stdout.contains("applied migrations/002_create_orders.sql"))
        #expect(applied.stdout.contains("Applied 2 migrations"))
        #expect(try world.ledger() == ["001:applied", "002:applied"])

        let ready = try world.gitgate("status")
        #expect(ready.status == 0, "\(ready.stdout)")
        #expect(ready.stdout.contains("READY TO MERGE"))

        let again = try world.gitgate("apply", "--yes", "--format", "json")
        #expect(again.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(again.stdout.utf8)) as? [String: Any])
        #expect(object["result"] as? String == "nothing-to-apply")
    }

    @Test("--format json reports each migration's outcome and a failure with file and line", .database)
    func jsonResult() throws {
        let world = try World([
            "001_ok.sql": "CREATE TABLE ok (id int);\n",
            "002_bad.sql": "CREATE TABLE bad (id int);\nSELECT nope FROM bad;\n",
        ])
        let result = try world.gitgate("apply", "--yes", "--format", "json")
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["result"] as? String == "failed")
        let migrations = try #require(object["migrations"] as? [[String: Any]])
        #expect(migrations.map { $0["outcome"] as? String } == ["applied", "failed"])
        let failure = try #require(object["failure"] as? [String: Any])
        #expect(failure["path"] as? String == "migrations/002_bad.sql")
        #expect(failure["line"] as? Int == 2)
        #expect(failure["sqlState"] as? String == "42703")
        #expect(result.stderr.contains("applied migrations/001_ok.sql"))  // progress goes to stderr with JSON
        #expect(try world.ledger() == ["001:applied"])
        #expect(try world.column("SELECT to_regclass('bad') IS NULL") == ["t"])
    }

    @Test("a gated target without a terminal needs --yes; --dry-run changes nothing", .database)
    func confirmationAndDryRun() throws {
        let world = try World(["001_one.sql": "CREATE TABLE one (id int);\n"])
        let unconfirmed = try world.gitgate("apply")
        #expect(unconfirmed.status == 64)
        #expect(unconfirmed.stderr.contains("--yes"))
        #expect(unconfirmed.stdout.contains("apply  migrations/001_one.sql"))

        let dry = try world.gitgate("apply", "--dry-run")
        #expect(dry.status == 0)
        #expect(dry.stdout.contains("Dry run"))
        #expect(dry.stdout.contains("ledger schema will be created"))
        #expect(try world.column("SELECT count(*) FROM pg_namespace WHERE nspname = 'gitgate'") == ["0"])
        #expect(try world.column("SELECT to_regclass('one') IS NULL") == ["t"])
    }

    @Test("SIGKILL during a slow migration leaves database and ledger consistent; a re-run finishes the job", .database)
    func killedApplyThenRerun() throws {
        let world = try World([
            "001_first.sql": "CREATE TABLE first (id int);\n",
            // Slow until the marker table exists, so the re-run is quick.
            "002_slow.sql": """
                CREATE TABLE slow (id int);
                SELECT pg_sleep(CASE WHEN to_regclass('public.rerun_marker') IS NULL THEN 60 ELSE 0 END);

                """,
            "003_last.sql": "CREATE TABLE last (id int);\n",
        ])
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GitGateBinary.path)
        process.arguments = ["apply", "--yes"]
        process.currentDirectoryURL = URL(fileURLWithPath: world.worktree)
        process.environment = world.environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()

        // Wait until gitgate's session is inside pg_sleep.
        let observer = try world.connect()
        var backend: String?
        try waitFor("gitgate to reach the slow migration") {
            backend = try observer.query("""
                SELECT pid::text FROM pg_stat_activity
                WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%pg_sleep%'
                """).rows.first?.first ?? nil
            return backend != nil
        }
        let pid = try #require(backend, "gitgate never reached the slow migration")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal)

        // The server notices the dead client within a second or two (client_connection_check_interval)
        // and rolls back: the slow migration's table is gone and unrecorded, the lock free.
        try waitFor("the server to end the dead client's session", timeout: 15) {
            try observer.query("SELECT 1 FROM pg_stat_activity WHERE pid = \(pid)").count == 0
        }
        #expect(try world.ledger() == ["001:applied"])
        #expect(try world.column("SELECT to_regclass('public.slow') IS NULL") == ["t"])

        try observer.execute("CREATE TABLE public.rerun_marker ()")
        let rerun = try world.gitgate("apply", "--yes", "--lock-wait", "20s")
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("skipped migrations/001_first.sql"))
        #expect(try world.ledger() == ["001:applied", "002:applied", "003:applied"])
    }

    @Test("record confirms hand-applied objects and records them; refuses, naming what is missing", .database)
    func record() throws {
        let world = try World([
            "001_by_hand.sql": "CREATE TABLE by_hand (id int);\n",
            "002_missing.sql": "CREATE TABLE missing_table (id int);\n",
        ])
        try world.connect().execute("CREATE TABLE by_hand (id int)")
        let refused = try world.gitgate("record", "001", "002", "--target", "production")
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("missing_table"))
        #expect(try world.ledger() == [])

        let recorded = try world.gitgate("record", "001", "--target", "production")
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(recorded.stdout.contains("recorded migrations/001_by_hand.sql"))
        #expect(try world.ledger() == ["001:recorded"])

        let usage = try world.gitgate("record", "--target", "production")
        #expect(usage.status == 64)
    }

    @Test("a data migration run by hand: status --verbose shows why, record --unverified needs --reason", .database)
    func recordUnverified() throws {
        let world = try World(["001_seed.sql": "CREATE TABLE plans (id int PRIMARY KEY);\nUPDATE plans SET id = id;\n"])
        try world.connect().execute("CREATE TABLE plans (id int PRIMARY KEY)")
        let status = try world.gitgate("status", "--verbose")
        #expect(status.status == 1)
        #expect(status.stdout.contains("line 2 UPDATE: unprovable: UPDATE changes rows"), "\(status.stdout)")

        let noReason = try world.gitgate("record", "001", "--target", "production", "--unverified")
        #expect(noReason.status == 64)
        #expect(noReason.stderr.hasPrefix("gitgate: ") && noReason.stderr.contains("--reason"), "\(noReason.stderr)")
        #expect(noReason.stderr.split(separator: "\n").count == 1, "\(noReason.stderr)")
        let verified = try world.gitgate("record", "001", "--target", "production")
        #expect(verified.status == 1)
        #expect(try world.ledger() == [])

        let recorded = try world.gitgate("record", "001", "--target", "production", "--unverified", "--reason", "ran by hand, checked the rows")
        #expect(recorded.status == 0, "\(recorded.stderr)")
        #expect(try world.ledger() == ["001:recorded"])
        #expect(try world.gitgate("status").status == 0)
    }
}
