import Foundation
import GitGateKit
import Testing
import TestSupport

/// `gitgate close` in-process, against real git worktrees and a real PostgreSQL.
@Suite struct CloseTests {
    // MARK: Closing merged work

    @Test(.database, arguments: CloseFixture.Merge.allCases, [true, false])
    func closesAMergedBranch(merged how: CloseFixture.Merge, fromInside: Bool) throws {
        let fixture = try CloseFixture(conninfo: try TestDatabase.conninfo())
        let worktree = try fixture.feature("feature", table: "detections")
        let tip = try fixture.repo.sha("feature")
        try fixture.applyByHand("detections")
        // A forge rebases onto main as it is now; had main not moved, the replayed commits could be
        // byte-identical to the branch's (same second, same parent) and simply be the same commits.
        if how == .rebase { try fixture.mainMovesOn("meanwhile") }
        try fixture.merge("feature", how)
        if how == .squash || how == .rebase { try fixture.mainMovesOn() }
        try fixture.repo.write("node_modules/left-pad/index.js", "module.exports = 1\n", in: worktree)
        try fixture.repo.write("build.log", "ok\n", in: worktree)

        let run = try fixture.close(CloseOptions(target: fromInside ? nil : "feature", yes: true),
                                    at: fromInside ? worktree + "/src" : nil)

        let entry = try #require(run.summary.entries.first)
        #expect(run.summary.entries.count == 1)
        #expect(entry.action == .closed, "\(run.said)")
        #expect(entry.candidate.merge == ((how == .squash || how == .rebase) ? .changesOnMain : .ancestor))
        #expect(entry.candidate.migrations.map(\.path) == [CloseFixture.migrationPath("detections")])
        #expect(entry.candidate.migrations.first?.states["production"]?.state == .appliedByHand)
        #expect(entry.candidate.ignored.map(\.path) == ["build.log", "node_modules/"])
        #expect(run.summary.failure == nil)
        #expect(!FileManager.default.fileExists(atPath: worktree))
        #expect(try !fixture.branchExists("feature"))
        #expect(try !fixture.repo.git("worktree", "list").contains(worktree))
        #expect(run.summary.cd == (fromInside ? fixture.repo.path : nil))
        #expect(run.summary.reminders == [CloseFixture.reminder])
        #expect(run.summary.nextSteps.contains { $0.contains("gitgate record 002 --target production") })
        #expect(run.questions.isEmpty)

        // The printed command brings the branch back exactly.
        let restore = try #require(entry.candidate.restoreCommand)
        #expect(restore == "git branch feature \(tip)")
        try fixture.repo.git(arguments: Array(restore.split(separator: " ").dropFirst().map(String.init)))
        #expect(try fixture.repo.sha("feature") == tip)
    }

    /// With dbmate's ledger, close's remedies name dbmate's command and dbmate's row, never gitgate's.
    @Test(.database) func remediesNameTheConfiguredLedgersTool() throws {
        let fixture = try CloseFixture(conninfo: try TestDatabase.conninfo(), ledger: .dbmate)
        try fixture.feature("feature", table: "detections")
        try fixture.feature("jobs", table: "job_tiers", version: "003")
        try fixture.applyByHand("detections")
        try fixture.merge("feature", .mergeCommit)
        try fixture.merge("jobs", .mergeCommit)

        let byHand = try fixture.close(CloseOptions(target: "feature", yes: true))
        #expect(byHand.summary.entries.first?.action == .closed, "\(byHand.said)")
        #expect(byHand.summary.nextSteps.contains { $0.contains("INSERT INTO schema_migrations (version) VALUES ('002')") },
                "\(byHand.summary.nextSteps)")

