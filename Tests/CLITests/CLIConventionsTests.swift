import Foundation
import Testing
import TestSupport

/// git's habits: `-C PATH` before the command, "did you mean" for a typo, usage errors as one
/// line with exit 64, and output that says what the user is looking at.
@Suite("CLI conventions")
struct CLIConventionsTests {
    private func project() throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n",
                              "migrations/001_a.sql": "CREATE TABLE IF NOT EXISTS a (id int);\n"], message: "main")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/002_b.sql": "CREATE TABLE IF NOT EXISTS b (id int);\nCOMMENT ON TABLE b IS 'b';\n"],
                             message: "feature", in: worktree)
        return (repo, worktree)
    }

    private func expectUsage(_ result: ShellResult, sourceLocation: SourceLocation = #_sourceLocation) {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(result.status == 64, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.count == 1 && lines[0].hasPrefix("gitgate: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, "stdout: \(result.stdout)", sourceLocation: sourceLocation)
    }

    @Test("-C before the command is the same as after it, and several apply in turn, as in git")
    func directoryBeforeTheCommand() throws {
        let (repo, worktree) = try project()
        let after = try GitGateBinary.run(["status", "-C", worktree], in: repo.scratch.path, environment: repo.environment)
        #expect(after.stdout.contains("Branch feature → main"), "\(after.output)")
        let relative = "wt-feature"  // addWorktree puts it at <scratch>/wt-feature
        for arguments in [["-C", worktree, "status"], ["-C" + worktree, "status"], ["--directory", worktree, "status"],
                          ["--directory=" + worktree, "status"], ["-C", repo.path, "-C", "../" + relative, "status"],
                          ["-C", repo.scratch.path, "status", "-C", relative]] {
            let before = try GitGateBinary.run(arguments, in: "/", environment: repo.environment)
            #expect(before == after, "\(arguments): \(before.output) \(before.stderr)")
        }
        // The hidden hook command runs where -C says too (it has no -C of its own).
        let hook = try GitGateBinary.run(["-C", worktree, "hook", "post-merge", "0"], in: "/", environment: repo.environment)
        #expect(hook.status == 0, "\(hook.stderr)")
    }

    @Test("--color always/never/auto before or after the command beats NO_COLOR; a bad WHEN is a usage error")
    func colorFlag() throws {
        let (repo, worktree) = try project()
        let env = repo.environment
        let escape = "\u{1B}["
        // The runner's NO_COLOR=1 and a pipe for stdout: auto is plain, always paints anyway.
        for arguments in [["--color=always", "status"], ["status", "--color"], ["--color", "always", "status"]] {
            let result = try GitGateBinary.run(arguments, in: worktree, environment: env)
            #expect(result.stdout.contains(escape), "\(arguments): \(result.output)")
            #expect(result.stdout.contains("feature → main"), "\(arguments): \(result.output)")
        }
        for arguments in [["--color=auto", "status"], ["status", "--no-color"], ["status", "--color=never"], ["status"]] {
            let result = try GitGateBinary.run(arguments, in: worktree, environment: env)
            #expect(!result.stdout.contains(escape), "\(arguments): \(result.output)")
            #expect(result.stdout.contains("Branch feature → main"), "\(arguments): \(result.output)")
        }
        // The variable does what the flag does, and the flag wins over it.
        let variable = try GitGateBinary.run(["status"], in: worktree, environment: env, extra: ["GITGATE_COLOR": "always"])
        #expect(variable.stdout.contains(escape), "\(variable.output)")
        let flagWins = try GitGateBinary.run(["--no-color", "status"], in: worktree, environment: env, extra: ["GITGATE_COLOR": "always"])
        #expect(!flagWins.stdout.contains(escape), "\(flagWins.output)")
        let bad = try GitGateBinary.run(["status", "--color=sometimes"], in: worktree, environment: env)
        expectUsage(bad)
        #expect(bad.stderr.contains("--color=sometimes") && bad.stderr.contains("--color=always"), "\(bad.stderr)")
    }

    @Test("./gitgate -C REPO install writes the path it was started by into the hooks, made absolute where it was typed")
    func installStartedByARelativePath() throws {
        let (repo, _) = try project()
        // A symlink, as /usr/local/bin/gitgate is: the hooks keep the link's path, not the binary's.
        let bin = try repo.scratch.makeDirectory("bin")
        try FileManager.default.createSymbolicLink(atPath: bin + "/gitgate", withDestinationPath: GitGateBinary.path)
        let result = try Shell.run("sh", ["-c", "./gitgate -C \"$1\" install", "sh", repo.path], cwd: bin, env: repo.environment)
        #expect(result.status == 0, "\(result.stderr)")
        let hook = try String(contentsOfFile: repo.path + "/.git/hooks/pre-merge-commit", encoding: .utf8)
        #expect(hook.contains(bin + "/gitgate"), "\(hook)")
    }

    @Test("-C to a folder that does not exist is a usage error, before or after the command")
    func missingDirectory() throws {
        let scratch = try ScratchDirectory()
        for arguments in [["-C", scratch.appending("nope"), "status"], ["status", "-C", scratch.appending("nope")], ["-C"]] {
            let result = try GitGateBinary.run(arguments, in: scratch.path)
            expectUsage(result)
        }
    }

    @Test("a mistyped command: did you mean, exit 64; a mistyped option: did you mean, exit 64")
    func didYouMean() throws {
        let (repo, worktree) = try project()
        for (typo, meant) in [("stauts", "status"), ("instal", "install"), ("lintt", "lint"), ("lnit", "init"), ("rollbak", "rollback")] {
            let result = try GitGateBinary.run([typo], in: worktree, environment: repo.environment)
            expectUsage(result)
            #expect(result.stderr.contains("\(typo): not a gitgate command; did you mean \(meant)?"), "\(result.stderr)")
        }
        let far = try GitGateBinary.run(["frobnicate"], in: worktree, environment: repo.environment)
        expectUsage(far)
        #expect(!far.stderr.contains("did you mean"), "\(far.stderr)")

        let option = try GitGateBinary.run(["-C", worktree, "status", "--verbos"], in: "/", environment: repo.environment)
        expectUsage(option)
        #expect(option.stderr.contains("status: unknown option '--verbos' (did you mean '--verbose'?)"), "\(option.stderr)")
        let missing = try GitGateBinary.run(["rollback"], in: worktree, environment: repo.environment)
        expectUsage(missing)
        #expect(missing.stderr.contains("--target"), "\(missing.stderr)")
    }

    @Test("help and version still print on stdout with exit 0")
    func helpAndVersion() throws {
        let scratch = try ScratchDirectory()
        for arguments in [["--help"], ["help", "status"], ["status", "--help"], ["--version"], ["-C", scratch.path, "--help"]] {
            let result = try GitGateBinary.run(arguments, in: scratch.path)
            #expect(result.status == 0 && !result.stdout.isEmpty && result.stderr.isEmpty, "\(arguments): \(result.stderr)")
        }
        let help = try GitGateBinary.run(["--help"], in: scratch.path)
        #expect(help.stdout.contains("gitgate [-C <path>] [--color <when>] <command>"), "\(help.stdout)")
    }

    @Test("on main, plan says it is looking at the main branch, not main → main")
    func mainIsNotComparedWithItself() throws {
        let (repo, _) = try project()
        for format in ["text", "markdown"] {
            let plan = try GitGateBinary.run(["plan", "--format", format], in: repo.path, environment: repo.environment)
            #expect(!plan.stdout.contains("main → main") && !plan.stdout.contains("`main` → `main`"), "\(plan.stdout)")
            #expect(plan.stdout.contains("the main branch"), "\(plan.stdout)")
        }
        let status = try GitGateBinary.run(["status"], in: repo.path, environment: repo.environment)
        #expect(!status.stdout.contains("main → main") && status.stdout.contains("the main branch"), "\(status.stdout)")
    }
}
