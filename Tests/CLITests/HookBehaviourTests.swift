import Foundation
import Testing
import TestSupport

/// Chained hooks, skips, failing closed, and `gitgate check`, end to end.
@Suite("Hooks: chaining, skips, could-not-check, gitgate check")
struct HookBehaviourTests {
    @Test(.database) func preExistingHookKeepsRunningAndUninstallRestoresIt() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo
        let hook = repo.path + "/.git/hooks/pre-merge-commit"
        // The team's own hook: it logs every run and refuses while a file named `deny` exists.
        let original = Data("#!/bin/sh\necho ran >> \"$(git rev-parse --git-dir)/team-hook.log\"\n[ ! -e deny ]\n".utf8)
        try original.write(to: URL(fileURLWithPath: hook))
        try FileManager.default.setAttributes([.posixPermissions: 0o750], ofItemAtPath: hook)

        let install = try gated.installHooks()
        #expect(install.stdout.contains("chained"), "\(install.stdout)")
        #expect(FileManager.default.contents(atPath: hook + ".gitgate-chained") == original)
        // A second install changes nothing, and chains nothing twice.
        let again = try gated.installHooks()
        #expect(!again.stdout.contains("chained") && !again.stdout.contains("installed"), "\(again.stdout)")

        // gitgate would refuse, and the team's hook ran first.
        #expect(!(try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")).succeeded)
        #expect(try repo.read(".git/team-hook.log") == "ran\n")
        try repo.git("merge", "--abort")

        // gitgate would allow, but the team's hook refuses: its refusal stands.
        try gated.applyPendingMigration()
        try repo.write("deny", "")
        let before = try gated.mainTip
        #expect(!(try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")).succeeded)
        #expect(try gated.mainTip == before)
        try repo.git("merge", "--abort")
        try repo.remove("deny")
        #expect((try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")).succeeded)
        #expect(try repo.read(".git/team-hook.log") == "ran\nran\nran\n")

