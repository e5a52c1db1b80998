import Foundation
import GitGateKit
import Testing
import TestSupport

/// A repository with migrations on main and a worktree on `feature`.
private struct Project {
    let repo: TestRepository
    let worktree: String

    init(folder: String = "migrations", mainFiles: [String: String] = ["migrations/001_users.sql": "CREATE TABLE users (id int);\n"],
         config: String? = nil) throws {
        repo = try TestRepository()
        var files = mainFiles
        if let config { files[".gitgate"] = config }
        if files.isEmpty { files[folder + "/.gitkeep"] = "" }
        try repo.commitFiles(files, message: "main migrations")
        worktree = try repo.addWorktree(branch: "feature")
    }

    func inspect(at path: String? = nil, branch: String? = nil) throws -> Inspection {
        try Inspector(at: path ?? worktree).inspectWorktree(branch: branch)
    }
}

@Suite struct InspectorTests {
    @Test("each layout: versions, names and down files", arguments: [
        (Layout.flat, ["db/001_users.sql"], ["db/002_add_x.sql": "002"]),
        (Layout.flyway, ["db/V1__users.sql"], ["db/V2__add_x.sql": "2", "db/U2__add_x.sql": nil, "db/R__views.sql": "R__views"]),
        (Layout.updown, ["db/20240101_users.up.sql", "db/20240101_users.down.sql"],
         ["db/20240202_add_x.up.sql": "20240202", "db/20240202_add_x.down.sql": nil]),
        (Layout.directory, ["db/2019-02-26-002946_users/up.sql", "db/2019-02-26-002946_users/down.sql"],
         ["db/2019-03-01-000000_add_x/up.sql": "2019-03-01-000000", "db/2019-03-01-000000_add_x/down.sql": nil,
          "db/20230101_prisma/migration.sql": "20230101"]),
    ] as [(Layout, [String], [String: String?])])
    func layouts(layout: Layout, onMain: [String], onBranch: [String: String?]) throws {
        let project = try Project(mainFiles: Dictionary(uniqueKeysWithValues: onMain.map { ($0, "SELECT 1;\n") })
            .merging([".gitgate": "[gitgate]\n\tmigrations = db\n"]) { a, _ in a })
        for path in onBranch.keys { try project.repo.write(path, "SELECT 2;\n", in: project.worktree) }
        try project.repo.commit("branch migrations", in: project.worktree)

        let inspection = try project.inspect()
        #expect(inspection.layout == layout)  // auto-detected
        let expected = Set(onBranch.values.compactMap { $0 })
        #expect(Set(inspection.migrations.map(\.version)) == expected)
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        if layout == .updown || layout == .directory {
            let withDown = inspection.migrations.first { $0.downPath != nil }
            #expect(withDown?.downPath?.hasSuffix("down.sql") == true)
        }
    }

    @Test func sourcesCommittedStagedUnstagedUntracked() throws {
        let project = try Project()
        let repo = project.repo, wt = project.worktree
        try repo.commitFiles(["migrations/002_committed.sql": "SELECT 2;\n"], message: "two", in: wt)
        try repo.write("migrations/003_staged.sql", "SELECT 3;\n", in: wt)
        try repo.git("add", "migrations/003_staged.sql", in: wt)
        try repo.write("migrations/004_unstaged.sql", "SELECT 4;\n", in: wt)
        try repo.git("add", "migrations/004_unstaged.sql", in: wt)
        try repo.write("migrations/004_unstaged.sql", "SELECT 44;\n", in: wt)
        try repo.write("migrations/005_untracked.sql", "SELECT 5;\n", in: wt)

        let inspection = try project.inspect()
        let sources = Dictionary(uniqueKeysWithValues: inspection.migrations.map { ($0.version, $0.source) })
        #expect(sources == ["002": .committed, "003": .staged, "004": .unstaged, "005": .untracked])
        // What would not be merged is said.
        #expect(inspection.warnings.filter { $0.code == .uncommitted }.count == 3)
        // The gate reads the newest content.
        #expect(inspection.migrations.first { $0.version == "004" }?.sql == "SELECT 44;\n")
    }

