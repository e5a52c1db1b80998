import Foundation
import Testing
import TestSupport

/// Every route into main, taken with the real git CLI and gitgate's installed hooks, against a
/// real database that lacks the branch's migration: refused with main unmoved, then allowed
/// once production has it.
@Suite("Hooks: every route into main")
struct HookRouteTests {
    static let missing = GatedRepository.pendingPath

    /// A refusal names the migration, the target and the fix.
    func expectRefusal(_ result: ShellResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.succeeded, "\(what) went through", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("refused"), "\(what): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains(Self.missing), "\(what): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(result.stderr.contains("production"), sourceLocation: sourceLocation)
        #expect(result.stderr.contains("gitgate apply --target production"), sourceLocation: sourceLocation)
    }

    func expectAllowed(_ result: ShellResult, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.succeeded, "\(what) refused: \(result.stderr)", sourceLocation: sourceLocation)
    }

    @Test(.database) func mergeNoFastForward() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip

        let refused = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")
        expectRefusal(refused, "git merge --no-ff")
        #expect(refused.stderr.contains("git merge --abort"))
        #expect(refused.stderr.contains("cd \(gated.worktree)"))
        #expect(try gated.mainTip == before)
        try repo.git("merge", "--abort")

        try gated.applyPendingMigration()
        let allowed = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")
        expectAllowed(allowed, "git merge --no-ff")
        #expect(try repo.git("rev-list", "--parents", "-n1", "main").split(separator: " ").count == 3)
        #expect(allowed.stderr.contains("✓ merge of feature into main"))
        // post-merge: the worktree can go now.
        #expect(allowed.stderr.contains("gitgate close feature"), "\(allowed.stderr)")
    }

    @Test(.database) func refusedMergeThenPlainCommit() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        expectRefusal(try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature"), "git merge --no-ff")
        #expect(repo.exists(".git/MERGE_HEAD"))

        // pre-merge-commit does not run for `git commit`: pre-commit holds the gate.
        let commit = try repo.gitResult("commit", "--no-edit")
        expectRefusal(commit, "git commit finishing a refused merge")
        #expect(commit.stderr.contains("merge of feature into main"))
        #expect(try gated.mainTip == before)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("commit", "--no-edit"), "git commit finishing the merge")
        #expect(try repo.git("rev-list", "--parents", "-n1", "main").split(separator: " ").count == 3)
    }

    @Test(.database) func noCommitThenCommit() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        // No hook runs for --no-commit: it only prepares the merge.
        try repo.git("merge", "--no-ff", "--no-commit", "feature")
        expectRefusal(try repo.gitResult("commit", "--no-edit"), "git commit after --no-commit")
        #expect(try gated.mainTip == before)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("commit", "--no-edit"), "git commit after --no-commit")
        #expect(try gated.mainTip != before)
    }

    @Test(.database) func squashThenCommit() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        try repo.git("merge", "--squash", "feature")
        let refused = try repo.gitResult("commit", "-m", "Squashed feature")
        expectRefusal(refused, "git commit after --squash")
        #expect(refused.stderr.contains("squash merge of feature into main"), "\(refused.stderr)")
        #expect(try gated.mainTip == before)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("commit", "-m", "Squashed feature"), "git commit after --squash")
        #expect(try repo.git("ls-tree", "--name-only", "main", Self.missing) == Self.missing)
    }

    @Test(.database) func directCommitOnMain() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        // A commit on main that brings no migration costs no database round trip and passes.
        try repo.write("README.md", "# changed\n")
        expectAllowed(try repo.gitResult("commit", "-am", "docs"), "a commit without migrations")
        let docs = try gated.mainTip
        #expect(docs != before)

        try repo.write(Self.missing, GatedRepository.pendingSQL)
        try repo.git("add", Self.missing)
        let refused = try repo.gitResult("commit", "-m", "orders, straight on main")
        expectRefusal(refused, "a direct commit of a migration on main")
        #expect(refused.stderr.contains("commit on main"))
        #expect(try gated.mainTip == docs)

        // --no-verify skips pre-commit, not the reference-transaction backstop.
        let noVerify = try repo.gitResult("commit", "--no-verify", "-m", "orders, straight on main")
        expectRefusal(noVerify, "git commit --no-verify of a migration on main")
        #expect(try gated.mainTip == docs)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("commit", "-m", "orders, straight on main"), "the direct commit")
    }

    /// After a refusal that left the files or the index changed, `git reset --merge` puts them back.
    func putBack(_ repo: TestRepository, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try repo.git("reset", "--merge")
        #expect(try repo.git("status", "--porcelain", "--untracked-files=no") == "", sourceLocation: sourceLocation)
    }

    @Test(.database) func fastForwardAndPull() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        let refused = try repo.gitResult("merge", "--ff-only", "feature")
        expectRefusal(refused, "git merge --ff-only")
        #expect(refused.stderr.contains("git reset --merge"))
        #expect(try gated.mainTip == before)
        try putBack(repo)

        expectRefusal(try repo.gitResult("pull", "--quiet", ".", "feature"), "git pull . feature")
        #expect(try gated.mainTip == before)
        try putBack(repo)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("merge", "--ff-only", "feature"), "git merge --ff-only")
        #expect(try gated.mainTip == (try gated.sha("feature")))
        // Moving main back brings nothing: no check, no refusal.
        expectAllowed(try repo.gitResult("reset", "--hard", before), "git reset --hard back")
        expectAllowed(try repo.gitResult("pull", "--quiet", ".", "feature"), "git pull . feature")
        #expect(try gated.mainTip == (try gated.sha("feature")))
    }

    @Test(.database) func rebaseOnMain() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        // main has a commit of its own: the rebase replays it onto feature, then moves main.
        try repo.write("NOTES.md", "on main\n")
        try repo.commit("notes on main")
        let before = try gated.mainTip

        let refused = try repo.gitResult("rebase", "feature")
        expectRefusal(refused, "git rebase feature")
        #expect(refused.stderr.contains("git rebase --abort"), "\(refused.stderr)")
        #expect(try gated.mainTip == before)
        try repo.git("rebase", "--abort")
        #expect(try gated.mainTip == before)
        #expect(try repo.git("symbolic-ref", "HEAD") == "refs/heads/main")

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("rebase", "feature"), "git rebase feature")
        #expect(try repo.gitResult("merge-base", "--is-ancestor", "feature", "main").succeeded)
    }

    @Test(.database) func resetHard() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        expectRefusal(try repo.gitResult("reset", "--hard", "feature"), "git reset --hard feature")
        #expect(try gated.mainTip == before)
        try putBack(repo)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("reset", "--hard", "feature"), "git reset --hard feature")
        #expect(try gated.mainTip == (try gated.sha("feature")))
    }

    @Test(.database) func cherryPick() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        expectRefusal(try repo.gitResult("cherry-pick", "feature"), "git cherry-pick feature")
        #expect(try gated.mainTip == before)
        try putBack(repo)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("cherry-pick", "feature"), "git cherry-pick feature")
        #expect(try repo.git("ls-tree", "--name-only", "main", Self.missing) == Self.missing)
    }

    /// A revert brings a migration back when the reverted commit removed it: here main got 002
    /// too early (before gitgate was installed) and took it out again; reverting that removal is
    /// a new update of main that brings 002.
    @Test(.database) func revertOfARemoval() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo
        try repo.write(Self.missing, GatedRepository.pendingSQL)
        try repo.commit("orders, too early")
        try repo.remove(Self.missing)
        try repo.commit("Take orders out again: production does not have it")
        try gated.installHooks()
        let before = try gated.mainTip

        expectRefusal(try repo.gitResult("revert", "--no-edit", "HEAD"), "git revert of the removal")
        #expect(try gated.mainTip == before)
        try putBack(repo)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("revert", "--no-edit", "HEAD"), "git revert of the removal")
        #expect(try repo.git("ls-tree", "--name-only", "main", Self.missing) == Self.missing)
    }

    @Test(.database) func branchForceAndUpdateRef() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let before = try gated.mainTip
        // git branch -f refuses to move a branch checked out somewhere: leave main unchecked-out.
        try repo.git("switch", "--detach")
        expectRefusal(try repo.gitResult("branch", "-f", "main", "feature"), "git branch -f main feature")
        #expect(try gated.mainTip == before)
        expectRefusal(try repo.gitResult("update-ref", "refs/heads/main", "feature"), "git update-ref")
        #expect(try gated.mainTip == before)
        // Other refs are not main's business.
        expectAllowed(try repo.gitResult("branch", "-f", "elsewhere", "feature"), "git branch -f elsewhere")

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("branch", "-f", "main", "feature"), "git branch -f main feature")
        #expect(try gated.mainTip == (try gated.sha("feature")))
        expectAllowed(try repo.gitResult("update-ref", "refs/heads/main", before), "git update-ref back")
        expectAllowed(try repo.gitResult("update-ref", "refs/heads/main", "feature"), "git update-ref")
        #expect(try gated.mainTip == (try gated.sha("feature")))
    }

    /// `--reference-transaction` is still accepted; it changes nothing now that it is the default.
    @Test(.database) func referenceTransactionFlagIsANoOp() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let plain = try gated.installHooks()
        let flagged = try gated.installHooks(["--reference-transaction"])
        #expect(plain.stdout.contains("installed  reference-transaction"), "\(plain.stdout)")
        #expect(flagged.stdout.contains("unchanged  reference-transaction"), "\(flagged.stdout)")
        #expect(!flagged.stdout.contains("installed") && !flagged.stdout.contains("updated"))
    }

    @Test(.database) func pushToBareRemoteWithPreReceive() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let repo = gated.repo
        let bare = try repo.bareClone(named: "server.git")
        let installed = try gated.gitgate(["install"], in: bare)
        #expect(installed.status == 0, "\(installed.stderr)")
        #expect(FileManager.default.isExecutableFile(atPath: bare + "/hooks/pre-receive"))
        #expect(!FileManager.default.fileExists(atPath: bare + "/hooks/pre-merge-commit"))
        let before = try repo.git("rev-parse", "main", in: bare)

        let refused = try repo.gitResult("push", bare, "feature:main")
        expectRefusal(refused, "git push to the server's main")
        #expect(refused.stderr.contains("gitgate-skip"))
        #expect(try repo.git("rev-parse", "main", in: bare) == before)
        // Other branches pass untouched.
        expectAllowed(try repo.gitResult("push", bare, "feature:feature"), "git push of another branch")

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("push", bare, "feature:main"), "git push to the server's main")
        #expect(try repo.git("rev-parse", "main", in: bare) == (try gated.sha("feature")))
    }

    @Test(.database) func prePushToRemoteMain() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let bare = try repo.bareClone(named: "origin.git")
        try repo.git("remote", "add", "origin", bare)
        try repo.git("fetch", "-q", "origin")
        let before = try repo.git("rev-parse", "main", in: bare)

        let refused = try repo.gitResult("push", "origin", "feature:main")
        expectRefusal(refused, "git push origin feature:main")
        #expect(refused.stderr.contains("push of feature to origin's main"))
        #expect(try repo.git("rev-parse", "main", in: bare) == before)
        expectAllowed(try repo.gitResult("push", "origin", "feature"), "git push origin feature")

        // The same commits reaching main another way (a merge that ran no local hooks) are caught on push.
        try repo.git("-c", "core.hooksPath=/dev/null", "merge", "--no-ff", "-m", "Merge feature", "feature")
        expectRefusal(try repo.gitResult("push", "origin", "main"), "git push origin main")
        #expect(try repo.git("rev-parse", "main", in: bare) == before)

        try gated.applyPendingMigration()
        expectAllowed(try repo.gitResult("push", "origin", "main"), "git push origin main")
        #expect(try repo.git("rev-parse", "main", in: bare) == (try gated.mainTip))
    }
}
