import Foundation
import Git
import Testing
import TestSupport

@Suite("Diffs limited to a folder")
struct DiffTests {
    @Test(arguments: awkwardFolders)
    func branchDiffMatchesGitIncludingTheRename(folder: String) throws {
        let scenario = try FeatureScenario(folder: folder)
        let repo = scenario.repo
        let opened = try Repository(discoveringFrom: scenario.worktree)
        let base = try #require(try opened.mergeBase(opened.resolve("main"), opened.resolve("feature")))
        #expect(base.hex == scenario.base)

        let entries = try opened.diff(from: base, to: opened.resolve("feature"), under: folder)
        let expected = parseRawDiff(try repo.git(
            "--literal-pathspecs", "diff", "--raw", "-z", "--no-abbrev", "-M", base.hex, "feature", "--", folder))

        #expect(entries.sorted { $0.path < $1.path } == expected)
        #expect(Set(entries.map(\.status)) == [.added, .modified, .deleted, .renamed])
        let rename = try #require(entries.first { $0.status == .renamed })
        #expect(rename.oldPath == "\(folder)/001_create_users.sql")
        #expect(rename.newPath == "\(folder)/001_users.sql")
        #expect(rename.similarity == 100)
        #expect(entries.allSatisfy { $0.path.hasPrefix(folder + "/") })
    }

    @Test func trailingSlashAndDotSlashAreTheSameFolder() throws {
        let scenario = try FeatureScenario(folder: "migrations")
        let opened = try Repository(discoveringFrom: scenario.repo.path)
        let base = try oid(scenario.base), feature = try opened.resolve("feature")

        let plain = try opened.diff(from: base, to: feature, under: "migrations")
        #expect(try opened.diff(from: base, to: feature, under: "./migrations/") == plain)
        #expect(plain.count == 5)
    }

    @Test func wholeTreeAndEmptyOldSide() throws {
        let scenario = try FeatureScenario(folder: "migrations")
        let repo = scenario.repo
        let opened = try Repository(discoveringFrom: repo.path)
        let feature = try opened.resolve("feature")

        let everything = try opened.diff(from: oid(scenario.base), to: feature)
        #expect(everything.sorted { $0.path < $1.path } == parseRawDiff(
            try repo.git("diff", "--raw", "-z", "--no-abbrev", "-M", scenario.base, "feature")))

        let fromNothing = try opened.diff(from: nil, to: feature, under: "migrations")
        #expect(fromNothing.allSatisfy { $0.status == .added && $0.oldPath == nil && $0.oldID == nil })
        #expect(Set(fromNothing.map(\.path)) == Set(try opened.files(under: "migrations", at: feature).map(\.path)))
    }

    @Test(arguments: awkwardFolders)
    func indexDiffDuringAMergeMatchesGit(folder: String) throws {
        let scenario = try FeatureScenario(folder: folder)
        let repo = scenario.repo
        // What a pre-merge-commit hook sees: the merge result in the index, HEAD still main.
        try repo.git("merge", "--no-commit", "--no-ff", "feature")
        let opened = try Repository(discoveringFrom: repo.path)

        let entries = try opened.diffIndex(against: opened.resolve("HEAD"), under: folder)
        let expected = parseRawDiff(try repo.git(
            "--literal-pathspecs", "diff", "--cached", "--raw", "-z", "--no-abbrev", "-M", "HEAD", "--", folder))

        #expect(entries.sorted { $0.path < $1.path } == expected)
        #expect(entries.contains { $0.path == "\(folder)/003_create_security_detections.sql" && $0.status == .added })
        #expect(entries.contains { $0.status == .renamed })
    }

    @Test func indexDiffFromAnotherIndexFile() throws {
        let scenario = try FeatureScenario(folder: "migrations")
        let repo = scenario.repo
        let opened = try Repository(discoveringFrom: repo.path)
        let other = repo.scratch.appending("other-index")
        // Like `git commit -a`, which hands its hook a temporary index.
        try repo.write("migrations/009_extra.sql", "SELECT 9;\n")
        try repo.git("add", "migrations/009_extra.sql", env: ["GIT_INDEX_FILE": other])

        let head = try opened.resolve("HEAD")
        #expect(try opened.diffIndex(against: head, under: "migrations") == [])
        let fromOther = try opened.diffIndex(against: head, under: "migrations", indexFile: other)
        #expect(fromOther.map(\.path).contains("migrations/009_extra.sql"))
    }
}
