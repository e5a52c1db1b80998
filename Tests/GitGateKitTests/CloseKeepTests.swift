import Foundation
import GitGateKit
import Testing
import TestSupport

/// `gitgate close` never deletes an ignored file silently: it moves it into the keep folder,
/// unless `--discard-ignored` or main's `closeDiscard` says to delete it. Real repositories and
/// worktrees; no database (the branches add no migration).
@Suite struct CloseKeepTests {
    /// Bytes no text conversion survives unchanged: every byte value, twice.
    static let binary = Data((0...255).map { UInt8($0) } + (0...255).reversed().map { UInt8($0) })

    /// Where git finds the ignore rule that covers a file.
    enum IgnoredBy: String, CaseIterable, CustomStringConvertible {
        /// The person's own excludes file, named by `core.excludesFile`.
        case excludesFile
        /// The repository's `.git/info/exclude`.
        case infoExclude
        /// The committed `.gitignore`.
        case gitignore
        var description: String { rawValue }
    }

    /// Makes `paths` ignored the way `how` says, from outside the branch's history.
    static func ignore(_ how: IgnoredBy, _ patterns: [String], in fixture: CloseFixture) throws {
        let text = patterns.joined(separator: "\n") + "\n"
        switch how {
        case .excludesFile:
            let file = fixture.repo.home + "/my-excludes"
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
            try fixture.repo.git("config", "core.excludesFile", file)
        case .infoExclude:
            let file = fixture.repo.path + "/.git/info/exclude"
            try FileManager.default.createDirectory(atPath: fixture.repo.path + "/.git/info", withIntermediateDirectories: true)
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        case .gitignore:
            let existing = try fixture.repo.read(".gitignore")
            try fixture.repo.commitFiles([".gitignore": existing + text], message: "Ignore more")
        }
    }

    static func keepBase(_ fixture: CloseFixture) -> String { fixture.repo.path + "/.git/gitgate/kept" }

