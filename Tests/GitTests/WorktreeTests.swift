import Foundation
import Git
import Testing
import TestSupport

@Suite("Linked worktrees")
struct WorktreeTests {
    @Test func listWithLockedPrunableAndDetached() throws {
        let repo = try TestRepository()
        let feature = try repo.addWorktree(branch: "feature")
        let locked = try repo.addWorktree(branch: "on-usb")
        let gone = try repo.addWorktree(branch: "gone")
        let detached = try repo.addWorktree(branch: "detached")
        try repo.git("worktree", "lock", "--reason", "on a USB stick", locked)
        try FileManager.default.removeItem(atPath: gone)
        try repo.git("checkout", "--quiet", "--detach", in: detached)
        let featureHead = try repo.commit("Work", allowEmpty: true, in: feature)

        // Open from a linked worktree: the list is the same from anywhere.
        let worktrees = try Repository(discoveringFrom: feature).worktrees()
        let main = try repo.sha("main")

        #expect(worktrees == [
            WorktreeInfo(name: "wt-detached", path: detached, branch: nil, head: try oid(main),
                         isLocked: false, lockReason: nil, isPrunable: false),
            WorktreeInfo(name: "wt-feature", path: feature, branch: "feature", head: try oid(featureHead),
                         isLocked: false, lockReason: nil, isPrunable: false),
            WorktreeInfo(name: "wt-gone", path: gone, branch: "gone", head: try oid(main),
                         isLocked: false, lockReason: nil, isPrunable: true),
            WorktreeInfo(name: "wt-on-usb", path: locked, branch: "on-usb", head: try oid(main),
                         isLocked: true, lockReason: "on a USB stick", isPrunable: false),
        ])
        // git agrees about which one is prunable.
        let porcelain = try repo.git("worktree", "list", "--porcelain")
        #expect(porcelain.contains("worktree \(gone)\nHEAD \(main)\nbranch refs/heads/gone\nprunable"))
    }

    @Test func lockWithoutReason() throws {
        let repo = try TestRepository()
        let path = try repo.addWorktree(branch: "feature")
        try repo.git("worktree", "lock", path)

        let info = try #require(try Repository(discoveringFrom: repo.path).worktrees().first)
        #expect(info.isLocked)
        #expect(info.lockReason == nil)
    }

    @Test func mainRepositoryWithNoLinkedWorktrees() throws {
        let repo = try TestRepository()
        #expect(try Repository(discoveringFrom: repo.path).worktrees() == [])
    }

    @Test func pruneRemovesRecordAndFolderButKeepsTheBranch() throws {
        let repo = try TestRepository()
        let path = try repo.addWorktree(branch: "feature")
        try repo.write("untracked.txt", "will go\n", in: path)
        let opened = try Repository(discoveringFrom: repo.path)

        try opened.pruneWorktree(named: "wt-feature")

        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/worktrees/wt-feature"))
        #expect(try opened.worktrees() == [])
        #expect(try !repo.git("worktree", "list", "--porcelain").contains(path))
        #expect(opened.branchExists("feature"))
        // No longer checked out anywhere, so it can now be deleted.
        try opened.deleteBranch("feature")
        #expect(!opened.branchExists("feature"))
    }

    @Test func pruneRefusesALockedWorktreeUnlessTold() throws {
        let repo = try TestRepository()
        let path = try repo.addWorktree(branch: "feature")
        try repo.git("worktree", "lock", "--reason", "keep", path)
        let opened = try Repository(discoveringFrom: repo.path)

        let error = try #require(throws: GitError.self) { try opened.pruneWorktree(named: "wt-feature") }
        #expect(error.description.contains("unlock"))
        #expect(FileManager.default.fileExists(atPath: path))

        try opened.pruneWorktree(named: "wt-feature", evenIfLocked: true)
        #expect(!FileManager.default.fileExists(atPath: path))
    }

    @Test func pruneAnAlreadyDeletedFolder() throws {
        let repo = try TestRepository()
        let path = try repo.addWorktree(branch: "feature")
        try FileManager.default.removeItem(atPath: path)
        let opened = try Repository(discoveringFrom: repo.path)

        try opened.pruneWorktree(named: "wt-feature")
        #expect(try opened.worktrees() == [])
    }

    @Test func pruneUnknownWorktree() throws {
        let repo = try TestRepository()
        let error = try #require(throws: GitError.self) {
            try Repository(discoveringFrom: repo.path).pruneWorktree(named: "nope")
        }
        #expect(error.description.contains("git worktree list"))
    }
}
