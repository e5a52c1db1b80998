import Foundation
import Git
import Testing
import TestSupport

@Suite("Is the branch already on main?")
struct MergeDetectionTests {
    enum Landing: String, CaseIterable, CustomTestStringConvertible {
        case squashMerged, rebaseMerged, mergeCommit, fastForward, unmerged, conflicting, squashedThenMoreWork
        var testDescription: String { rawValue }

        var wouldChange: Bool {
            switch self {
            case .squashMerged, .rebaseMerged, .mergeCommit, .fastForward: false
            case .unmerged, .conflicting, .squashedThenMoreWork: true
            }
        }
    }

    @Test(arguments: Landing.allCases)
    func mergeWouldChange(landing: Landing) throws {
        let repo = try TestRepository()
        try repo.commitFiles(["shared.txt": "line 1\nline 2\nline 3\n"], message: "Base")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/003_create_security_detections.sql": "CREATE TABLE sd (id int);\n"],
                             message: "Add migration", in: worktree)
        try repo.commitFiles(["shared.txt": "line 1\nline 2 from feature\nline 3\n"], message: "Edit shared", in: worktree)
        if landing != .fastForward {
            try repo.commitFiles(["docs/main.txt": "main moves on\n"], message: "Main work")
        }

        switch landing {
        case .squashMerged, .squashedThenMoreWork:
            try repo.git("merge", "--squash", "feature")
            try repo.commit("Squash feature", all: false)
            if landing == .squashedThenMoreWork {
                try repo.commitFiles(["migrations/004_more.sql": "SELECT 4;\n"], message: "More", in: worktree)
            }
        case .rebaseMerged:
            try repo.git("cherry-pick", "main..feature")
        case .mergeCommit:
            try repo.git("merge", "--no-ff", "feature")
        case .fastForward:
            try repo.git("merge", "--ff-only", "feature")
        case .unmerged:
            break
        case .conflicting:
            try repo.commitFiles(["shared.txt": "line 1\nline 2 from main\nline 3\n"], message: "Conflicting edit")
        }

        let opened = try Repository(discoveringFrom: worktree)
        let branch = try opened.resolve("feature"), main = try opened.resolve("main")
        #expect(try opened.mergeWouldChange(branch, into: main) == landing.wouldChange)
        // Squash and rebase merges leave the branch off main's history: ancestry alone cannot tell.
        if landing == .squashMerged || landing == .rebaseMerged {
            #expect(try !opened.isAncestor(branch, of: main))
        }
        // Nothing in the repository or worktree changed.
        #expect(try repo.git("status", "--porcelain") == "")
        #expect(try repo.sha("main") == main.hex)
    }
}
