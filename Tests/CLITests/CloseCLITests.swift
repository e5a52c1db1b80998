import Foundation
import Postgres
import Testing
import TestSupport

/// `gitgate close` end to end: the built binary, a real repository, a real PostgreSQL.
@Suite struct CloseCLITests {
    /// main with a gitgate set-up, and worktree `feature` whose commit adds a migration, merged.
    static func mergedFeature(target conninfo: String?) throws -> (repo: TestRepository, worktree: String) {
        let repo = try TestRepository()
        var config = "[gitgate]\n\tmigrations = migrations\n\treminder = Remove the temporary IP from the trusted sources\n"
        if let conninfo { config += "[gitgate \"production\"]\n\turl = \"\(conninfo)\"\n" }
        try repo.commitFiles([".gitgate": config, ".gitignore": "pgdata/\n*.log\n",
                              "migrations/001_create_accounts.sql": "CREATE TABLE accounts (id bigint);\n"],
                             message: "Set up gitgate")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/002_create_detections.sql": "CREATE TABLE detections (id bigint);\n"],
                             message: "Add detections", in: worktree)
        try repo.git("merge", "--no-ff", "--quiet", "-m", "Merge feature", "feature")
        return (repo, worktree)
    }

    static func gitgate(_ arguments: [String], in directory: String, _ repo: TestRepository) throws -> ShellResult {
        try GitGateBinary.run(["close"] + arguments, in: directory, environment: repo.environment)
    }

    @Test(.database) func closesFromInsideAndSaysWhereToGo() throws {
        let conninfo = try TestDatabase.conninfo()
        let (repo, worktree) = try Self.mergedFeature(target: conninfo)
        let tip = try repo.sha("feature")
        try Connection(conninfo, options: .init(readOnly: false)).execute("CREATE TABLE detections (id bigint)")
        try repo.write("debug.log", "noise\n", in: worktree)

        let result = try Self.gitgate(["--yes"], in: worktree, repo)

        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stdout.contains("migration migrations/002_create_detections.sql: production applied-by-hand"))
        #expect(result.stdout.contains("ignored, to keep: debug.log"))
        #expect(result.stdout.contains("kept 1 ignored file in \(repo.path)/.git/gitgate/kept/feature-"))
        #expect(result.stdout.contains("removed worktree \(worktree)"))
        #expect(result.stdout.contains("restore it with: git branch feature \(tip)"))
        #expect(result.stdout.contains("You were inside the removed worktree: cd \(repo.path)"))
        #expect(result.stdout.contains("Reminders:\n  - Remove the temporary IP from the trusted sources"))
        #expect(result.stdout.contains("gitgate record 002 --target production"))
        #expect(result.stderr.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: worktree))
        #expect(try !repo.gitResult("show-ref", "--verify", "--quiet", "refs/heads/feature").succeeded)
    }

    @Test(.database) func aMigrationNotInProductionKeepsEverything() throws {
        let (repo, worktree) = try Self.mergedFeature(target: try TestDatabase.conninfo())

        let result = try Self.gitgate(["feature", "--yes"], in: repo.path, repo)

        #expect(result.status == 1)
        #expect(result.stdout.contains("production: migrations/002_create_detections.sql is pending"))
        #expect(result.stdout.contains("gitgate apply --target production"))
        #expect(result.stderr.hasPrefix("gitgate: not closing worktree \(worktree) (branch feature): "))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(FileManager.default.fileExists(atPath: worktree + "/migrations/002_create_detections.sql"))
    }

    @Test func withoutATerminalOrYesItIsAUsageError() throws {
        let (repo, worktree) = try Self.mergedFeature(target: nil)
        let result = try Self.gitgate([], in: worktree, repo)
        #expect(result.status == 64)
        #expect(result.stderr.contains("--yes"))
        #expect(FileManager.default.fileExists(atPath: worktree))
    }

    @Test func untrackedFilesAreListedAndKept() throws {
        let (repo, worktree) = try Self.mergedFeature(target: nil)
        try repo.write("notes.txt", "mine\n", in: worktree)

        let result = try Self.gitgate(["--yes", "-C", worktree], in: repo.path, repo)

        #expect(result.status == 1)
        #expect(result.stdout.contains("      ?? notes.txt"))
        #expect(result.stderr.contains("modified, staged or untracked"))
        #expect(try repo.read("notes.txt", in: worktree) == "mine\n")
    }

    @Test func theMainWorktreeIsRefused() throws {
        let (repo, _) = try Self.mergedFeature(target: nil)
        let result = try Self.gitgate(["--yes"], in: repo.path, repo)
        #expect(result.status == 1)
        #expect(result.stderr.contains("is the main worktree"))
    }

    @Test func allMergedDryRunAsJSON() throws {
        let (repo, worktree) = try Self.mergedFeature(target: nil)
        let open = try repo.addWorktree(branch: "open")
        try repo.commitFiles(["src/open.txt": "wip\n"], message: "Work in progress", in: open)

        let result = try Self.gitgate(["--all-merged", "--dry-run", "--format", "json"], in: repo.path, repo)

        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["dryRun"] as? Bool == true)
        let worktrees = try #require(object["worktrees"] as? [[String: Any]])
        let actions = Dictionary(uniqueKeysWithValues: worktrees.map { ($0["branch"] as? String ?? "", $0["action"] as? String ?? "") })
        #expect(actions == ["feature": "would-close", "open": "kept"])
        let kept = try #require(worktrees.first { $0["branch"] as? String == "open" })
        #expect((kept["refusals"] as? [[String: Any]])?.first?["code"] as? String == "not-merged")
        #expect(FileManager.default.fileExists(atPath: worktree) && FileManager.default.fileExists(atPath: open))
    }

    @Test func anArgumentWithAllMergedIsAUsageError() throws {
        let (repo, _) = try Self.mergedFeature(target: nil)
        let result = try Self.gitgate(["feature", "--all-merged"], in: repo.path, repo)
        #expect(result.status == 64)
    }
}
