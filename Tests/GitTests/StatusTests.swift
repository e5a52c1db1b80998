import Foundation
import Git
import Testing
import TestSupport

@Suite("Working tree status")
struct StatusTests {
    /// A worktree with every kind of change, under a folder, with awkward names.
    /// Returns the repository too: its scratch directory lives only as long as it does.
    static func dirtyWorktree(folder: String) throws -> (repo: TestRepository, worktree: String) {
        let repo = try TestRepository()
        try repo.commitFiles([
            "\(folder)/001 first.sql": "SELECT 1;\n" + String(repeating: "-- keep similar\n", count: 10),
            "\(folder)/002 \"quoted\".sql": "SELECT 2;\n",
            "\(folder)/003 ünïcødé.sql": "SELECT 3;\n",
            "\(folder)/004 to delete.sql": "SELECT 4;\n",
            "\(folder)/005 staged delete.sql": "SELECT 5;\n",
            "outside.txt": "outside\n",
            ".gitignore": "*.log\n",
        ], message: "Base")
        let worktree = try repo.addWorktree(branch: "feature")
        let w = { (name: String) in "\(folder)/\(name)" }
        try repo.write(w("006 it's new.sql"), "SELECT 6;\n", in: worktree)
        try repo.git("add", w("006 it's new.sql"), in: worktree)                               // A
        try repo.write(w("002 \"quoted\".sql"), "SELECT 22;\n", in: worktree)                  // .M
        try repo.write(w("003 ünïcødé.sql"), "SELECT 33;\n", in: worktree)
        try repo.git("add", w("003 ünïcødé.sql"), in: worktree)
        try repo.write(w("003 ünïcødé.sql"), "SELECT 333;\n", in: worktree)                   // MM
        try repo.remove(w("004 to delete.sql"), in: worktree)                                   // .D
        try repo.git("rm", "--quiet", w("005 staged delete.sql"), in: worktree)                 // D.
        try repo.git("mv", w("001 first.sql"), w("001 renamed ✓.sql"), in: worktree)           // R.
        try repo.write(w("new dir/ä b/007.sql"), "SELECT 7;\n", in: worktree)                   // ??
        try repo.write(w("debug.log"), "noise\n", in: worktree)                                 // ignored
        try repo.write("outside-untracked.txt", "x\n", in: worktree)
        return (repo, worktree)
    }

    @Test(arguments: awkwardFolders)
    func statusUnderAFolderMatchesGit(folder: String) throws {
        let (repo, worktree) = try Self.dirtyWorktree(folder: folder)
        let opened = try Repository(discoveringFrom: worktree)

        let entries = try opened.status(under: folder)
        let expected = parsePorcelain(try repo.git(
            "--literal-pathspecs", "status", "--porcelain=v1", "-z", "--untracked-files=all", "--", folder, in: worktree))

        #expect(entries.map(\.porcelainLine).sorted() == expected)
        #expect(expected.count == 7)
        #expect(entries.allSatisfy { $0.path.hasPrefix(folder + "/") })
    }

    @Test func wholeWorktreeMatchesGit() throws {
        let (repo, worktree) = try Self.dirtyWorktree(folder: "migrations")
        let opened = try Repository(discoveringFrom: worktree + "/migrations")

        let entries = try opened.status()
        let expected = parsePorcelain(try repo.git("status", "--porcelain=v1", "-z", "--untracked-files=all", in: worktree))

        #expect(entries.map(\.porcelainLine).sorted() == expected)
        #expect(entries.contains { $0.path == "outside-untracked.txt" && $0.isUntracked })
    }

    @Test func entryFields() throws {
        let (repo, worktree) = try Self.dirtyWorktree(folder: "m")
        let entries = try withExtendedLifetime(repo) { try Repository(discoveringFrom: worktree).status(under: "m") }
        let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0.path, $0) })

        #expect(byPath["m/006 it's new.sql"] == StatusEntry(path: "m/006 it's new.sql", staged: .added))
        #expect(byPath["m/003 ünïcødé.sql"] == StatusEntry(path: "m/003 ünïcødé.sql", staged: .modified, unstaged: .modified))
        #expect(byPath["m/004 to delete.sql"]?.unstaged == .deleted)
        #expect(byPath["m/005 staged delete.sql"]?.staged == .deleted)
        #expect(byPath["m/001 renamed ✓.sql"] == StatusEntry(path: "m/001 renamed ✓.sql", oldPath: "m/001 first.sql", staged: .renamed))
        #expect(byPath["m/new dir/ä b/007.sql"]?.isUntracked == true)
        #expect(byPath["m/debug.log"] == nil)
    }

    @Test func ignoredFilesOnlyWhenAskedFor() throws {
        let (repo, worktree) = try Self.dirtyWorktree(folder: "m")
        let opened = try Repository(discoveringFrom: worktree)

        let ignored = try withExtendedLifetime(repo) { try opened.status(under: "m", includeIgnored: true).filter(\.isIgnored) }
        #expect(ignored.map(\.path) == ["m/debug.log"])
        #expect(ignored.first?.porcelainCode == "!!")
    }

    @Test func cleanWorktreeHasNoEntries() throws {
        let repo = try TestRepository()
        let worktree = try repo.addWorktree(branch: "feature")
        #expect(try Repository(discoveringFrom: worktree).status() == [])
    }
}