    @Test func branchEqualToMainHasNothingToMerge() throws {
        let project = try Project()
        let inspection = try project.inspect()
        #expect(inspection.migrations.isEmpty)
        #expect(inspection.problems.isEmpty)
        let report = StatusService.evaluate(inspection, configuration: try Inspector(at: project.worktree).configuration)
        #expect(report.verdict.decision == .ready)
    }

    @Test func fromASubdirectoryOfTheWorktree() throws {
        let project = try Project()
        try project.repo.commitFiles(["migrations/002_x.sql": "SELECT 2;\n", "src/deep/file.txt": "x"], message: "x", in: project.worktree)
        let inspection = try project.inspect(at: project.worktree + "/src/deep")
        #expect(inspection.branch == "feature")
        #expect(inspection.migrations.map(\.version) == ["002"])
        #expect(inspection.mergeBase == (try project.repo.sha("main")))
    }

    @Test func mainGainedTheSameVersionAfterTheBranchStarted() throws {
        let project = try Project()
        try project.repo.commitFiles(["migrations/002_on_main.sql": "SELECT 1;\n"], message: "main 002")
        try project.repo.commitFiles(["migrations/002_on_branch.sql": "SELECT 2;\n"], message: "branch 002", in: project.worktree)
        let conflict = try #require(try project.inspect().conflicts.first { $0.code == .duplicateVersion })
        #expect(conflict.message.contains("002"))
        #expect(conflict.paths.contains("migrations/002_on_main.sql"))
        #expect(conflict.paths.contains("migrations/002_on_branch.sql"))
    }

    @Test func twoBranchFilesWithOneVersion() throws {
        let project = try Project()
        try project.repo.commitFiles(["migrations/002_a.sql": "SELECT 1;\n", "migrations/002_b.sql": "SELECT 2;\n"],
                                     message: "two 002", in: project.worktree)
        let conflict = try #require(try project.inspect().conflicts.first)
        #expect(conflict.code == .duplicateVersion)
        #expect(Set(conflict.paths) == ["migrations/002_a.sql", "migrations/002_b.sql"])
    }

    @Test("history of main must not change", arguments: ["modify", "delete", "rename"])
    func historyChanged(change: String) throws {
        let project = try Project(mainFiles: ["migrations/001_users.sql": "CREATE TABLE users (id int, name text, email text);\n"])
        let repo = project.repo, wt = project.worktree
        switch change {
        case "modify": try repo.write("migrations/001_users.sql", "CREATE TABLE users (id bigint, name text, email text);\n", in: wt)
        case "delete": try repo.remove("migrations/001_users.sql", in: wt)
        default: try repo.git("mv", "migrations/001_users.sql", "migrations/001_people.sql", in: wt)
        }
        try repo.commit(change, in: wt)
        let conflict = try #require(try project.inspect().conflicts.first { $0.code == .historyChanged })
        #expect(conflict.paths.contains("migrations/001_users.sql"))
        #expect(conflict.message.contains(change == "modify" ? "modifies" : change == "delete" ? "deletes" : "renames"))
    }

    @Test func renameOfABranchMigrationIsStillOneMigration() throws {
        let project = try Project()
        try project.repo.commitFiles(["migrations/002_draft.sql": "CREATE TABLE drafts (id int, body text, title text);\n"], message: "a", in: project.worktree)
        try project.repo.git("mv", "migrations/002_draft.sql", "migrations/002_final.sql", in: project.worktree)
        try project.repo.commit("rename", in: project.worktree)
        let inspection = try project.inspect()
        #expect(inspection.migrations.map(\.path) == ["migrations/002_final.sql"])
        #expect(inspection.conflicts.isEmpty)
    }