        let pending = try fixture.close(CloseOptions(target: "jobs", yes: true))
        let refusal = try #require(pending.summary.entries.first?.candidate.refusals.first { $0.code == "migration-not-in-production" })
        #expect(refusal.message.contains("(dbmate --migrations-dir migrations up) before closing"), "\(refusal.message)")
        #expect(!(pending.said + byHand.said).contains("gitgate apply") && !(pending.said + byHand.said).contains("gitgate record"))
    }

    @Test(.database) func aMigrationRecordedInTheLedgerIsApplied() throws {
        let fixture = try CloseFixture(conninfo: try TestDatabase.conninfo())
        try fixture.feature("feature", table: "detections")
        try fixture.record("detections")
        try fixture.merge("feature", .mergeCommit)

        let run = try fixture.close(CloseOptions(target: "feature", yes: true))
        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .closed, "\(run.said)")
        #expect(entry.candidate.migrations.first?.states["production"]?.state == .applied)
        #expect(!run.summary.nextSteps.contains { $0.contains("gitgate record") })
    }

    @Test func aSquashMergeThatMainEditedSinceIsStillMerged() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .squash)
        // main rewrites the branch's file afterwards: a trial merge now conflicts.
        try fixture.repo.commitFiles(["src/feature.txt": "main rewrote this\n"], message: "Rework feature")

        let run = try fixture.close(CloseOptions(yes: true), at: worktree)
        let entry = try #require(run.summary.entries.first)
        #expect(entry.candidate.merge == .filesOnMain)
        #expect(entry.action == .closed, "\(run.said)")
        #expect(run.summary.nextSteps.isEmpty)
    }

    @Test func aBranchWithNoWorktreeIsDeletedWhenMerged() throws {
        let fixture = try CloseFixture(conninfo: nil)
        try fixture.repo.git("branch", "topic")
        try fixture.repo.git("switch", "--quiet", "topic")
        try fixture.repo.commitFiles(["src/topic.txt": "topic\n"], message: "Add topic")
        try fixture.repo.git("switch", "--quiet", "main")
        try fixture.merge("topic", .mergeCommit)

        let run = try fixture.close(CloseOptions(target: "topic", yes: true))
        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .closed, "\(run.said)")
        #expect(entry.candidate.worktree == nil)
        #expect(try !fixture.branchExists("topic"))
    }

    @Test func aBranchNamedLikeAFolderOfMainIsTheBranch() throws {
        let fixture = try CloseFixture(conninfo: nil)
        try fixture.repo.git("branch", "migrations")
        let run = try fixture.close(CloseOptions(target: "migrations", yes: true))
        #expect(run.summary.entries.first?.action == .closed, "\(run.said)")
        #expect(try !fixture.branchExists("migrations"))
    }

    @Test func anUnmergedBranchWithNoWorktreeIsKept() throws {
        let fixture = try CloseFixture(conninfo: nil)
        try fixture.repo.git("branch", "topic")
        try fixture.repo.git("switch", "--quiet", "topic")
        try fixture.repo.commitFiles(["src/topic.txt": "topic\n"], message: "Add topic")
        try fixture.repo.git("switch", "--quiet", "main")
        let before = try fixture.snapshot()

        let run = try fixture.close(CloseOptions(target: "topic", yes: true))
        #expect(run.summary.entries.first?.candidate.refusals.map(\.code) == ["not-merged"])
        #expect(run.summary.failure?.exitCode == 1)
        #expect(try fixture.snapshot() == before)
    }

    // MARK: Refusing, touching nothing

    enum Refused: String, CaseIterable, CustomStringConvertible {
        case unmerged, modified, untracked, commitAfterMerge, commitAfterSquash, locked, mainBranch
        case migrationNotInProduction, migrationChangedOnMain
        var description: String { rawValue }
    }

    @Test(.database, arguments: Refused.allCases)
    func refusesAndTouchesNothing(_ scenario: Refused) throws {
        let fixture = try CloseFixture(conninfo: try TestDatabase.conninfo())
        let worktree = try fixture.feature("feature", table: "detections")
        try fixture.applyByHand("detections")
        var target: String? = nil
        let expected: CloseRefusal.Code
        switch scenario {
        case .unmerged:
            expected = "not-merged"
        case .modified:
            try fixture.merge("feature", .mergeCommit)
            try fixture.repo.write("src/feature.txt", "changed after the merge\n", in: worktree)
            expected = "uncommitted"
        case .untracked:
            try fixture.merge("feature", .mergeCommit)
            try fixture.repo.write("notes/todo.md", "do not lose me\n", in: worktree)
            expected = "uncommitted"
        case .commitAfterMerge:
            try fixture.merge("feature", .mergeCommit)
            try fixture.repo.commitFiles(["src/more.txt": "after the merge\n"], message: "One more thing", in: worktree)
            expected = "not-merged"
        case .commitAfterSquash:
            try fixture.merge("feature", .squash)
            try fixture.repo.commitFiles(["src/more.txt": "after the merge\n"], message: "One more thing", in: worktree)
            expected = "not-merged"
        case .locked:
            try fixture.merge("feature", .mergeCommit)
            try fixture.repo.git("worktree", "lock", "--reason", "on a USB disk", worktree)
            expected = "locked"
        case .mainBranch:
            target = "main"
            expected = "main-branch"
        case .migrationNotInProduction:
            let other = try fixture.feature("jobs", table: "job_tiers", version: "003")
            try fixture.merge("jobs", .mergeCommit)
            _ = other
            target = "jobs"
            expected = "migration-not-in-production"
        case .migrationChangedOnMain:
            try fixture.merge("feature", .squash)
            try fixture.repo.commitFiles([CloseFixture.migrationPath("detections"): "CREATE TABLE detections (id bigint PRIMARY KEY, at timestamptz);\n"],
                                         message: "Edit the migration on main")
            expected = "migration-not-on-main"
        }
        let before = try fixture.snapshot()

        let run = try fixture.close(CloseOptions(target: target, yes: true), at: target == nil ? worktree : nil)

        let entry = try #require(run.summary.entries.first)
        #expect(entry.action == .kept)
        #expect(entry.candidate.refusals.map(\.code).contains(expected), "\(run.said)")
        #expect(run.summary.failure?.kind == .refused)
        #expect(run.summary.failure?.exitCode == 1)
        #expect(run.summary.reminders.isEmpty)
        #expect(try fixture.snapshot() == before)

        switch scenario {
        case .locked:
            #expect(run.said.contains("\"on a USB disk\""))
        case .untracked:
            #expect(entry.candidate.refusals.first?.details == ["?? notes/todo.md"])
        case .commitAfterMerge, .commitAfterSquash:
            #expect(entry.candidate.refusals.first?.details.count == 1)
            #expect(entry.candidate.refusals.first?.details.first?.hasSuffix("One more thing") == true)
        case .migrationNotInProduction:
            #expect(run.said.contains("production: \(CloseFixture.migrationPath("job_tiers", version: "003")) is pending"))
        default:
            break
        }
    }

    @Test func refusesTheMainWorktree() throws {
        let fixture = try CloseFixture(conninfo: nil)
        try fixture.feature("feature")
        let before = try fixture.snapshot()
        for target in [nil, fixture.repo.path, fixture.repo.path + "/migrations"] as [String?] {
            #expect {
                _ = try fixture.close(CloseOptions(target: target, yes: true))
            } throws: { error in
                (error as? GitGateError)?.kind == .refused && "\(error)".contains("main worktree")
            }
        }
        #expect(try fixture.snapshot() == before)
    }

    @Test func aTargetThatCannotBeReachedCouldNotCheck() throws {
        let fixture = try CloseFixture(conninfo: "host=/tmp/gg-no-such-server user=nobody dbname=nothing connect_timeout=2")
        try fixture.feature("feature", table: "detections")
        try fixture.merge("feature", .mergeCommit)
        let before = try fixture.snapshot()

        let run = try fixture.close(CloseOptions(target: "feature", yes: true))
        #expect(run.summary.entries.first?.candidate.refusals.map(\.code) == ["could-not-check"])
        #expect(run.summary.failure?.exitCode == 2)
        #expect(try fixture.snapshot() == before)
    }

    @Test func unknownNamesAreUsageErrors() throws {
        let fixture = try CloseFixture(conninfo: nil)
        #expect {
            _ = try fixture.close(CloseOptions(target: "no-such-thing", yes: true))
        } throws: { ($0 as? GitGateError)?.exitCode == 64 }
    }

    // MARK: Asking

    @Test func withoutATerminalItNeedsYes() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        let before = try fixture.snapshot()
        #expect {
            _ = try fixture.close(CloseOptions(), at: worktree)
        } throws: { ($0 as? GitGateError)?.exitCode == 64 && "\($0)".contains("--yes") }
        #expect(try fixture.snapshot() == before)

        // On a terminal it asks; "no" keeps everything.
        let declined = try fixture.close(CloseOptions(), at: worktree, interactive: true, answer: false)
        #expect(declined.questions == ["Remove worktree \(worktree) and delete branch feature?"])
        #expect(declined.summary.entries.first?.action == .kept)
        #expect(declined.summary.failure?.exitCode == 1)
        #expect(try fixture.snapshot() == before)

        let accepted = try fixture.close(CloseOptions(), at: worktree, interactive: true, answer: true)
        #expect(accepted.summary.entries.first?.action == .closed)
        #expect(!FileManager.default.fileExists(atPath: worktree))
    }

    @Test func aSymlinkInTheWorktreeDoesNotTakeItsTargetAlong() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        let outside = try fixture.repo.scratch.makeDirectory("outside")
        try fixture.repo.write("keep.txt", "precious\n", in: outside)
        try FileManager.default.createDirectory(atPath: worktree + "/node_modules", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: worktree + "/node_modules/linked", withDestinationPath: outside)

        let run = try fixture.close(CloseOptions(yes: true), at: worktree)
        #expect(run.summary.entries.first?.action == .closed)
        #expect(try fixture.repo.read("keep.txt", in: outside) == "precious\n")
        // The link itself is kept, still pointing where it did.
        let kept = try #require(run.summary.entries.first?.kept)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: kept.folder + "/node_modules/linked") == outside)
    }

    // MARK: Many at once, and dry runs

    @Test func allMergedClosesExactlyTheMergedOnes() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let merged = try fixture.feature("merged")
        let squashed = try fixture.feature("squashed")
        let unmerged = try fixture.feature("unmerged")
        let dirty = try fixture.feature("dirty")
        try fixture.merge("merged", .mergeCommit)
        try fixture.merge("squashed", .squash)
        try fixture.merge("dirty", .mergeCommit)
        try fixture.repo.write("scratch.txt", "unsaved\n", in: dirty)

        let dry = try fixture.close(CloseOptions(allMerged: true, dryRun: true))
        #expect(Dictionary(uniqueKeysWithValues: dry.summary.entries.map { ($0.candidate.branch ?? "", $0.action) })
                == ["merged": .wouldClose, "squashed": .wouldClose, "unmerged": .kept, "dirty": .kept])
        #expect([merged, squashed, unmerged, dirty].allSatisfy { FileManager.default.fileExists(atPath: $0) })

        let run = try fixture.close(CloseOptions(allMerged: true, yes: true), at: unmerged)
        let actions = Dictionary(uniqueKeysWithValues: run.summary.entries.map { ($0.candidate.branch ?? "", $0.action) })
        #expect(actions == ["merged": .closed, "squashed": .closed, "unmerged": .kept, "dirty": .kept])
        #expect(!FileManager.default.fileExists(atPath: merged))
        #expect(!FileManager.default.fileExists(atPath: squashed))
        #expect(FileManager.default.fileExists(atPath: unmerged + "/src/unmerged.txt"))
        #expect(try fixture.repo.read("scratch.txt", in: dirty) == "unsaved\n")
        #expect(try fixture.branchExists("unmerged") && fixture.branchExists("dirty"))
        #expect(try !fixture.branchExists("merged") && !fixture.branchExists("squashed"))
        // A merged worktree kept because it is dirty needs attention; the unmerged one staying does not.
        #expect(run.summary.failure?.exitCode == 1)
        #expect(run.summary.failure?.message.contains("dirty") == true)
        #expect(run.summary.cd == nil)
    }

    @Test func dryRunTouchesNothing() throws {
        let fixture = try CloseFixture(conninfo: nil)
        let worktree = try fixture.feature("feature")
        try fixture.merge("feature", .mergeCommit)
        try fixture.repo.write("pgdata/PG_VERSION", "15\n", in: worktree)
        let before = try fixture.snapshot()

        let run = try fixture.close(CloseOptions(dryRun: true), at: worktree)
        #expect(run.summary.entries.first?.action == .wouldClose)
        #expect(run.summary.failure == nil)
        #expect(run.questions.isEmpty)
        #expect(run.said.contains("dry run"))
        #expect(try fixture.snapshot() == before)
    }
}

