import Foundation
import LocalPostgres
import Testing
import TestSupport

/// The binary the hooks run, one database check per merge, and moves of main around the gate.
@Suite("Hooks: the recorded binary, one check per merge, moves around the gate")
struct HookBackstopTests {
    static let missing = GatedRepository.pendingPath

    func expectRefusal(_ result: ShellResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.succeeded, "\(what) went through", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("refused") && result.stderr.contains(Self.missing),
                "\(what): \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test(.database) func theEnvironmentCannotSwapTheBinary() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        // A GITGATE variable and a fake gitgate first on PATH: the hooks run the recorded binary anyway.
        let bin = try repo.scratch.makeDirectory("fake-bin")
        try FileManager.default.createSymbolicLink(atPath: bin + "/gitgate", withDestinationPath: "/bin/true")
        let environment = ["GITGATE": "/bin/true", "PATH": bin + ":" + (repo.environment["PATH"] ?? "/usr/bin:/bin")]

        expectRefusal(try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature", env: environment), "git merge --no-ff")
        #expect(try gated.mainTip == before)
        try repo.git("merge", "--abort")
        expectRefusal(try repo.gitResult("merge", "--ff-only", "feature", env: environment), "git merge --ff-only")
        #expect(try gated.mainTip == before)
        try repo.git("reset", "--merge")
        try repo.git("switch", "--detach")
        expectRefusal(try repo.gitResult("update-ref", "refs/heads/main", "feature", env: environment), "git update-ref")
        #expect(try gated.mainTip == before)
        for hook in ["pre-merge-commit", "pre-commit", "reference-transaction", "post-commit"] {
            let script = try repo.read(".git/hooks/" + hook)
            #expect(script.contains("\nGITGATE=\"/") && !script.contains("${GITGATE"), "\(hook): \(script)")
        }
    }

    @Test(.database) func aMissingRecordedBinaryRefusesWithOneLine() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo
        // Installed through a symlink, as /usr/local/bin/gitgate would be: the hooks record that path.
        let bin = try repo.scratch.makeDirectory("bin")
        let recorded = bin + "/gitgate"
        try FileManager.default.createSymbolicLink(atPath: recorded, withDestinationPath: GitGateBinary.path)
        let install = try Shell.run(recorded, ["install"], cwd: repo.path, env: repo.environment)
        #expect(install.status == 0, "\(install.stderr)")
        #expect(install.stdout.contains("calling \(recorded)"), "\(install.stdout)")
        let before = try gated.mainTip

        for broken in ["deleted", "not executable"] {
            if broken == "deleted" {
                try FileManager.default.removeItem(atPath: recorded)
            } else {
                try "#!/bin/sh\nexit 0\n".write(toFile: recorded, atomically: true, encoding: .utf8)
            }
            let line = "is missing or not executable; install gitgate again, then run gitgate install"

            let merge = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")
            #expect(!merge.succeeded, "\(broken): git merge --no-ff went through")
            let said = merge.stderr.split(separator: "\n").filter { $0.hasPrefix("gitgate:") }
            #expect(said == ["gitgate: cannot check this merge into main: \(recorded) (recorded by gitgate install) \(line)"],
                    "\(broken): \(merge.stderr)")
            #expect(try gated.mainTip == before)
            try repo.git("merge", "--abort")

            // Even an update that brings no migration cannot be checked, so it is refused too.
            let fastForward = try repo.gitResult("merge", "--ff-only", "feature")
            #expect(!fastForward.succeeded)
            #expect(fastForward.stderr.contains("gitgate: cannot check this update of main: \(recorded) (recorded by gitgate install) \(line)"),
                    "\(broken): \(fastForward.stderr)")
            #expect(try gated.mainTip == before)
            try repo.git("reset", "--merge")
        }

        // Installing again from a binary that exists mends it.
        try FileManager.default.removeItem(atPath: recorded)
        try gated.installHooks()
        try gated.applyPendingMigration()
        #expect(try repo.gitResult("merge", "--ff-only", "feature").succeeded)
    }

    /// pre-merge-commit checks the merge result; reference-transaction, which sees the same merge
    /// commit go onto main, trusts that check. Counted on the server: a cluster of this test's own
    /// that logs every connection it authorizes.
    @Test func aMergeAsksTheDatabaseOnce() throws {
        let cluster = try LocalCluster(extraConfig: ["log_connections": "on"])
        defer { cluster.stop() }
        let gated = try GatedRepository(conninfo: try cluster.createDatabase("gate"))
        let repo = gated.repo
        func connections() throws -> Int {
            try String(contentsOfFile: cluster.logPath, encoding: .utf8).split(separator: "\n").filter {
                $0.contains("connection authorized:") && ($0.contains(" database=gate ") || $0.hasSuffix(" database=gate"))
            }.count
        }

        var start = try connections()
        #expect(!(try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")).succeeded)
        #expect(try connections() - start == 1, "a refused merge")
        try repo.git("merge", "--abort")

        try gated.applyPendingMigration()
        start = try connections()
        let merge = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")
        #expect(merge.succeeded, "\(merge.stderr)")
        #expect(try connections() - start == 1, "pre-merge-commit and reference-transaction: \(merge.stderr)")

        // A record the backstop cannot read is not trusted: the same merge is checked twice.
        try repo.git("reset", "--hard", "HEAD~1")
        let chained = repo.path + "/.git/hooks/reference-transaction.gitgate-chained"
        try "#!/bin/sh\n[ \"$1\" = prepared ] && echo garbled > \"$(git rev-parse --git-common-dir)/gitgate/verified\"\nexit 0\n"
            .write(toFile: chained, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: chained)
        start = try connections()
        let again = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")
        #expect(again.succeeded, "\(again.stderr)")
        #expect(try connections() - start == 2, "\(again.stderr)")
    }

    @Test(.database) func aMoveAroundTheGateIsNoticedOnceAndRecorded() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        // No hook runs at all with another hooks folder: main moves unchecked.
        let around = try repo.gitResult("-c", "core.hooksPath=/dev/null", "merge", "--ff-only", "feature")
        #expect(around.succeeded, "\(around.stderr)")
        #expect(try gated.mainTip == (try gated.sha("feature")))
        #expect(!repo.exists(".git/gitgate/skips.jsonl"))

        // The next hook that runs notices: loudly, never blocking, recorded once.
        let next = try repo.gitResult("commit", "--allow-empty", "-m", "later on main")
        #expect(next.succeeded, "\(next.stderr)")
        #expect(next.stderr.contains("main MOVED AROUND THE GATE"), "\(next.stderr)")
        #expect(next.stderr.contains(Self.missing) && next.stderr.contains("gitgate apply --target production"))
        let log = try repo.read(".git/gitgate/skips.jsonl").split(separator: "\n")
        #expect(log.count == 1)
        #expect(log.first?.contains("\"kind\":\"bypass\"") == true || log.first?.contains("\"kind\" : \"bypass\"") == true, "\(log)")
        #expect(log.first?.contains("post-commit") == true && log.first?.contains(Self.missing) == true)

        let quiet = try repo.gitResult("checkout", "main")
        #expect(quiet.succeeded && !quiet.stderr.contains("MOVED AROUND"), "\(quiet.stderr)")
        #expect(try repo.read(".git/gitgate/skips.jsonl").split(separator: "\n").count == 1)

        let status = try gated.gitgate(["status"], in: gated.worktree)
        #expect(status.stdout.contains("gate bypassed") && status.stdout.contains(Self.missing), "\(status.stdout)")
        let doctor = try gated.gitgate(["doctor"], in: gated.worktree)
        #expect(doctor.stdout.contains("bypassed gate"), "\(doctor.stdout)")
    }

    @Test(.database) func withoutTheBackstopNoVerifyIsNoticedAndRecorded() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo
        let install = try gated.installHooks(["--no-reference-transaction"])
        #expect(install.stdout.contains("Without reference-transaction") && install.stdout.contains("unchecked"), "\(install.stdout)")
        #expect(!repo.exists(".git/hooks/reference-transaction"))
        let doctor = try gated.gitgate(["doctor"])
        #expect(doctor.stdout.contains("reference-transaction is not installed"), "\(doctor.stdout)")

        try repo.write(Self.missing, GatedRepository.pendingSQL)
        try repo.git("add", Self.missing)
        let commit = try repo.gitResult("commit", "--no-verify", "-m", "orders, straight on main")
        #expect(commit.succeeded, "\(commit.stderr)")
        #expect(commit.stderr.contains("main MOVED AROUND THE GATE") && commit.stderr.contains(Self.missing), "\(commit.stderr)")
        let log = try repo.read(".git/gitgate/skips.jsonl")
        #expect(log.contains("post-commit") && log.contains("bypass"), "\(log)")

        // Installing again puts the backstop back, and --no-verify no longer gets through.
        try gated.installHooks()
        #expect(FileManager.default.isExecutableFile(atPath: repo.path + "/.git/hooks/reference-transaction"))
        let before = try gated.mainTip
        try repo.write("migrations/003_create_items.sql", "CREATE TABLE items (id bigint PRIMARY KEY);\n")
        try repo.git("add", "migrations/003_create_items.sql")
        #expect(!(try repo.gitResult("commit", "--no-verify", "-m", "items")).succeeded)
        #expect(try gated.mainTip == before)
    }
}

