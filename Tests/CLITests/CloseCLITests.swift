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

    // MARK: Keeping ignored files, and close --check

    /// What close could change, seen from outside: refs, git's worktrees, the keep folder, and
    /// every file in `worktree` with its bytes.
    static func state(_ repo: TestRepository, _ worktree: String) throws -> String {
        var lines = [try repo.git("for-each-ref", "--format=%(refname) %(objectname)"), try repo.git("worktree", "list", "--porcelain")]
        lines.append("kept: \((try? FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/gitgate/kept")) ?? [])")
        for relative in (FileManager.default.subpaths(atPath: worktree) ?? []).sorted() where relative != ".git" {
            let data = FileManager.default.contents(atPath: worktree + "/" + relative)
            lines.append("\(relative) \(data.map { $0.base64EncodedString() } ?? "dir")")
        }
        return lines.joined(separator: "\n")
    }

    static func json(_ result: ShellResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stdout)")
    }

    static func codes(_ object: [String: Any]) -> [String] {
        (object["reasons"] as? [[String: Any]] ?? []).compactMap { $0["code"] as? String }
    }

    @Test func checkAnswersWithExitCodesAndJSONAndChangesNothing() throws {
        let (repo, worktree) = try Self.mergedFeature(target: nil)
        let open = try repo.addWorktree(branch: "open")
        try repo.commitFiles(["src/open.txt": "wip\n"], message: "Work in progress", in: open)

        let safe = try Self.gitgate(["--check", "--format", "json"], in: worktree, repo)
        #expect(safe.status == 0, "\(safe.stdout)\(safe.stderr)")
        #expect(safe.stderr.isEmpty)
        let safeObject = try Self.json(safe)
        #expect(safeObject["safe"] as? Bool == true && safeObject["closable"] as? Bool == true)
        #expect(Self.codes(safeObject).isEmpty)
        #expect(safeObject["worktree"] as? String == worktree && safeObject["branch"] as? String == "feature")

        try repo.write("debug.log", "noise\n", in: worktree)
        let before = try Self.state(repo, worktree)
        let ignored = try Self.gitgate(["--check", "--format", "json", worktree], in: repo.path, repo)
        #expect(ignored.status == 1)
        let ignoredObject = try Self.json(ignored)
        #expect(ignoredObject["safe"] as? Bool == false && ignoredObject["closable"] as? Bool == true)
        #expect(Self.codes(ignoredObject) == ["ignored-files"])
        let reason = try #require((ignoredObject["reasons"] as? [[String: Any]])?.first)
        #expect((reason["message"] as? String)?.contains("would delete 1 ignored file") == true)
        #expect(reason["details"] as? [String] == ["debug.log (6 bytes)"])
        #expect(ignored.stderr.hasPrefix("gitgate: not safe to remove worktree \(worktree) (branch feature): "))
        #expect(ignored.stderr.split(separator: "\n").count == 1)

        let text = try Self.gitgate(["--check", "feature"], in: repo.path, repo)
        #expect(text.status == 1)
        #expect(text.stdout.contains("ignored, to keep: debug.log"))
        #expect(text.stdout.contains("not safe to remove (checked only: nothing was changed)"))
        #expect(try Self.gitgate(["--check", "feature", "--discard-ignored"], in: repo.path, repo).status == 0)

        let unmerged = try Self.gitgate(["--check", "--format", "json", "open"], in: repo.path, repo)
        #expect(unmerged.status == 1)
        #expect(Self.codes(try Self.json(unmerged)) == ["not-merged"])

        let main = try Self.gitgate(["--check", "--format", "json"], in: repo.path, repo)
        #expect(main.status == 1)
        #expect(Self.codes(try Self.json(main)) == ["main-worktree"])

        #expect(try Self.gitgate(["--check", "--all-merged"], in: repo.path, repo).status == 64)
        #expect(try Self.state(repo, worktree) == before)
        #expect(try repo.read("debug.log", in: worktree) == "noise\n")
    }

    @Test func checkCouldNotCheckIsExitTwo() throws {
        let (repo, worktree) = try Self.mergedFeature(target: "host=/tmp/gg-no-such-server user=nobody dbname=nothing connect_timeout=2")
        let result = try Self.gitgate(["--check", "--format", "json"], in: worktree, repo)
        #expect(result.status == 2, "\(result.stderr)")
        #expect(Self.codes(try Self.json(result)) == ["could-not-check"])
        #expect(result.stderr.hasPrefix("gitgate: "))
    }

    @Test func aWorktreeOnAnotherFilesystemIsRefusedInOneLine() throws {
        let (repo, _) = try Self.mergedFeature(target: nil)
        let elsewhere = try ScratchDirectory(in: "/dev/shm")
        var shm = stat(), home = stat()
        #expect(lstat(elsewhere.path, &shm) == 0 && lstat(repo.path, &home) == 0)
        try #require(shm.st_dev != home.st_dev, "/dev/shm must be another filesystem than \(repo.path) for this test")
        let worktree = try repo.addWorktree(branch: "elsewhere", path: elsewhere.path + "/wt")
        try repo.commitFiles(["src/elsewhere.txt": "work\n"], message: "Work elsewhere", in: worktree)
        try repo.git("merge", "--no-ff", "--quiet", "-m", "Merge elsewhere", "elsewhere")
        try repo.write("pgdata/PG_VERSION", "15\n", in: worktree)
        let before = try Self.state(repo, worktree)

        let result = try Self.gitgate(["elsewhere", "--yes"], in: repo.path, repo)

        #expect(result.status == 1)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(result.stderr.hasPrefix("gitgate: not closing worktree \(worktree) (branch elsewhere): 1 ignored file to keep cannot be moved into the keep folder \(repo.path)/.git/gitgate/kept: "))
        #expect(result.stderr.contains("another filesystem"))
        #expect(result.stderr.contains("--discard-ignored"))
        #expect(result.stderr.contains("nothing was changed"))
        #expect(try Self.state(repo, worktree) == before)

        // The old flag still means: delete them.
        let discarded = try Self.gitgate(["elsewhere", "--yes", "--include-ignored"], in: repo.path, repo)
        #expect(discarded.status == 0, "\(discarded.stderr)")
        #expect(discarded.stdout.contains("deleted 1 ignored file with the worktree (--discard-ignored)"))
        #expect(!FileManager.default.fileExists(atPath: worktree))
    }

    /// The README's `git worktree remove` wrapper, exactly as printed there.
    @Test func theReadmeWrapperAsksBeforeGitWorktreeRemove() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let after = try #require(readme.range(of: "For plain `git worktree remove`"))
        let rest = readme[after.upperBound...]
        let start = try #require(rest.range(of: "```sh\n"))
        let end = try #require(rest[start.upperBound...].range(of: "```"))
        let function = String(rest[start.upperBound..<end.lowerBound])
        #expect(function.contains("gitgate close --check"))

        let (repo, worktree) = try Self.mergedFeature(target: nil)
        try repo.write("debug.log", "noise\n", in: worktree)
        let path = URL(fileURLWithPath: GitGateBinary.path).deletingLastPathComponent().path + ":" + (repo.environment["PATH"] ?? "")
        func remove() throws -> ShellResult {
            try repo.run("/bin/sh", ["-c", function + "\ngit worktree remove \"$1\"", "sh", worktree], env: ["PATH": path, "NO_COLOR": "1"])
        }

        let refused = try remove()
        #expect(refused.status == 1)
        #expect(refused.stdout.contains("not safe to remove"))
        #expect(try repo.read("debug.log", in: worktree) == "noise\n")

        try repo.remove("debug.log", in: worktree)
        let removed = try remove()
        #expect(removed.status == 0, "\(removed.stdout)\(removed.stderr)")
        #expect(!FileManager.default.fileExists(atPath: worktree))
    }
}