/// What counts as data among ignored files.
@Suite struct IgnoredDataTests {
    @Test(arguments: [
        ("pgdata/base/1/1259", 8_192, "a database folder (pgdata/)"),
        ("docker/postgres-data/PG_VERSION", 3, "a database folder (postgres-data/)"),
        ("var/PG_VERSION", 3, "a PostgreSQL data directory"),
        ("dev.sqlite3", 4_096, "a database or backup file (.sqlite3)"),
        ("backups/prod.dump", 10, "a database or backup file (.dump)"),
        (".env", 40, "an environment file (often holds secrets)"),
        ("config/.env.local", 40, "an environment file (often holds secrets)"),
        (".env.example", 40, nil),
        ("build.log", 2_000, nil),
        ("recordings/demo.mov", 11 * 1024 * 1024, "a large file (11.5 MB)"),
        ("node_modules/huge/blob.bin", 200 * 1024 * 1024, nil),
        ("node_modules/some-db/test.sqlite", 10, nil),
        (".build/debug/gitgate", 50 * 1024 * 1024, nil),
    ] as [(String, Int, String?)])
    func dataReason(path: String, bytes: Int, reason: String?) {
        #expect(IgnoredFiles.dataReason(path: path, bytes: Int64(bytes)) == reason)
    }

    @Test func aNestedRepositoryIsData() {
        #expect(IgnoredFiles.dataReason(path: "vendor/lib", bytes: 0, isRepository: true)?.contains("git repository") == true)
    }
}
