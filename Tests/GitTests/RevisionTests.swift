import Foundation
import Git
import Testing
import TestSupport

@Suite("Revisions and ancestry")
struct RevisionTests {
    /// main: A - B - M, feature (from B): F1 - F2, tag v1 (annotated) on B, orphan: O.
    let repo: TestRepository
    let opened: Repository

    init() throws {
        repo = try TestRepository()
        try repo.commitFiles(["b.txt": "b\n"], message: "B")
        try repo.git("tag", "-a", "v1", "-m", "version 1")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["f.txt": "1\n"], message: "F1", in: worktree)
        try repo.commitFiles(["f.txt": "2\n"], message: "F2", in: worktree)
        try repo.commitFiles(["m.txt": "m\n"], message: "M")
        try repo.git("checkout", "--quiet", "--orphan", "orphan", in: worktree)
        try repo.commitFiles(["o.txt": "o\n"], message: "O", in: worktree)
        opened = try Repository(discoveringFrom: repo.path)
    }

    @Test(arguments: ["main", "HEAD", "HEAD~1", "feature", "feature^", "v1", "refs/heads/main", "orphan"])
    func resolveMatchesRevParse(rev: String) throws {
        #expect(try opened.resolve(rev).hex == repo.sha(rev))
    }

    @Test func resolveAbbreviatedSha() throws {
        let full = try repo.sha("feature")
        #expect(try opened.resolve(String(full.prefix(10))).hex == full)
        #expect(try opened.resolve(full).short == String(full.prefix(7)))
    }

    @Test func unknownRevisionNamesItself() throws {
        let error = try #require(throws: GitError.self) { try opened.resolve("no-such-branch") }
        #expect(error.kind == .notFound)
        #expect(error.description.contains("'no-such-branch'"))
    }

    @Test(arguments: [("main", "feature"), ("feature", "main"), ("main", "v1"), ("HEAD~1", "feature~1")])
    func mergeBaseMatchesGit(a: String, b: String) throws {
        let expected = try repo.git("merge-base", a, b)
        #expect(try opened.mergeBase(opened.resolve(a), opened.resolve(b))?.hex == expected)
    }

    @Test func unrelatedHistoriesHaveNoMergeBase() throws {
        #expect(try opened.mergeBase(opened.resolve("main"), opened.resolve("orphan")) == nil)
    }

    @Test(arguments: [("v1", "main"), ("main", "v1"), ("main", "main"), ("feature", "main"), ("v1", "feature"), ("orphan", "main")])
    func isAncestorMatchesGit(ancestor: String, commit: String) throws {
        let expected = try repo.gitResult("merge-base", "--is-ancestor", ancestor, commit).succeeded
        #expect(try opened.isAncestor(opened.resolve(ancestor), of: opened.resolve(commit)) == expected)
    }

    @Test func treeAndSummary() throws {
        let feature = try opened.resolve("feature")
        #expect(try opened.treeID(of: feature).hex == repo.git("rev-parse", "feature^{tree}"))
        #expect(try opened.summary(of: feature) == "F2")
    }

    @Test func objectIDParsing() {
        #expect(ObjectID(hex: String(repeating: "A", count: 40))?.hex == String(repeating: "a", count: 40))
        #expect(ObjectID(hex: "abc") == nil)
        #expect(ObjectID(hex: String(repeating: "g", count: 40)) == nil)
    }
}