extension HookBackstopTests {
    /// Without the backstop a fast-forward passes no pre-* hook; with GITGATE_SKIP it is a skip
    /// with its reason, noticed after the fact and recorded as such, not as a bypass.
    @Test(.database) func aSkipNoPreHookSawIsRecordedAsASkip() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: ["--no-reference-transaction"])
        let repo = gated.repo
        let reason = "DBA applies 002 tonight"
        let merge = try repo.gitResult("merge", "--ff-only", "feature", env: ["GITGATE_SKIP": reason])
        #expect(merge.succeeded, "\(merge.stderr)")
        #expect(merge.stderr.contains("GATE SKIPPED (post-merge)") && merge.stderr.contains(reason), "\(merge.stderr)")
        #expect(!merge.stderr.contains("MOVED AROUND THE GATE"))
        let log = try repo.read(".git/gitgate/skips.jsonl").split(separator: "\n")
        #expect(log.count == 1 && log[0].contains(reason) && !log[0].contains("bypass"), "\(log)")
    }
}

@Suite("Hooks: chaining the post-* hooks")
struct HookChainingTests {
    @Test(.database) func theTeamsPostHooksRunWithTheirInputAndComeBack() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo
        let hooks = repo.path + "/.git/hooks/"
        // The team's hooks log their arguments and input; post-commit fails, which a post-* hook cannot undo.
        var originals: [String: Data] = [:]
        for name in ["post-commit", "post-checkout", "post-rewrite", "reference-transaction"] {
            let script = "#!/bin/sh\n{ echo \"\(name) $*\"; [ \(name) = post-rewrite ] && cat; } >> \"$(git rev-parse --git-common-dir)/team.log\"\n"
                + (name == "post-commit" ? "exit 3\n" : "exit 0\n")
            originals[name] = Data(script.utf8)
            try originals[name]!.write(to: URL(fileURLWithPath: hooks + name))
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: hooks + name)
        }
        let install = try gated.installHooks()
        for name in originals.keys { #expect(FileManager.default.fileExists(atPath: hooks + name + ".gitgate-chained"), "\(install.stdout)") }

        let old = try gated.sha("HEAD", in: gated.worktree)
        try repo.git("commit", "--amend", "--allow-empty", "-m", "orders, amended", in: gated.worktree)
        let new = try gated.sha("HEAD", in: gated.worktree)
        try repo.git("checkout", "-q", "main")
        let log = try repo.read(".git/team.log")
        #expect(log.contains("post-commit \n") && log.contains("post-rewrite amend\n\(old) \(new)\n"), "\(log)")
        #expect(log.contains("post-checkout ") && log.contains("reference-transaction prepared"), "\(log)")

        // And gitgate's gate still holds behind the team's reference-transaction hook.
        let before = try gated.mainTip
        #expect(!(try repo.gitResult("merge", "--ff-only", "feature")).succeeded)
        #expect(try gated.mainTip == before)
        try repo.git("reset", "--merge")

        #expect(try gated.gitgate(["uninstall"]).status == 0)
        for (name, original) in originals {
            #expect(FileManager.default.contents(atPath: hooks + name) == original, "\(name)")
            #expect(!FileManager.default.fileExists(atPath: hooks + name + ".gitgate-chained"))
        }
        #expect(!repo.exists(".git/gitgate/main-seen"))
    }
}
