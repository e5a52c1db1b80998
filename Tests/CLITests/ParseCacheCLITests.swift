import Foundation
import Testing
import TestSupport

/// The parse cache as the built binary uses it: several processes at once, a read-only common
/// git dir, and the same JSON with and without it.
@Suite struct ParseCacheCLITests {
    private func project(migrations count: Int) throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n",
                              "migrations/0001_accounts.sql": "CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);\n"],
                             message: "main")
        let worktree = try repo.addWorktree(branch: "feature")
        var files: [String: String] = [:]
        for number in 2...(count + 1) {
            files[String(format: "migrations/%04d_t%d.sql", number, number)] =
                "CREATE TABLE IF NOT EXISTS t\(number) (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id));\nCREATE INDEX t\(number)_account ON t\(number) (account_id);\n"
        }
        try repo.commitFiles(files, message: "migrations", in: worktree)
        return (repo, worktree)
    }

    private func cacheDirectory(_ repo: TestRepository) -> String { repo.path + "/.git/gitgate/cache/parse" }

    /// The cache is on by default; `GITGATE_PARSE_CACHE=1` says so explicitly.
    private let cacheOn = ["GITGATE_PARSE_CACHE": "1"]

    /// Each entry's name and modification time: a run that rewrites nothing leaves them as they are.
    private func snapshot(_ repo: TestRepository) throws -> [String: Date] {
        let directory = cacheDirectory(repo)
        var result: [String: Date] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: directory) {
            result[name] = try FileManager.default.attributesOfItem(atPath: directory + "/" + name)[.modificationDate] as? Date
        }
        return result
    }

    @Test func fourProcessesWritingAtOnceLeaveOnlyWholeEntries() throws {
        let (repo, worktree) = try project(migrations: 300)
        let outputs = try ScratchDirectory()
        var environment = repo.environment
        environment["NO_COLOR"] = "1"
        environment["GITGATE_PARSE_CACHE"] = "1"
        let processes = try (0..<4).map { index -> Process in
            let process = Process()
            process.executableURL = URL(fileURLWithPath: GitGateBinary.path)
            process.arguments = ["status", "--format", "json"]
            process.currentDirectoryURL = URL(fileURLWithPath: worktree)
            process.environment = environment
            let path = outputs.appending("out\(index)")
            FileManager.default.createFile(atPath: path, contents: nil)
            process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            process.standardError = FileHandle.nullDevice
            return process
        }
        for process in processes { try process.run() }
        for process in processes { process.waitUntilExit() }
        #expect(processes.allSatisfy { $0.terminationStatus == 1 })  // the branch blocks: no gated target
        let texts = try (0..<4).map { try String(contentsOfFile: outputs.appending("out\($0)"), encoding: .utf8) }
        #expect(Set(texts).count == 1)

        // 300 branch files and main's 0001; no temporary file left behind.
        let written = try snapshot(repo)
        #expect(written.count == 301)
        #expect(!written.keys.contains { $0.hasPrefix(".tmp-") })

        // A fifth run reads every entry and so rewrites none; its output is the same.
        let fifth = try GitGateBinary.run(["status", "--format", "json"], in: worktree, environment: repo.environment, extra: cacheOn)
        #expect(fifth.stdout == texts[0])
        #expect(try snapshot(repo) == written)
    }

    @Test func onByDefaultAndOffWithZero() throws {
        let (repo, worktree) = try project(migrations: 3)
        let off = try GitGateBinary.run(["status", "--format", "json"], in: worktree, environment: repo.environment,
                                        extra: ["GITGATE_PARSE_CACHE": "0"])
        #expect(off.status == 1)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/gitgate/cache"))
        let on = try GitGateBinary.run(["status", "--format", "json"], in: worktree, environment: repo.environment)
        #expect(on.status == 1)
        #expect(on.stdout == off.stdout)
        // Three branch files and main's 0001 (the foreign keys name accounts).
        #expect(try snapshot(repo).count == 4)
    }

    @Test func aReadOnlyCommonDirWorksWithoutTheCacheAndTheJSONIsTheSame() throws {
        let (repo, worktree) = try project(migrations: 20)
        let gitDir = repo.path + "/.git"
        // A private mount namespace with the common dir bound read-only, as on a read-only volume.
        let script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && touch \"$1/probe\" 2>/dev/null && exit 99; exec \"$2\" status --format json"
        let readOnly = try repo.run("unshare", ["-m", "sh", "-c", script, "sh", gitDir, GitGateBinary.path], in: worktree, env: cacheOn)
        #expect(readOnly.status == 1, "\(readOnly.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/gitgate/cache"))

        let cold = try GitGateBinary.run(["status", "--format", "json"], in: worktree, environment: repo.environment, extra: cacheOn)
        let written = try snapshot(repo)
        let warm = try GitGateBinary.run(["status", "--format", "json"], in: worktree, environment: repo.environment, extra: cacheOn)
        #expect(written.count == 21)
        #expect(try snapshot(repo) == written)
        #expect(cold.stdout == readOnly.stdout)
        #expect(warm.stdout == readOnly.stdout)
        #expect(warm.stdout.contains("\"verdict\" : \"blocked\""))
    }
}
