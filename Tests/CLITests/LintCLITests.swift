import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// `gitgate lint` run as a user would: output formats and exit statuses.
@Suite("gitgate lint, end to end")
struct LintCLITests {
    private func folder(_ files: [String: String]) throws -> ScratchDirectory {
        let scratch = try ScratchDirectory()
        for (name, contents) in files {
            try Data(contents.utf8).write(to: URL(fileURLWithPath: scratch.appending(name)))
        }
        return scratch
    }

    private static let files = [
        "001_users.sql": "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);\nCOMMENT ON TABLE users IS 'people';\n",
        "002_cleanup.sql": "-- remove test accounts\nDELETE FROM users;\n",
        "003_index.sql": "SELECT 'DELETE FROM users';\nCREATE INDEX users_email ON users (email);\n",
    ]

    @Test func textNamesEachFindingAndExitsOneOnAnError() throws {
        let scratch = try folder(Self.files)
        let result = try GitGateBinary.run(["lint", "001_users.sql", "002_cleanup.sql", "003_index.sql"], in: scratch.path)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("002_cleanup.sql:2: error delete-without-where: DELETE FROM users without WHERE"))
        #expect(result.stdout.contains("003_index.sql:2: warning index-without-concurrently:"))
        #expect(result.stdout.contains("fix: "))
        #expect(result.stdout.contains("1 error, 1 warning in 3 files"))
        #expect(!result.stdout.contains("003_index.sql:1"))
    }

    @Test func warningsAloneExitZeroAndAllowedErrorsShowTheirReason() throws {
        let scratch = try folder([
            "a.sql": "CREATE TABLE IF NOT EXISTS t (id bigint);\nCOMMENT ON TABLE t IS 't';\n",
            "b.sql": "CREATE INDEX t_id ON t (id);\nTRUNCATE t; -- gitgate:allow destructive-truncate because t is a cache\n",
        ])
        let result = try GitGateBinary.run(["lint", "a.sql", "b.sql"], in: scratch.path)
        #expect(result.status == 0, "\(result.stdout)")
        #expect(result.stdout.contains("b.sql:2: allowed destructive-truncate"))
        #expect(result.stdout.contains("allowed because t is a cache"))
        #expect(result.stdout.contains("0 errors, 1 warning, 1 allowed in 2 files"))
    }

    @Test func jsonIsTheStableContract() throws {
        let scratch = try folder(Self.files)
        let result = try GitGateBinary.run(["lint", "--format", "json", "001_users.sql", "002_cleanup.sql", "003_index.sql"],
                                           in: scratch.path)
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        let first = try #require(findings.first)
        #expect(first["path"] as? String == "002_cleanup.sql")
        #expect(first["rule"] as? String == "delete-without-where")
        #expect(first["severity"] as? String == "error")
        #expect(first["line"] as? Int == 2)
        #expect((first["message"] as? String)?.isEmpty == false)
        #expect((first["fix"] as? String)?.isEmpty == false)
        #expect(first["allowedBecause"] is NSNull)
    }

    @Test func githubAnnotations() throws {
        let scratch = try folder(Self.files)
        let result = try GitGateBinary.run(["lint", "--format", "github", "001_users.sql", "002_cleanup.sql", "003_index.sql"],
                                           in: scratch.path)
        #expect(result.status == 1)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines[0].hasPrefix("::error file=002_cleanup.sql,line=2,title=delete-without-where::DELETE FROM users without WHERE"))
        #expect(lines[1].hasPrefix("::warning file=003_index.sql,line=2,title=index-without-concurrently::"))
    }

    /// The paths are set aside before ArgumentParser reads the rest (Invocation.lintWithPaths):
    /// options anywhere among them, in either spelling, `--`, and usage errors read as before.
    @Test func pathsAndOptionsInAnyOrderReadAsArgumentParserReadsThem() throws {
        let scratch = try folder(Self.files)
        let expected = try GitGateBinary.run(["lint", "--format", "json", "001_users.sql", "002_cleanup.sql", "003_index.sql"],
                                             in: scratch.path)
        #expect(expected.status == 1)
        for arguments in [
            ["lint", "001_users.sql", "--format", "json", "002_cleanup.sql", "003_index.sql"],
            ["lint", "001_users.sql", "002_cleanup.sql", "003_index.sql", "--format=json"],
            ["lint", "-C", scratch.path, "001_users.sql", "002_cleanup.sql", "--format", "json", "003_index.sql"],
            ["lint", "--format", "json", "--", "001_users.sql", "002_cleanup.sql", "003_index.sql"],
        ] {
            let result = try GitGateBinary.run(arguments, in: scratch.path)
            #expect(result.status == 1, "\(arguments): \(result.stderr)")
            #expect(result.stdout == expected.stdout, "\(arguments)")
        }
        // A path that looks like an option value stays a path, in order.
        let order = try GitGateBinary.run(["lint", "--format", "json", "003_index.sql", "json", "001_users.sql"], in: scratch.path)
        #expect(order.status == 2)
        #expect(order.stderr.contains("json: no such file"), "\(order.stderr)")
        let reviewed = try #require(try JSONSerialization.jsonObject(with: Data(order.stdout.utf8)) as? [String: Any])
        #expect((reviewed["findings"] as? [[String: Any]])?.compactMap { $0["path"] as? String } == ["003_index.sql"])

        let missingValue = try GitGateBinary.run(["lint", "001_users.sql", "--format"], in: scratch.path)
        #expect(missingValue.status == 64)
        #expect(missingValue.stderr.hasPrefix("gitgate: lint: "), "\(missingValue.stderr)")
        #expect(missingValue.stderr.contains("--format"), "\(missingValue.stderr)")
        let unknown = try GitGateBinary.run(["lint", "001_users.sql", "--formt", "json"], in: scratch.path)
        #expect(unknown.status == 64)
        #expect(unknown.stderr.contains("--formt"), "\(unknown.stderr)")
        let help = try GitGateBinary.run(["lint", "001_users.sql", "--help"], in: scratch.path)
        #expect(help.status == 0)
        #expect(help.stdout.contains("USAGE: gitgate lint"), "\(help.stdout)")
    }

    @Test func rulesAreListed() throws {
        let scratch = try folder([:])
        let result = try GitGateBinary.run(["lint", "--rules"], in: scratch.path)
        #expect(result.status == 0)
        let names = result.output.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
        #expect(names == Rule.allCases.map(\.rawValue))
        #expect(result.stdout.contains("delete-without-where"))
    }

    @Test func unreadableFilesExitTwoAndTheRestIsStillReviewed() throws {
        let scratch = try folder(Self.files)
        let result = try GitGateBinary.run(["lint", "002_cleanup.sql", "missing.sql"], in: scratch.path)
        #expect(result.status == 2)
        #expect(result.stderr.contains("missing.sql: no such file"))
        #expect(result.stdout.contains("002_cleanup.sql:2: error delete-without-where"))
    }

    @Test func parseErrorsAndBinaryFilesAreFindingsWithTheirLines() throws {
        let scratch = try folder(["bad.sql": "SELECT 1;\n\nCREAT TABLE x (id int);\n"])
        try Data([0x53, 0x0A, 0x00, 0xFF]).write(to: URL(fileURLWithPath: scratch.appending("blob.sql")))
        let result = try GitGateBinary.run(["lint", "--format", "github", "bad.sql", "blob.sql"], in: scratch.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("::error file=bad.sql,line=3,title=syntax-error::"))
        #expect(result.stdout.contains("::error file=blob.sql,line=2,title=not-text::"))
    }

    @Test func aFolderIsItsSQLFilesInOrderWithoutDownFiles() throws {
        let scratch = try folder([:])
        let migrations = try scratch.makeDirectory("migrations")
        for (name, sql) in [
            ("20240101_a.up.sql", "CREATE TABLE IF NOT EXISTS t (id bigint);\nCOMMENT ON TABLE t IS 't';\n"),
            ("20240101_a.down.sql", "DROP TABLE t;\n"),
            ("20240102_b.up.sql", "UPDATE t SET id = 1;\n"),
        ] {
            try Data(sql.utf8).write(to: URL(fileURLWithPath: migrations + "/" + name))
        }
        let result = try GitGateBinary.run(["lint", "--format", "json", "migrations"], in: scratch.path)
        #expect(result.status == 1)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        let paths = (object["findings"] as? [[String: Any]] ?? []).compactMap { $0["path"] as? String }
        #expect(paths == ["migrations/20240102_b.up.sql"])
    }

    @Test func withoutPathsTheBranchsMigrationsAreReviewed() throws {
        let repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": "[gitgate]\n\tmigrations = db/migrations\n",
            "db/migrations/001_users.sql": "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCOMMENT ON TABLE users IS 'u';\n",
        ], message: "Schema")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.write("db/migrations/002_notes.sql", """
            CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY, user_id bigint REFERENCES users);
            COMMENT ON TABLE notes IS 'n';
            CREATE INDEX notes_user ON notes (user_id);
            UPDATE users SET id = id;
            """, in: worktree)
        let result = try GitGateBinary.run(["lint", "--format", "github"], in: worktree, environment: repo.environment)
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.output == "::error file=db/migrations/002_notes.sql,line=4,title=update-without-where::UPDATE users without WHERE rewrites every row (and locks them all until commit). Fix: add the WHERE clause meant; backfill a large table in batches, outside the migration")
    }

    @Test(.database) func targetMakesLocksOnLargeTablesErrors() throws {
        let conninfo = try TestDatabase.conninfo()
        let connection = try Connection(conninfo, options: .init(readOnly: false))
        try connection.execute("CREATE TABLE events (id bigint, kind text); ANALYZE events;")
        try connection.execute("UPDATE pg_class SET reltuples = 250000 WHERE oid = 'events'::regclass")

        let repo = try TestRepository()
        // The target is policy (main's .gitgate); where it is comes from the environment.
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n\tlargeTableRows = 200000\n[gitgate \"production\"]\n\turl = env:GG_LINT_URL\n",
                              "migrations/README": "migrations\n"], message: "Setup")
        try repo.write("change.sql", "CREATE INDEX events_kind ON events (kind);\n")
        let result = try GitGateBinary.run(["lint", "--target", "production", "--format", "json", "change.sql"],
                                           in: repo.path, environment: repo.environment, extra: ["GG_LINT_URL": conninfo])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stdout.contains("\"severity\" : \"error\""))
        #expect(result.stdout.contains("gitgate.largeTableRows = 200000"))
        let plain = try GitGateBinary.run(["lint", "change.sql"], in: repo.path, environment: repo.environment)
        #expect(plain.status == 0)
        #expect(plain.stdout.contains("warning index-without-concurrently"))
    }
}
