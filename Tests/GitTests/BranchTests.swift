import Foundation
import Git
import Testing
import TestSupport

@Suite("Branches")
struct BranchTests {
    @Test func localBranchesMatchGit() throws {
        let repo = try TestRepository()
        for name in ["feature/a", "zeta", "alpha", "ümlaut"] { try repo.git("branch", name) }
        let opened = try Repository(discoveringFrom: repo.path)

        let expected = try repo.git("for-each-ref", "--format=%(refname:short)", "refs/heads").split(separator: "\n").map(String.init)
        #expect(try opened.localBranches() == expected.sorted())
        #expect(opened.branchExists("feature/a"))
        #expect(!opened.branchExists("feature"))
        #expect(!opened.branchExists("origin/main"))
    }

    @Test func deleteBranch() throws {
        let repo = try TestRepository()
        try repo.git("branch", "done")
        let opened = try Repository(discoveringFrom: repo.path)

        try opened.deleteBranch("done")

        #expect(!opened.branchExists("done"))
        #expect(try !repo.gitResult("show-ref", "--verify", "--quiet", "refs/heads/done").succeeded)
    }

    @Test func deleteRefusesABranchCheckedOutInAWorktree() throws {
        let repo = try TestRepository()
        let worktree = try repo.addWorktree(branch: "feature")
        let opened = try Repository(discoveringFrom: worktree)

        let error = try #require(throws: GitError.self) { try opened.deleteBranch("feature") }
        #expect(error.description.contains("switch the worktree"))
        #expect(opened.branchExists("feature"))
    }

    @Test func deleteMissingBranch() throws {
        let repo = try TestRepository()
        let error = try #require(throws: GitError.self) {
            try Repository(discoveringFrom: repo.path).deleteBranch("nope")
        }
        #expect(error.kind == .notFound)
    }
}
