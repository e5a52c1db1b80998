import Git
import Testing
import TestSupport

/// The history questions `gitgate close` asks (Repository+Close.swift), against real git.
@Suite struct CloseHistoryTests {
    @Test func firstParentOfAMergeIsTheBranchItWasMadeOn() throws {
        let fixture = try TestRepository()
        let root = try fixture.sha("HEAD")
        let worktree = try fixture.addWorktree(branch: "feature")
        let featureTip = try fixture.commitFiles(["a.txt": "a\n"], message: "Add a", in: worktree)
        let mainTip = try fixture.commitFiles(["b.txt": "b\n"], message: "Add b")
        try fixture.git("merge", "--no-ff", "--quiet", "-m", "Merge feature", "feature")
        let merge = try fixture.sha("HEAD")

        let repository = try Repository(discoveringFrom: fixture.path)
        #expect(try repository.firstParent(of: #require(ObjectID(hex: merge)))?.hex == mainTip)
        #expect(try repository.firstParent(of: #require(ObjectID(hex: featureTip)))?.hex == root)
        #expect(try repository.firstParent(of: #require(ObjectID(hex: root))) == nil)
    }

    @Test func branchStartIsWhereTheReflogBegins() throws {
        let fixture = try TestRepository()
        let created = try fixture.sha("HEAD")
        try fixture.commitFiles(["later.txt": "x\n"], message: "main moves on")
        let worktree = try fixture.addWorktree(branch: "feature", from: created)
        try fixture.commitFiles(["a.txt": "a\n"], message: "Add a", in: worktree)
        try fixture.commitFiles(["b.txt": "b\n"], message: "Add b", in: worktree)

        let repository = try Repository(discoveringFrom: fixture.path)
        #expect(try repository.branchStart("feature")?.hex == created)
        #expect(try repository.branchStart("no-such-branch") == nil)
    }

    @Test func entryIDNamesBlobsAndTreesAndNothing() throws {
        let fixture = try TestRepository()
        let commit = try fixture.commitFiles(["db/migrations/001_a.sql": "CREATE TABLE a (id int);\n"], message: "Add a")
        let blob = try fixture.git("rev-parse", "HEAD:db/migrations/001_a.sql")
        let tree = try fixture.git("rev-parse", "HEAD:db/migrations")

        let repository = try Repository(discoveringFrom: fixture.path)
        let id = try #require(ObjectID(hex: commit))
        #expect(try repository.entryID(at: "db/migrations/001_a.sql", in: id)?.hex == blob)
        #expect(try repository.entryID(at: "db/migrations/", in: id)?.hex == tree)
        #expect(try repository.entryID(at: "db/migrations/002_b.sql", in: id) == nil)
        #expect(try repository.entryID(at: "nowhere/at/all", in: id) == nil)
    }
}