    static func keptFolders(_ fixture: CloseFixture) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: keepBase(fixture))) ?? []).sorted()
    }

    @Test(arguments: IgnoredBy.allCases)
    func anIgnoredFileSurvivesCloseInTheKeepFolder(ignoredBy how: IgnoredBy) throws {
        let fixture = try CloseFixture(conninfo: nil)
        // Before the branch starts, so a committed .gitignore is the branch's too.
        try Self.ignore(how, ["notes/", "*.local.sql"], in: fixture)
        let worktree = try fixture.feature("feature/notes")
        try fixture.merge("feature/notes", .mergeCommit)
        try FileManager.default.createDirectory(atPath: worktree + "/notes/2026", withIntermediateDirectories: true)
        try Self.binary.write(to: URL(fileURLWithPath: worktree + "/notes/2026/plan.bin"))
        try fixture.repo.write("notes/todo.md", "- ask about the index\n", in: worktree)
        try fixture.repo.write("src/seed.local.sql", "INSERT INTO accounts VALUES (1);\n", in: worktree)
        // git itself must see them as ignored (else this would test an untracked-file refusal).
        let ignored = try fixture.repo.git("status", "--porcelain", "--ignored", in: worktree)
        #expect(ignored.contains("!! notes/") && ignored.contains("!! src/seed.local.sql"), "\(ignored)")

        let run = try fixture.close(CloseOptions(target: "feature/notes", yes: true))

        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .closed, "\(run.said)")
        #expect(!FileManager.default.fileExists(atPath: worktree))
        #expect(try !fixture.branchExists("feature/notes"))
        #expect(entry.candidate.ignored.allSatisfy { $0.discard == nil })
        #expect(!run.said.contains("deleted with it"))
        #expect(run.said.contains("ignored, to keep: notes/ (2 files"))

        let kept = try #require(entry.kept)
        #expect(kept.files == 3)
        #expect(kept.folder.hasPrefix(Self.keepBase(fixture) + "/feature-notes-"))
        #expect(Self.keptFolders(fixture).count == 1)
        #expect(FileManager.default.contents(atPath: kept.folder + "/notes/2026/plan.bin") == Self.binary)
        #expect(try String(contentsOfFile: kept.folder + "/src/seed.local.sql", encoding: .utf8) == "INSERT INTO accounts VALUES (1);\n")
        // Only the ignored files: nothing tracked was copied along.
        #expect(!FileManager.default.fileExists(atPath: kept.folder + "/src/feature/notes.txt"))
        #expect(run.said.contains("kept 3 ignored files in \(kept.folder)"))
        #expect(run.said.contains("  bring them back with: \(kept.restoreCommand)"))

        // The printed command brings them back, byte for byte, into a worktree made again.
        try fixture.repo.git(arguments: Array(try #require(entry.candidate.restoreCommand).split(separator: " ").dropFirst().map(String.init)))
        try fixture.repo.git("worktree", "add", "--quiet", worktree, "feature/notes")
        let restored = try fixture.repo.run("/bin/sh", ["-c", kept.restoreCommand])
        #expect(restored.succeeded, "\(restored.stderr)")
        #expect(FileManager.default.contents(atPath: worktree + "/notes/2026/plan.bin") == Self.binary)
        #expect(try fixture.repo.read("notes/todo.md", in: worktree) == "- ask about the index\n")
        #expect(try fixture.repo.read("src/seed.local.sql", in: worktree) == "INSERT INTO accounts VALUES (1);\n")
        #expect(try fixture.repo.git("status", "--porcelain", in: worktree).isEmpty)
    }

    @Test func closeDiscardOnMainDeletesExactlyWhatItMatches() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        // main decides, after the branch left: the worktree's own .gitgate does not have the globs.
        let config = try fixture.repo.read(".gitgate") + "\tcloseDiscard = node_modules/*\n\tcloseDiscard = *.log\n"
        try fixture.repo.commitFiles([".gitgate": config], message: "Build outputs may go")
        #expect(try !fixture.repo.read(".gitgate", in: worktree).contains("closeDiscard"))
        try fixture.repo.write("node_modules/left-pad/index.js", "module.exports = 1\n", in: worktree)
        try fixture.repo.write("logs/build.log", "ok\n", in: worktree)
        try fixture.repo.write(".env", "DATABASE_URL=postgres://app@db/app\n", in: worktree)
        try fixture.repo.write("pgdata/PG_VERSION", "15\n", in: worktree)

        let dry = try fixture.close(CloseOptions(target: "feature", dryRun: true))
        #expect(dry.said.contains("ignored, to delete (closeDiscard = node_modules/*): node_modules/"))
        #expect(dry.said.contains("ignored, to delete (closeDiscard = *.log): logs/"))
        #expect(dry.said.contains("ignored, to keep: .env"))
        #expect(dry.said.contains("nothing would be lost but the ignored files marked \"to delete\""))

        let run = try fixture.close(CloseOptions(target: "feature", yes: true))
        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .closed, "\(run.said)")
        let kept = try #require(entry.kept)
        let inKeep = (FileManager.default.subpaths(atPath: kept.folder) ?? []).sorted()
        #expect(inKeep == [".env", "pgdata", "pgdata/PG_VERSION"])
        #expect(run.said.contains("deleted 2 ignored files with the worktree (closeDiscard = *.log, closeDiscard = node_modules/*)"))
        #expect(!FileManager.default.fileExists(atPath: worktree))
    }

    @Test func anUnreadableGitgateOnMainStopsCloseWithNothingTouched() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        try fixture.repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n\tcloseDiscrad = *\n"], message: "A typo on main")
        try fixture.repo.write("build.log", "ok\n", in: worktree)

        // The policy (closeDiscard included) is main's: unreadable, close cannot know what may go.
        let error = try #require(throws: GitGateError.self) { try fixture.close(CloseOptions(yes: true), at: worktree) }
        #expect(error.message.hasPrefix("main's .gitgate: unknown key gitgate.closediscrad"), "\(error.message)")
        #expect(try String(contentsOfFile: worktree + "/build.log", encoding: .utf8) == "ok\n")
    }

    @Test func discardIgnoredDeletesThemAndKeepsNoFolder() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try Self.ignore(.excludesFile, ["notes/"], in: fixture)
        try fixture.merge("feature", .mergeCommit)
        try fixture.repo.write("notes/todo.md", "mine\n", in: worktree)
        try fixture.repo.write(".env", "X=1\n", in: worktree)

        // On a terminal the question says what goes for good.
        let declined = try fixture.close(CloseOptions(target: "feature", discardIgnored: true), interactive: true, answer: false)
        #expect(declined.questions == ["Remove worktree \(worktree) and delete branch feature? (2 ignored files marked \"to delete\" above will be deleted for good)"])
        #expect(try fixture.repo.read("notes/todo.md", in: worktree) == "mine\n")

        let run = try fixture.close(CloseOptions(target: "feature", yes: true, discardIgnored: true))
        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .closed, "\(run.said)")
        #expect(entry.kept == nil)
        #expect(Self.keptFolders(fixture).isEmpty)
        #expect(run.said.contains("ignored, to delete (--discard-ignored): notes/"))
        #expect(run.said.contains("deleted 2 ignored files with the worktree (--discard-ignored)"))
        #expect(!FileManager.default.fileExists(atPath: worktree))
    }

    @Test func ignoredDataNeedsNoQuestionOnceItIsKept() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        try fixture.repo.write("pgdata/PG_VERSION", "15\n", in: worktree)
        try fixture.repo.write("pgdata/base/1/1259", "rows\n", in: worktree)
        var folder = stat()
        #expect(lstat(worktree + "/pgdata", &folder) == 0)

        let run = try fixture.close(CloseOptions(yes: true), at: worktree)
        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .closed, "\(run.said)")
        #expect(run.questions.isEmpty)
        #expect(run.said.contains("ignored, to keep: pgdata/ (2 files, 8 bytes): looks like data: a database folder (pgdata/)"))
        let kept = try #require(entry.kept)
        #expect(kept.files == 2)
        #expect(try String(contentsOfFile: kept.folder + "/pgdata/base/1/1259", encoding: .utf8) == "rows\n")
        // The whole ignored folder moved in one rename: the same folder, not a copy.
        var moved = stat()
        #expect(lstat(kept.folder + "/pgdata", &moved) == 0)
        #expect(moved.st_ino == folder.st_ino && moved.st_dev == folder.st_dev)
    }

    @Test func twoClosesInOneSecondGetTwoFolders() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let first = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        try fixture.repo.write(".env", "A=1\n", in: first)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let closer = try Closer(at: fixture.repo.path, environment: fixture.repo.environment)
        let keptFirst = try #require(try closer.close(try closer.assess("feature"), now: now))

        // The same branch name again, at main: merged.
        let second = try fixture.repo.addWorktree(branch: "feature")
        try fixture.repo.write(".env", "B=2\n", in: second)
        let keptSecond = try #require(try closer.close(try closer.assess("feature"), now: now))

        #expect(keptFirst.folder == Self.keepBase(fixture) + "/feature-20270115-080000")
        #expect(keptSecond.folder == keptFirst.folder + "-2")
        #expect(try String(contentsOfFile: keptFirst.folder + "/.env", encoding: .utf8) == "A=1\n")
        #expect(try String(contentsOfFile: keptSecond.folder + "/.env", encoding: .utf8) == "B=2\n")
    }

    // MARK: When the keep folder cannot take them

    @Test func aKeepFolderThatCannotBeMadeRefusesAndTouchesNothing() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        try fixture.repo.write(".env", "SECRET=1\n", in: worktree)
        // Something else already sits where the keep folder goes.
        try FileManager.default.createDirectory(atPath: fixture.repo.path + "/.git/gitgate", withIntermediateDirectories: true)
        try Data("not a folder\n".utf8).write(to: URL(fileURLWithPath: Self.keepBase(fixture)))
        let before = try fixture.snapshot()

        let run = try fixture.close(CloseOptions(target: "feature", yes: true))

        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .kept)
        #expect(entry.candidate.refusals.map(\.code) == [.keepFolder])
        let failure = try #require(run.summary.failure)
        #expect(failure.exitCode == 1)
        #expect(failure.message.contains("\(Self.keepBase(fixture)) is not a folder"))
        #expect(failure.message.contains("--discard-ignored"))
        #expect(!failure.message.contains("\n"))
        #expect(try fixture.snapshot() == before)
        #expect(try fixture.repo.read(".env", in: worktree) == "SECRET=1\n")
        #expect(try fixture.branchExists("feature"))

        // Nothing to keep, nothing to refuse: deleting them is the way out the message gives.
        let discarded = try fixture.close(CloseOptions(target: "feature", yes: true, discardIgnored: true))
        #expect(discarded.summary.entries.first?.action == .closed)
    }

    @Test func aWorktreeOnAnotherFilesystemIsRefusedAndTouchesNothing() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let elsewhere = try ScratchDirectory(in: "/dev/shm")
        var shm = stat(), repo = stat()
        #expect(lstat(elsewhere.path, &shm) == 0 && lstat(fixture.repo.path, &repo) == 0)
        try #require(shm.st_dev != repo.st_dev, "/dev/shm must be another filesystem than \(fixture.repo.path) for this test")
        let worktree = try fixture.repo.addWorktree(branch: "feature", path: elsewhere.path + "/wt-feature")
        try fixture.repo.commitFiles(["src/feature.txt": "work\n"], message: "Add feature", in: worktree)
        try fixture.merge("feature", .mergeCommit)
        try fixture.repo.write("pgdata/PG_VERSION", "15\n", in: worktree)
        try Self.binary.write(to: URL(fileURLWithPath: worktree + "/.env"))
        let before = try fixture.snapshot()

        let run = try fixture.close(CloseOptions(target: "feature", yes: true))

        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .kept)
        #expect(entry.candidate.refusals.map(\.code) == [.keepFolder])
        #expect(run.summary.failure?.exitCode == 1)
        #expect(run.summary.failure?.message.contains("cannot be moved into the keep folder \(Self.keepBase(fixture))") == true)
        #expect(run.summary.failure?.message.contains("another filesystem") == true)
        #expect(try fixture.snapshot() == before)
        #expect(FileManager.default.contents(atPath: worktree + "/.env") == Self.binary)
        #expect(try fixture.repo.read("pgdata/PG_VERSION", in: worktree) == "15\n")
        #expect(Self.keptFolders(fixture).isEmpty)
    }

    @Test func aMoveThatFailsHalfwayPutsEverythingBack() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        try Self.binary.write(to: URL(fileURLWithPath: worktree + "/.env"))
        try fixture.repo.write("pgdata/PG_VERSION", "15\n", in: worktree)
        let closer = try Closer(at: fixture.repo.path, environment: fixture.repo.environment)
        let candidate = try closer.assess("feature")
        #expect(candidate.isClosable)
        // pgdata/ goes after .env has moved: its rename fails, and .env must come back.
        try fixture.repo.remove("pgdata", in: worktree)
        let before = try fixture.snapshot()

        #expect {
            try closer.close(candidate)
        } throws: { error in
            let message = (error as? GitGateError)?.message ?? ""
            return (error as? GitGateError)?.kind == .refused
                && message.contains("could not move \(worktree)/pgdata into the keep folder")
                && message.hasSuffix("Everything was moved back and nothing was removed")
        }
        #expect(FileManager.default.contents(atPath: worktree + "/.env") == Self.binary)
        #expect(try fixture.snapshot() == before)
        #expect(Self.keptFolders(fixture).isEmpty)
        #expect(try fixture.branchExists("feature"))
    }

    // MARK: close --check

    @Test func checkAnswersWithoutChangingAnything() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let clean = try fixture.feature("clean")
        let notes = try fixture.feature("notes")
        let open = try fixture.feature("open")
        try fixture.merge("clean", .mergeCommit)
        try fixture.merge("notes", .squash)
        try Self.ignore(.excludesFile, ["notes/"], in: fixture)
        try fixture.repo.write("notes/todo.md", "mine\n", in: notes)
        let before = try fixture.snapshot()
        let closer = try Closer(at: fixture.repo.path, environment: fixture.repo.environment)

        let safe = try closer.check(clean)
        #expect(safe.safe && safe.closable && safe.exitCode == 0)
        #expect(safe.reasons.isEmpty)

        // gitgate close would keep the notes; another tool would delete them.
        let ignored = try closer.check("notes")
        #expect(!ignored.safe && ignored.closable && ignored.exitCode == 1)
        #expect(ignored.reasons.map(\.code) == [.ignoredFiles])
        #expect(ignored.failure?.message.hasPrefix("not safe to remove worktree \(notes) (branch notes): removing the folder would delete 1 ignored file") == true)
        #expect(try closer.check("notes", discardIgnored: true).safe)

        let unmerged = try closer.check(open)
        #expect(!unmerged.safe && unmerged.exitCode == 1)
        #expect(unmerged.reasons.map(\.code) == [.notMerged])

        let main = try closer.check(fixture.repo.path)
        #expect(main.reasons.map(\.code) == [.mainWorktree] && main.exitCode == 1)

        #expect(try fixture.snapshot() == before)
    }

    @Test func checkCannotSayWhenATargetCannotBeReached() throws {
        let fixture = try CloseFixture(conninfo: "host=/tmp/gg-no-such-server user=nobody dbname=nothing connect_timeout=2")
        try fixture.feature("feature", table: "detections")
        try fixture.merge("feature", .mergeCommit)
        let closer = try Closer(at: fixture.repo.path, environment: fixture.repo.environment)

        let check = try closer.check("feature")
        #expect(check.reasons.map(\.code) == [.couldNotCheck])
        #expect(check.exitCode == 2)
    }
}
