import Foundation
import Testing
import TestSupport

/// `gitgate status`, `init` and `doctor` run as a user would: the built binary, real git, real PostgreSQL.
@Suite struct StatusCommandTests {
    private func project(target conninfo: String?) throws -> (TestRepository, String) {
        let repo = try TestRepository()
        var config = "[gitgate]\n\tmigrations = migrations\n"
        if conninfo != nil { config += "[gitgate \"production\"]\n\turl = env:GG_TEST_URL\n\tgate = true\n\tconnectTimeout = 2\n" }
        try repo.commitFiles([".gitgate": config, "migrations/001_users.sql": "CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY);\n"],
                             message: "config")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/002_security_detections.sql":
            "CREATE TABLE IF NOT EXISTS security_detections (id bigint PRIMARY KEY);\nCOMMENT ON TABLE security_detections IS 'x';\n"],
            message: "migration", in: worktree)
        return (repo, worktree)
    }

    private func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test(.database) func blockedThenReadyOnceProductionHasIt() throws {
        let db = try TestDatabase.conninfo()
        let (repo, worktree) = try project(target: db)
        let env = ["GG_TEST_URL": db]

        let blocked = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment, extra: env)
        #expect(blocked.status == 1, "\(blocked.output)")
        #expect(blocked.stdout.contains("✗ BLOCKED"))
        #expect(blocked.stdout.contains("gitgate apply --target production"))

        let blockedJSON = try json(try GitGateBinary.run(["status", "--format", "json"], in: worktree, environment: repo.environment, extra: env).stdout)
        #expect(blockedJSON["verdict"] as? String == "blocked")
        let migrations = try #require(blockedJSON["migrations"] as? [[String: Any]])
        #expect(migrations.first?["version"] as? String == "002")
        #expect(migrations.first?["source"] as? String == "committed")
        let targets = try #require(migrations.first?["targets"] as? [String: [String: Any]])
        #expect(targets["production"]?["state"] as? String == "pending")
        #expect((targets["production"]?["evidence"] as? [[String: Any]])?.first?["status"] as? String == "missing")

        _ = try Shell.check("psql", [db, "-q", "-c", "CREATE TABLE security_detections (id bigint PRIMARY KEY); COMMENT ON TABLE security_detections IS 'x'"], env: repo.environment)
        let ready = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment, extra: env)
        #expect(ready.status == 0, "\(ready.output)")
        #expect(ready.stdout.contains("✓ READY TO MERGE - Production is up to date"))
        #expect(ready.stdout.contains("applied-by-hand"))
    }

    @Test func couldNotCheckIsExitTwoAndNamesTheCause() throws {
        let (repo, worktree) = try project(target: "unused")
        let result = try GitGateBinary.run(["status", "--format", "json"], in: worktree, environment: repo.environment,
                                           extra: ["GG_TEST_URL": "postgresql://app:VerySecret99@127.0.0.1:1/app"])
        #expect(result.status == 2)
        let object = try json(result.stdout)
        #expect(object["verdict"] as? String == "error")
        #expect(!result.output.contains("VerySecret99"))
    }

    @Test func withoutATargetItStillReports() throws {
        let (repo, worktree) = try project(target: nil)
        let result = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment)
        // It reports the branch's migrations, and blocks as the hooks would: nothing can confirm them.
        #expect(result.status == 1)
        #expect(result.stdout.contains("002_security_detections.sql"))
        #expect(result.stdout.contains("no gated target is configured"), "\(result.stdout)")
    }

    @Test func errorsAreOneLineWithExitTwo() throws {
        let scratch = try ScratchDirectory()
        let result = try GitGateBinary.run(["status"], in: scratch.path)
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("gitgate: "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(!result.stderr.contains("Fatal error"))
    }

    @Test func usageErrorsAreSixtyFour() throws {
        let scratch = try ScratchDirectory()
        #expect(try GitGateBinary.run(["status", "--format", "yaml"], in: scratch.path).status == 64)
        #expect(try GitGateBinary.run(["no-such-command"], in: scratch.path).status == 64)
    }

    @Test func helpTeaches() throws {
        let scratch = try ScratchDirectory()
        let help = try GitGateBinary.run(["--help"], in: scratch.path)
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit codes"))
        #expect(help.stdout.contains("status"))
        let version = try GitGateBinary.run(["--version"], in: scratch.path)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).first?.isNumber == true)
    }

    @Test func initDetectsTheFolderAndLayoutThenDoctorAgrees() throws {
        let repo = try TestRepository()
        try repo.commitFiles(["db/migrations/V1__users.sql": "CREATE TABLE users (id int);\n"], message: "flyway")
        let initialized = try GitGateBinary.run(["init", "--production", "env:DATABASE_URL"], in: repo.path, environment: repo.environment)
        #expect(initialized.status == 0, "\(initialized.output)")
        let written = try repo.read(".gitgate")
        #expect(written.contains("migrations = db/migrations"))
        #expect(written.contains("layout = flyway"))
        #expect(written.contains("url = env:DATABASE_URL"))

        let again = try GitGateBinary.run(["init"], in: repo.path, environment: repo.environment)
        #expect(again.status == 1)
        #expect(again.stderr.contains("--force"))

        let refused = try GitGateBinary.run(["init", "--force", "--production", "postgresql://u:pw@h/db"], in: repo.path, environment: repo.environment)
        #expect(refused.status == 64)
        #expect(!refused.output.contains("pw@"))

        // Not committed yet: the gate reads main's .gitgate, and doctor says to commit it.
        let uncommitted = try GitGateBinary.run(["doctor"], in: repo.path, environment: repo.environment)
        #expect(uncommitted.status == 2, "\(uncommitted.output)")
        #expect(uncommitted.stdout.contains(".gitgate is not committed on main"), "\(uncommitted.stdout)")
        try repo.git("add", ".gitgate")
        try repo.commit("gitgate", all: false)

        // The target's variable is unset: doctor names the problem and exits 2.
        let doctor = try GitGateBinary.run(["doctor"], in: repo.path, environment: repo.environment)
        #expect(doctor.status == 2, "\(doctor.output)")
        #expect(doctor.stdout.contains("DATABASE_URL is not set"))
        #expect(doctor.stdout.contains("libgit2"))
    }

    @Test(.database) func doctorConnectsReadOnly() throws {
        let db = try TestDatabase.conninfo()
        let (repo, worktree) = try project(target: db)
        // main's 001 is not on production: doctor says so, and how to fix it.
        let behind = try GitGateBinary.run(["doctor"], in: worktree, environment: repo.environment, extra: ["GG_TEST_URL": db])
        #expect(behind.status == 2, "\(behind.output)")
        #expect(behind.stdout.contains("migrations/001_users.sql") && behind.stdout.contains("gitgate baseline"), "\(behind.stdout)")
        _ = try Shell.check("psql", [db, "-q", "-c", "CREATE TABLE users (id int PRIMARY KEY)"], env: repo.environment)

        let doctor = try GitGateBinary.run(["doctor", "--format", "json"], in: worktree, environment: repo.environment, extra: ["GG_TEST_URL": db])
        #expect(doctor.status == 0, "\(doctor.output)")
        let object = try json(doctor.stdout)
        #expect(object["healthy"] as? Bool == true)
        #expect(doctor.stdout.contains("read-only transaction"))
    }
}
