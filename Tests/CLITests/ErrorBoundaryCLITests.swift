import Foundation
import Git
import Postgres
import SQL
import Testing
import TestSupport

/// Every failure the binary can meet leaves by one door: one `gitgate: ` line on stderr and the
/// documented exit code (ErrorBoundary), never ArgumentParser's "Error:" block or its exit 1.
@Suite("Error boundary: through the binary")
struct ErrorBoundaryCLITests {
    /// Exactly one non-empty stderr line, starting "gitgate: ", and the exit code.
    private func expectOneLine(_ result: ShellResult, exit code: Int32, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(result.status == code, "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.count == 1, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(lines.first?.hasPrefix("gitgate: ") == true, "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        #expect(!result.stderr.contains("Error: "), "stderr: \(result.stderr)", sourceLocation: sourceLocation)
        expectNoCrash(result, sourceLocation: sourceLocation)
    }

    /// main with `.gitgate` (production at env:GG_BOUNDARY_URL) and a `feature` worktree adding one migration.
    private func project() throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:GG_BOUNDARY_URL\n\tconnectTimeout = 2\n",
            "migrations/001_a.sql": "CREATE TABLE IF NOT EXISTS a (id int);\n",
        ], message: "main")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/002_b.sql": "CREATE TABLE IF NOT EXISTS b (id int);\nCOMMENT ON TABLE b IS 'b';\n"],
                             message: "feature", in: worktree)
        return (repo, worktree)
    }

    // MARK: Every wrapper error kind

    @Test("each GitError kind: one line, exit 2", arguments: GitError.Kind.allCases)
    func gitKind(_ kind: GitError.Kind) throws {
        let (repo, worktree) = try project()
        let result = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment,
                                           extra: ["GITGATE_DEBUG_FAULT": "git:\(kind)"])
        expectOneLine(result, exit: 2)
        #expect(result.stderr.contains("injected \(kind) failure"), "\(result.stderr)")
        #expect(result.stdout.isEmpty, "\(result.stdout)")
    }

    @Test("each PostgresError kind: one line (libpq's lines joined), exit 2", arguments: PostgresError.Kind.allCases)
    func postgresKind(_ kind: PostgresError.Kind) throws {
        let (repo, worktree) = try project()
        let result = try GitGateBinary.run(["apply", "--yes"], in: worktree, environment: repo.environment,
                                           extra: ["GITGATE_DEBUG_FAULT": "postgres:\(kind)"])
        expectOneLine(result, exit: 2)
        #expect(result.stderr.contains("injected \(kind) failure; second line. continued"), "\(result.stderr)")
    }

    @Test("an SQLError: one line, exit 2")
    func sqlError() throws {
        let (repo, worktree) = try project()
        let result = try GitGateBinary.run(["plan"], in: worktree, environment: repo.environment,
                                           extra: ["GITGATE_DEBUG_FAULT": "sql"])
        expectOneLine(result, exit: 2)
        #expect(result.stderr.contains("line 2, column 8"), "\(result.stderr)")
    }

    // MARK: Real failures

    @Test("a repository missing its objects: a libgit2 error is one line and exit 2 from every command")
    func corruptRepository() throws {
        let (repo, worktree) = try project()
        let objects = try repo.git("rev-parse", "--git-common-dir", in: worktree)
        let folder = (objects.hasPrefix("/") ? objects : worktree + "/" + objects) + "/objects"
        for entry in try FileManager.default.contentsOfDirectory(atPath: folder) where entry.count == 2 {
            try FileManager.default.removeItem(atPath: folder + "/" + entry)
        }
        // (check takes its revisions from the command line: a missing one is a usage error there.)
        for command in [["status"], ["lint"], ["plan"], ["apply", "--yes"], ["rollback", "--target", "production", "--yes"]] {
            let result = try GitGateBinary.run(command, in: worktree, environment: repo.environment)
            expectOneLine(result, exit: 2)
            #expect(result.stderr.contains("gitgate: git: "), "\(command): \(result.stderr)")
        }
    }

    @Test("an unreadable HEAD is said to be unreadable, not detached")
    func corruptHead() throws {
        let (repo, worktree) = try project()
        let gitDir = try repo.git("rev-parse", "--absolute-git-dir", in: worktree)
        try "garbage\n".write(toFile: gitDir + "/HEAD", atomically: true, encoding: .utf8)
        let result = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment)
        expectOneLine(result, exit: 2)
        #expect(result.stderr.contains("HEAD") && !result.stderr.contains("detached"), "\(result.stderr)")
    }

    @Test("a target nothing listens on: libpq's lines joined readably, no password, exit 2, report on stdout")
    func refusedTarget() throws {
        let (repo, worktree) = try project()
        let url = ["GG_BOUNDARY_URL": "postgresql://u:boundary-secret@127.0.0.1:1,127.0.0.1:2/db"]
        let status = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment, extra: url)
        expectOneLine(status, exit: 2)
        #expect(status.stdout.contains("BLOCKED"), "\(status.stdout)")
        #expect(status.stderr.contains("port 1 failed") && status.stderr.contains("port 2 failed"), "\(status.stderr)")
        #expect(status.stderr.contains("Connection refused. Is the server running"), "\(status.stderr)")
        for result in [status, try GitGateBinary.run(["apply", "--yes"], in: worktree, environment: repo.environment, extra: url)] {
            #expect(!(result.stdout + result.stderr).contains("boundary-secret"))
        }
        let check = try GitGateBinary.run(["check", "--base", "main", "--head", "feature"], in: worktree,
                                          environment: repo.environment, extra: url)
        expectOneLine(check, exit: 2)
    }

    @Test("a URL libpq rejects, and one whose variable is unset: one line, exit 2")
    func badURLs() throws {
        let (repo, worktree) = try project()
        let bad = try GitGateBinary.run(["apply", "--dry-run"], in: worktree, environment: repo.environment,
                                        extra: ["GG_BOUNDARY_URL": "postgresql://u@%zz:5432/db"])
        expectOneLine(bad, exit: 2)
        #expect(bad.stderr.contains("target production"), "\(bad.stderr)")
        var environment = repo.environment
        environment["GG_BOUNDARY_URL"] = nil
        // Nothing in 002 needs the catalog: the unset variable must fail all the same.
        let lint = try GitGateBinary.run(["lint", "--target", "production"], in: worktree, environment: environment)
        expectOneLine(lint, exit: 2)
        #expect(lint.stderr.contains("GG_BOUNDARY_URL is not set"), "\(lint.stderr)")
        #expect(lint.stdout.isEmpty)
        let named = try GitGateBinary.run(["lint", "--target", "production", "migrations/002_b.sql"], in: worktree,
                                          environment: environment)
        expectOneLine(named, exit: 2)
    }

    @Test("lint of missing files: one line naming them, nothing on stdout, exit 2")
    func lintMissingFiles() throws {
        let scratch = try ScratchDirectory()
        let one = try GitGateBinary.run(["lint", "missing.sql"], in: scratch.path)
        expectOneLine(one, exit: 2)
        #expect(one.stderr.contains("missing.sql: no such file") && one.stdout.isEmpty, "\(one.stdout)\(one.stderr)")
        let two = try GitGateBinary.run(["lint", "a.sql", "b.sql"], in: scratch.path)
        expectOneLine(two, exit: 2)
        #expect(two.stderr.contains("a.sql") && two.stderr.contains("b.sql"), "\(two.stderr)")
    }

    @Test("doctor in a bare repository: the report on stdout, one line on stderr, exit 2; install puts pre-receive")
    func bareRepository() throws {
        let (repo, _) = try project()
        let bare = try repo.bareClone()
        let doctor = try GitGateBinary.run(["doctor"], in: bare, environment: repo.environment)
        expectOneLine(doctor, exit: 2)
        #expect(doctor.stderr.contains("bare repository") && doctor.stdout.contains("bare repository"), "\(doctor.output)")
        let status = try GitGateBinary.run(["status"], in: bare, environment: repo.environment)
        expectOneLine(status, exit: 2)
        let install = try GitGateBinary.run(["-C", bare, "install"], in: repo.scratch.path, environment: repo.environment)
        #expect(install.status == 0 && install.stdout.contains("pre-receive"), "\(install.stdout)\(install.stderr)")
    }
}
