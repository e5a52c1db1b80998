import Foundation
import Testing
import TestSupport

/// Which shared libraries a command maps: libpq (and Kerberos, LDAP, GnuTLS behind it) only when a
/// target is checked. The dynamic loader's own trace (LD_DEBUG=files) says what was opened.
@Suite struct StartupCLITests {
    private func loadsLibpq(_ arguments: [String], in dir: String, repo: TestRepository, extra: [String: String] = [:]) throws -> (Bool, ShellResult) {
        let result = try GitGateBinary.run(arguments, in: dir, environment: repo.environment,
                                           extra: extra.merging(["LD_DEBUG": "files"]) { $1 })
        return (result.stderr.contains("file=libpq.so.5"), result)
    }

    private func project() throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:GG_TEST_URL\n\tgate = true\n\tconnectTimeout = 2\n",
                              "migrations/001_users.sql": "CREATE TABLE IF NOT EXISTS users (id int PRIMARY KEY);\n"],
                             message: "config")
        return (repo, try repo.addWorktree(branch: "feature"))
    }

    @Test func versionAndABranchWithoutMigrationsNeverLoadLibpq() throws {
        let (repo, worktree) = try project()
        let unreachable = ["GG_TEST_URL": "postgresql://app@127.0.0.1:1/app"]

        let (versionLoads, version) = try loadsLibpq(["--version"], in: worktree, repo: repo)
        #expect(version.status == 0)
        #expect(!versionLoads)

        let (statusLoads, status) = try loadsLibpq(["status", "--format", "json"], in: worktree, repo: repo, extra: unreachable)
        #expect(status.status == 0, "\(status.stdout)")
        #expect(!statusLoads)

        let (lintLoads, lint) = try loadsLibpq(["lint"], in: worktree, repo: repo)
        #expect(lint.status == 0, "\(lint.stdout)")
        #expect(!lintLoads)

        // The same status once the branch has a migration: now the target is checked, so libpq is loaded.
        try repo.commitFiles(["migrations/002_orders.sql": "CREATE TABLE IF NOT EXISTS orders (id int PRIMARY KEY);\n"],
                             message: "migration", in: worktree)
        let (checkedLoads, checked) = try loadsLibpq(["status", "--format", "json"], in: worktree, repo: repo, extra: unreachable)
        #expect(checked.status == 2, "\(checked.stdout)")
        #expect(checkedLoads)
    }
}