    @Test func outOfOrderVersionWarns() throws {
        let project = try Project(mainFiles: ["migrations/001_a.sql": "SELECT 1;\n", "migrations/005_e.sql": "SELECT 5;\n"])
        try project.repo.commitFiles(["migrations/003_c.sql": "SELECT 3;\n"], message: "old number", in: project.worktree)
        let warning = try #require(try project.inspect().warnings.first { $0.code == .outOfOrder })
        #expect(warning.message.contains("003") && warning.message.contains("005"))
    }

    @Test func anotherWorktreeAddingTheSameVersionWarns() throws {
        let project = try Project()
        let other = try project.repo.addWorktree(branch: "other")
        try project.repo.commitFiles(["migrations/002_other.sql": "SELECT 1;\n"], message: "o", in: other)
        try project.repo.commitFiles(["migrations/002_mine.sql": "SELECT 2;\n"], message: "m", in: project.worktree)
        let warning = try #require(try project.inspect().warnings.first { $0.code == .sameVersionElsewhere })
        #expect(warning.message.contains("other"))
        #expect(warning.message.contains(other))
    }

    @Test("file names with spaces, quotes and non-ASCII", arguments: [
        "migrations/002_add users table.sql", "migrations/002_it's \"quoted\".sql", "migrations/002_añadir_índice_日本.sql",
    ])
    func unusualNames(path: String) throws {
        let project = try Project()
        try project.repo.commitFiles([path: "SELECT 1;\n"], message: "odd name", in: project.worktree)
        let inspection = try project.inspect()
        #expect(inspection.migrations.map(\.path) == [path])
    }

    @Test func aSQLFileThatFitsNoLayoutBlocksAndOtherFilesDoNot() throws {
        let project = try Project()
        try project.repo.commitFiles(["migrations/002_x.sql": "SELECT 1;\n", "migrations/notes.txt": "todo", "migrations/cleanup.sql": "SELECT 1;\n"],
                                     message: "x", in: project.worktree)
        let inspection = try project.inspect()
        #expect(inspection.conflicts.map(\.code) == [.unclaimedFile])
        #expect(inspection.conflicts.first?.paths == ["migrations/cleanup.sql"])
        #expect(inspection.conflicts.first?.message.contains("003_cleanup.sql") == true)
    }

    @Test func mainWorktreeWithBranchOption() throws {
        let project = try Project()
        try project.repo.commitFiles(["migrations/002_x.sql": "SELECT 1;\n"], message: "x", in: project.worktree)
        let inspection = try project.inspect(at: project.repo.path, branch: "feature")
        #expect(inspection.migrations.map(\.version) == ["002"])
    }

    // MARK: Errors (exit 2, one line, with the fix)

    @Test func notARepository() throws {
        let scratch = try ScratchDirectory()
        let error = try #require(throws: GitGateError.self) { try Inspector(at: scratch.path) }
        #expect(error.exitCode == 2)
        #expect(error.message.contains("not inside a git repository"))
    }

    @Test func detachedHead() throws {
        let project = try Project()
        try project.repo.git("checkout", "--detach", "HEAD", in: project.worktree)
        let error = try #require(throws: GitGateError.self) { try project.inspect() }
        #expect(error.message.contains("detached"))
        #expect(error.exitCode == 2)
    }

    @Test func mainBranchMissing() throws {
        let project = try Project(config: "[gitgate]\n\tmainBranch = trunk\n")
        let error = try #require(throws: GitGateError.self) { try project.inspect() }
        #expect(error.message.contains("trunk"))
    }

    @Test func migrationsFolderMissing() throws {
        let project = try Project(config: "[gitgate]\n\tmigrations = nowhere\n")
        let error = try #require(throws: GitGateError.self) { try project.inspect() }
        #expect(error.message.contains("gitgate.migrations"))
        #expect(error.message.contains(".gitgate"))
    }

    @Test func bareRepository() throws {
        let project = try Project()
        let bare = try project.repo.bareClone()
        let error = try #require(throws: GitGateError.self) { try Inspector(at: bare) }
        #expect(error.message.contains("bare"))
    }
}
