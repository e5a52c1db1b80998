import Foundation
import GitGateKit
import Testing
import TestSupport

/// One policy, main's: whatever the branch commits, the worktree holds, or a person's git config
/// and environment say, `gitgate status` and the merge hook read the same `.gitgate` (main's),
/// so they give the same verdict. Here production lacks the branch's migration: both block.
@Suite struct PolicyFromMainTests {
    /// How one attempt to loosen the gate is made.
    struct Attempt: CustomTestStringConvertible, Sendable {
        var name: String
        /// A `.gitgate` the branch commits (nil: unchanged).
        var branchFile: String? = nil
        /// Written to the worktree, not committed.
        var worktreeFile: String? = nil
        var deleteOnBranch = false
        /// `git config KEY VALUE` in the repository.
        var gitConfig: [(String, String)] = []
        /// Extra environment for status and the merge.
        var environment: [String: String] = [:]
        var testDescription: String { name }
    }

    static func file(_ lines: String) -> String { "[gitgate]\n\tmigrations = migrations\n" + lines }

    static let attempts: [Attempt] = [
        Attempt(name: "branch: gate = false", branchFile: file("[gitgate \"production\"]\n\turl = env:NOWHERE\n\tgate = false\n")),
        Attempt(name: "branch: no target", branchFile: file("")),
        Attempt(name: "branch: ignore every .sql", branchFile: file("\tignore = *.sql\n")),
        Attempt(name: "branch: another folder", branchFile: "[gitgate]\n\tmigrations = elsewhere\n"),
        Attempt(name: "branch: layout flyway", branchFile: file("\tlayout = flyway\n")),
        Attempt(name: "branch: ledger none", branchFile: file("\tledger = none\n")),
        Attempt(name: "branch: mainBranch = feature", branchFile: "[gitgate]\n\tmainBranch = feature\n\tmigrations = migrations\n"),
        Attempt(name: "branch: unparsable", branchFile: "[gitgate\n\tthis is not git-config\n"),
        Attempt(name: "branch deletes .gitgate", deleteOnBranch: true),
        Attempt(name: "worktree: uncommitted gate = false", worktreeFile: file("[gitgate \"production\"]\n\turl = env:NOWHERE\n\tgate = false\n")),
        Attempt(name: "git config: gate false", gitConfig: [("gitgate.production.gate", "false")]),
        Attempt(name: "git config: another folder", gitConfig: [("gitgate.migrations", "elsewhere")]),
        Attempt(name: "git config: ignore", gitConfig: [("gitgate.ignore", "*.sql")]),
        Attempt(name: "git config: layout", gitConfig: [("gitgate.layout", "flyway")]),
        Attempt(name: "git config: ledger none", gitConfig: [("gitgate.ledger", "none")]),
        Attempt(name: "git config: mainBranch", gitConfig: [("gitgate.mainBranch", "feature")]),
        Attempt(name: "git config: a second, ungated target", gitConfig: [("gitgate.staging.url", "postgresql:///nothing"), ("gitgate.staging.gate", "false")]),
        Attempt(name: "environment: git -c gate=false", environment: ["GIT_CONFIG_PARAMETERS": "'gitgate.production.gate'='false'"]),
        Attempt(name: "environment: GIT_CONFIG_GLOBAL with gate false", gitConfig: [], environment: ["GITGATE_TEST_GLOBAL": "1"]),
        Attempt(name: "branch and git config together", branchFile: file("\tignore = *.sql\n"), gitConfig: [("gitgate.production.gate", "false")]),
    ]

    @Test(.database, arguments: attempts)
    func statusAndTheHookAgree(attempt: Attempt) throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: [])
        let repo = gated.repo
        if let file = attempt.branchFile {
            try repo.write(".gitgate", file, in: gated.worktree)
            try repo.commit("loosen the gate", in: gated.worktree)
        }
        if attempt.deleteOnBranch {
            try repo.git("rm", "--quiet", ".gitgate", in: gated.worktree)
            try repo.commit("no more gate", in: gated.worktree)
        }
        if let file = attempt.worktreeFile { try repo.write(".gitgate", file, in: gated.worktree) }
        for (key, value) in attempt.gitConfig { try repo.git("config", key, value) }
        var environment = attempt.environment
        if environment.removeValue(forKey: "GITGATE_TEST_GLOBAL") != nil {
            let global = repo.scratch.appending("global.gitconfig")
            try "[gitgate \"production\"]\n\tgate = false\n".write(toFile: global, atomically: true, encoding: .utf8)
            environment["GIT_CONFIG_GLOBAL"] = global
        }

        let status = try gated.gitgate(["status", "--format", "json"], in: gated.worktree, extra: environment)
        #expect(status.status == 1, "\(attempt.name): status said \(status.status): \(status.stdout) \(status.stderr)")
        #expect(status.stdout.contains("\"verdict\" : \"blocked\""), "\(attempt.name): \(status.stdout)")

        let before = try gated.mainTip
        let merge = try repo.gitResult("merge", "--no-ff", "--no-edit", "feature", env: environment)
        #expect(!merge.succeeded, "\(attempt.name): the hook let the merge through")
        #expect(try gated.mainTip == before, "\(attempt.name): main moved")
        _ = try? repo.gitResult("merge", "--abort")
    }

    @Test(.database) func statusSaysWhatIsIgnoredAndWhatTakesEffectWhenMerged() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        try gated.repo.write(".gitgate", Self.file("\tignore = *.sql\n"), in: gated.worktree)
        try gated.repo.commit("loosen", in: gated.worktree)
        try gated.repo.git("config", "gitgate.production.gate", "false")
        let status = try gated.gitgate(["status"], in: gated.worktree)
        #expect(status.status == 1)
        #expect(status.stdout.contains("take effect when merged"), "\(status.stdout)")
        #expect(status.stdout.contains("git config sets gitgate.production.gate"), "\(status.stdout)")
        // Once main has it, the branch's change is the policy: the person merges it with the gate's consent.
        try gated.applyPendingMigration()
        let ready = try gated.gitgate(["status"], in: gated.worktree)
        #expect(ready.status == 0, "\(ready.stdout) \(ready.stderr)")
    }

    @Test func mainWithoutAPolicyBlocksTheBranchsMigrations() throws {
        let repo = try TestRepository()
        try repo.commitFiles(["migrations/001_a.sql": "CREATE TABLE a ();\n"], message: "no .gitgate on main")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:X\n\tgate = false\n",
                              "migrations/002_b.sql": "CREATE TABLE b ();\n"], message: "the branch brings its own policy", in: worktree)
        let result = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment)
        #expect(result.status == 1, "\(result.stdout) \(result.stderr)")
        #expect(result.stdout.contains("main has no committed .gitgate"), "\(result.stdout)")
    }
}
