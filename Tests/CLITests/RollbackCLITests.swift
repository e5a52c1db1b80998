import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// `gitgate plan` and `gitgate rollback` as a user runs them: the built binary, exit codes, stderr.
@Suite("gitgate plan and rollback (binary)")
struct RollbackCLITests {
    private struct World {
        let repo: TestRepository
        let worktree: String
        let conninfo: String

        init(_ migrations: [String: String]) throws {
            conninfo = try TestDatabase.conninfo()
            repo = try TestRepository()
            try repo.commitFiles([
                ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:ROLLBACK_CLI_URL\n",
                "migrations/.keep": "",
            ], message: "main")
            worktree = try repo.addWorktree(branch: "feature")
            try repo.commitFiles(Dictionary(uniqueKeysWithValues: migrations.map { ("migrations/" + $0.key, $0.value) }),
                                 message: "feature migrations", in: worktree)
        }

        func gitgate(_ arguments: String...) throws -> ShellResult {
            try GitGateBinary.run(arguments, in: worktree, environment: repo.environment, extra: ["ROLLBACK_CLI_URL": conninfo])
        }

        func tables() throws -> [String?] {
            try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
                .query("SELECT relname::text FROM pg_class WHERE relname IN ('a', 'b') ORDER BY 1").rows.map { $0.first ?? nil }
        }
    }

    @Test("plan: exit 1 while blocked, markdown starts with the marker; rollback: 64 without --yes, a gitgate: line for a missing version, 0 with --yes", .database)
    func planAndRollback() throws {
        let world = try World(["001_a.sql": "CREATE TABLE a (id int);\n", "002_b.sql": "CREATE TABLE b (id int);\n"])
        let blocked = try world.gitgate("plan", "--format", "markdown")
        #expect(blocked.status == 1, "\(blocked.stderr)")
        #expect(blocked.stdout.hasPrefix("<!-- gitgate-plan -->\n### gitgate plan"))
        #expect(blocked.stdout.contains("BLOCKED"))

        let missing = try world.gitgate("rollback", "--target", "production", "001", "--yes")
        #expect(missing.status == 1)
        #expect(missing.stderr == "gitgate: target production does not have migrations/001_a.sql: 001 is not in its ledger (gitgate.migrations); nothing was rolled back (gitgate status shows what it has)\n")

        #expect(try world.gitgate("apply", "--yes").status == 0)
        let ready = try world.gitgate("plan", "--format", "json")
        #expect(ready.status == 0, "\(ready.stderr)")
        #expect(ready.stdout.contains("\"verdict\" : \"ready\""))

        let unconfirmed = try world.gitgate("rollback", "--target", "production")
        #expect(unconfirmed.status == 64)
        #expect(unconfirmed.stderr.hasPrefix("gitgate: there is no terminal to confirm the rollback of 2 migrations on production; pass --yes"))
        #expect(try world.tables() == ["a", "b"])

        let dryRun = try world.gitgate("rollback", "--target", "production", "--dry-run")
        #expect(dryRun.status == 0)
        #expect(try world.tables() == ["a", "b"])

        let rolledBack = try world.gitgate("rollback", "--target", "production", "--yes")
        #expect(rolledBack.status == 0, "\(rolledBack.stderr)")
        #expect(rolledBack.stdout.contains("Rolled back 2 migrations on production"))
        #expect(try world.tables() == [])
        #expect(try world.gitgate("status").status == 1)
    }
}