        let uninstall = try gated.gitgate(["uninstall"], in: gated.worktree)
        #expect(uninstall.status == 0)
        #expect(uninstall.stdout.contains("restored"))
        #expect(FileManager.default.contents(atPath: hook) == original)
        let mode = try FileManager.default.attributesOfItem(atPath: hook)[.posixPermissions] as? Int
        #expect(mode == 0o750)
        #expect(!FileManager.default.fileExists(atPath: hook + ".gitgate-chained"))
        for name in ["pre-commit", "pre-push", "post-merge", "reference-transaction", "post-commit", "post-checkout", "post-rewrite"] {
            #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/" + name))
        }
    }

    @Test(.database) func skipWithAReasonIsAnnouncedAndRecorded() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: ["--reference-transaction"])
        let repo = gated.repo
        let reason = "DBA applied 002 by hand during the incident"
        let result = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature", env: ["GITGATE_SKIP": reason])
        #expect(result.succeeded, "\(result.stderr)")
        #expect(result.stderr.contains("GATE SKIPPED"))
        #expect(result.stderr.contains(reason))
        #expect(result.stderr.contains(GatedRepository.pendingPath))
        // pre-merge-commit and reference-transaction both saw it: announced once.
        #expect(result.stderr.components(separatedBy: "GATE SKIPPED").count == 2, "\(result.stderr)")

        let log = try repo.read(".git/gitgate/skips.jsonl")
        #expect(log.split(separator: "\n").count == 1)
        #expect(log.contains(reason) && log.contains("Gate Keeper <gatekeeper@example.com>") && log.contains("pre-merge-commit"))

        // status and doctor show it, from any worktree.
        let status = try gated.gitgate(["status"], in: gated.worktree)
        #expect(status.stdout.contains("skipped pre-merge-commit"), "\(status.stdout)")
        #expect(status.stdout.contains(reason))
        let doctor = try gated.gitgate(["doctor"], in: gated.worktree)
        #expect(doctor.stdout.contains("skipped gate") && doctor.stdout.contains(reason), "\(doctor.stdout)")
    }

    @Test(.database) func skipWithoutAReasonIsRefused() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        for empty in ["", "   "] {
            let result = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature", env: ["GITGATE_SKIP": empty])
            #expect(!result.succeeded)
            #expect(result.stderr.contains("GITGATE_SKIP is set but gives no reason"), "\(result.stderr)")
            #expect(try gated.mainTip == before)
            try repo.git("merge", "--abort")
        }
        #expect(!repo.exists(".git/gitgate/skips.jsonl"))
    }

    @Test(.database) func unreachableTargetBlocksWithExitTwo() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        // Nothing listens on port 1: connection refused at once.
        try repo.git("config", "gitgate.production.url", "host=127.0.0.1 port=1 dbname=app user=app connect_timeout=2")
        let before = try gated.mainTip
        let merge = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")
        #expect(!merge.succeeded)
        #expect(merge.stderr.contains("could not be checked"), "\(merge.stderr)")
        #expect(merge.stderr.contains("could not check"))
        #expect(try gated.mainTip == before)

        // git reports its own status; the hook itself exits 2, as does gitgate check.
        let hook = try gated.gitgate(["hook", "pre-commit"], extra: ["GIT_INDEX_FILE": ".git/index"])
        #expect(hook.status == 2, "\(hook.stderr)")
        let check = try gated.gitgate(["check", "--base", "main", "--head", "feature"])
        #expect(check.status == 2, "\(check.stdout)")
        #expect(check.stdout.contains("BLOCKED (could not check)"))
    }

    @Test(.database) func checkForCI() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo

        let text = try gated.gitgate(["check", "--base", "main", "--head", "feature"])
        #expect(text.status == 1)
        #expect(text.stdout.contains(GatedRepository.pendingPath) && text.stdout.contains("BLOCKED"))

        let json = try gated.gitgate(["check", "--base", "main", "--head", "feature", "--format", "json"])
        #expect(json.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "blocked")
        let migrations = try #require(object["migrations"] as? [[String: Any]])
        #expect(migrations.map { $0["path"] as? String } == [GatedRepository.pendingPath])

        let github = try gated.gitgate(["check", "--base", "main", "--head", "feature", "--format", "github"])
        #expect(github.status == 1)
        #expect(github.stdout.contains("::error file=\(GatedRepository.pendingPath),title=gitgate::production%3A") ||
                github.stdout.contains("::error file=\(GatedRepository.pendingPath),title=gitgate::production:"), "\(github.stdout)")

        // A server or CI runner: a bare repository has no worktree, .gitgate comes from history.
        let bare = try repo.bareClone(named: "ci.git")
        try repo.git("push", "-q", bare, "feature")
        let inBare = try gated.gitgate(["check", "--base", "main", "--head", "feature", "--format", "json"], in: bare)
        #expect(inBare.status == 1, "\(inBare.stderr)")
        #expect(inBare.stdout.contains(GatedRepository.pendingPath))

        try gated.applyPendingMigration()
        let ready = try gated.gitgate(["check", "--base", "main", "--head", "feature", "--format", "github"], in: bare)
        #expect(ready.status == 0, "\(ready.stdout)")
        #expect(ready.stdout.contains("::notice title=gitgate::READY TO MERGE"))

        let unknown = try gated.gitgate(["check", "--base", "main", "--head", "no-such-branch"])
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("fetch-depth"))
    }

    @Test(.database) func hookManagerGetsAdviceAndNothingIsWritten() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo
        try repo.write("lefthook.yml", "pre-commit:\n  commands: {}\n")
        let result = try gated.gitgate(["install"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("lefthook") && result.stderr.contains("gitgate hook pre-push {1} {2}"), "\(result.stderr)")
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-merge-commit"))

        // What the advice says works: a manager calling `gitgate hook` directly gets the same gate.
        try repo.git("merge", "--no-ff", "--no-commit", "feature")
        let hook = try gated.gitgate(["hook", "pre-commit"], extra: ["GIT_INDEX_FILE": ".git/index"])
        #expect(hook.status == 1)
        #expect(hook.stderr.contains(GatedRepository.pendingPath))
        // Off main, nothing to check.
        let offMain = try gated.gitgate(["hook", "pre-commit"], in: gated.worktree)
        #expect(offMain.status == 0 && offMain.stderr.isEmpty)
    }
}
