import Foundation
import Git
import GitGateKit
import Testing
import TestSupport

/// What the hooks inspect: the index during a merge, a range of commits, history in a bare
/// repository; and the verdicts and skips that need no database.
@Suite("Hooks: inspecting the index and commit ranges")
struct HookInspectionTests {
    /// main: .gitgate (no target) and 001; feature (a worktree): 002 and a change to 001.
    func repository(touchHistory: Bool = false) throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.write(".gitgate", "[gitgate]\n\tmigrations = db/migrations\n")
        try repo.write("db/migrations/001_create_users.sql", "CREATE TABLE users (id int);\n")
        try repo.commit("users")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.write("db/migrations/002_create_orders.sql", "CREATE TABLE orders (id int);\n", in: worktree)
        if touchHistory { try repo.write("db/migrations/001_create_users.sql", "CREATE TABLE users (id bigint);\n", in: worktree) }
        try repo.commit("orders", in: worktree)
        return (repo, worktree)
    }

    @Test func theIndexOfAMergeInProgressHoldsWhatTheMergeBrings() throws {
        let (repo, _) = try repository(touchHistory: true)
        // main moves on meanwhile, so the merge is a real one.
        try repo.write("README.md", "# moved\n")
        try repo.commit("docs")
        try repo.git("merge", "--no-ff", "--no-commit", "feature")

        let inspector = try Inspector(at: repo.path)
        let head = try #require(try inspector.repository.head())
        let inspection = try inspector.inspectIndex(base: "main", baseTip: head, branch: "feature")
        #expect(inspection.migrations.map(\.path) == ["db/migrations/002_create_orders.sql"])
        #expect(inspection.migrations.first?.contents == Data("CREATE TABLE orders (id int);\n".utf8))
        #expect(inspection.conflicts.map(\.code) == [.historyChanged])
        #expect(inspection.head == "index")

        // Another index file (git commit -a, git commit PATH) is read when git names it.
        let other = repo.scratch.appending("other-index")
        try repo.git("read-tree", "main", env: ["GIT_INDEX_FILE": other])
        let fromOther = try inspector.inspectIndex(base: "main", baseTip: head, branch: "feature", indexFile: other)
        #expect(fromOther.migrations.isEmpty && fromOther.problems.isEmpty)
    }

    @Test func aRangeWithoutBaseBringsEverything() throws {
        let (repo, _) = try repository()
        let inspector = try Inspector(at: repo.path)
        let feature = try inspector.repository.resolve("feature")
        let main = try inspector.repository.resolve("main")
        let fromMain = try inspector.inspect(base: "main", baseTip: main, branch: "feature", head: feature,
                                             includeWorkingTree: false, compareWithOtherBranches: false)
        #expect(fromMain.migrations.map(\.version) == ["002"])
        let fromNothing = try inspector.inspect(base: "main", baseTip: nil, branch: "feature", head: feature,
                                                includeWorkingTree: false, compareWithOtherBranches: false)
        #expect(fromNothing.migrations.map(\.version) == ["001", "002"])
        #expect(fromNothing.mergeBase == nil)
    }

    @Test func aBareRepositoryReadsGitgateFromHistory() throws {
        let (repo, _) = try repository()
        let bare = try repo.bareClone()
        let repository = try Repository(discoveringFrom: bare)
        #expect(throws: GitGateError.self) { try Configuration.load(from: repository) }
        let main = try repository.resolve("main")
        let configuration = try Configuration.load(from: repository, committedIn: [main])
        #expect(configuration.hasFile)
        #expect(configuration.migrations == "db/migrations")

        // git config on the server cannot add a target: targets are policy, and policy is the committed file's.
        try repo.git("config", "gitgate.production.url", "env:PRODUCTION_URL", in: bare)
        let layered = try Configuration.load(from: try Repository(discoveringFrom: bare), committedIn: [main])
        #expect(layered.gatedTargets.isEmpty)
        #expect(layered.ignoredOverrides == ["gitgate.production.url"])

    }

    @Test func withNoGatedTargetMigrationsAreRefusedAndNothingElseIs() throws {
        let (repo, _) = try repository()
        try repo.git("merge", "--no-ff", "--no-commit", "feature")
        let refused = HookRunner(hook: "pre-commit", directory: repo.path,
                                 environment: repo.environment.merging(["GIT_INDEX_FILE": ".git/index"]) { $1 }).run()
        #expect(refused.status == 1)
        #expect(refused.message.contains("no gated target is configured"))
        try repo.git("merge", "--abort")

        // Updates of other refs and commits without migrations never ask anything.
        let other = HookRunner(hook: "reference-transaction", arguments: ["prepared"],
                               input: "\(String(repeating: "0", count: 40)) \(try repo.sha("feature")) refs/heads/other\n",
                               directory: repo.path, environment: repo.environment).run()
        #expect(other.status == 0 && other.message.isEmpty)
        let committed = HookRunner(hook: "reference-transaction", arguments: ["committed"], input: "garbage",
                                   directory: repo.path, environment: repo.environment).run()
        #expect(committed.status == 0)
        #expect(HookRunner(hook: "pre-rebase", directory: repo.path).run().status == 64)
    }

    @Test func deletingOrCreatingMainIsJudgedByWhatItBrings() throws {
        let (repo, _) = try repository()
        let zero = String(repeating: "0", count: 40)
        let feature = try repo.sha("feature")
        let deletion = HookRunner(hook: "reference-transaction", arguments: ["prepared"],
                                  input: "\(try repo.sha("main")) \(zero) refs/heads/main\n",
                                  directory: repo.path, environment: repo.environment).run()
        #expect(deletion.status == 0)
        // Created from nothing: every migration it has is new to main, and no target gates them.
        let creation = HookRunner(hook: "reference-transaction", arguments: ["prepared"],
                                  input: "\(zero) \(feature) refs/heads/main\n",
                                  directory: repo.path, environment: repo.environment).run()
        #expect(creation.status == 1)
        #expect(creation.message.contains("001_create_users.sql") || creation.message.contains("no gated target"))
    }

    @Test func skipLogKeepsRecentSkipsInTheCommonDir() throws {
        let (repo, worktree) = try repository()
        let log = SkipLog(repository: try Repository(discoveringFrom: worktree))
        #expect(log.path == repo.path + "/.git/gitgate/skips.jsonl")
        let old = SkipLog.Entry(when: "2020-01-01T00:00:00Z", who: "a", hook: "pre-push", what: "x", reason: "old")
        let new = SkipLog.Entry(when: SkipLog.timestamp(), who: "b", hook: "pre-commit", what: "y", reason: "new")
        try log.append(old)
        try log.append(new)
        #expect(try log.entries() == [old, new])
        #expect(log.recent() == [new])
        #expect(SkipLog.identity(repository: try Repository(discoveringFrom: repo.path), environment: [:])
                == "Gate Keeper <gatekeeper@example.com>")
    }
}
