import Foundation
import GitGateKit
import Testing
import TestSupport

/// The branch's migrations, reviewed after main's: in `gitgate lint` without paths and in status.
@Suite("Lint a branch's migrations")
struct LintBranchTests {
    /// main: 001 creates users, legacy and audit (audit.user_id indexed); a worktree on feature.
    private func repository() throws -> (repo: TestRepository, worktree: String) {
        let repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": "[gitgate]\n\tmigrations = migrations\n",
            "migrations/001_create_users.sql": """
                CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text);
                CREATE TABLE IF NOT EXISTS legacy (id bigint);
                CREATE TABLE IF NOT EXISTS audit (id bigint, user_id bigint);
                CREATE INDEX audit_user ON audit (user_id);
                """,
        ], message: "Schema")
        let worktree = try repo.addWorktree(branch: "feature")
        // main moves on after the branch started: its new tables count too.
        try repo.commitFiles(["migrations/002_create_teams.sql": "CREATE TABLE IF NOT EXISTS teams (id bigint PRIMARY KEY);"],
                             message: "Teams")
        try repo.commitFiles([
            "migrations/003_create_orders.sql": """
                CREATE TABLE IF NOT EXISTS orders (
                  id bigint PRIMARY KEY,
                  user_id bigint REFERENCES users,
                  team_id bigint REFERENCES teams
                );
                COMMENT ON TABLE orders IS 'orders';
                CREATE INDEX orders_user ON orders (user_id);
                CREATE INDEX orders_team ON orders (team_id);
                ALTER TABLE audit ADD CONSTRAINT audit_user_fk FOREIGN KEY (user_id) REFERENCES users NOT VALID;

                DROP TABLE legacy;
                """,
            "migrations/004_index_orders.sql": "CREATE INDEX orders_created ON orders (id, user_id);\n",
        ], message: "Orders", in: worktree)
        return (repo, worktree)
    }

    @Test func statusShowsFindingsPerMigrationAndErrorsBlock() throws {
        let (repo, worktree) = try repository()
        defer { withExtendedLifetime(repo) {} }  // the repository's folder lives as long as it does
        let report = try StatusService.report(at: worktree, environment: [:])
        let findings = report.findings["migrations/003_create_orders.sql"] ?? []
        // users, teams (main's tip) and audit's index come from main's history.
        #expect(findings.map(\.rule) == ["destructive-drop"])
        #expect(findings.first?.line == 11)
        // orders is new on the branch: indexing it in 004 is no lock.
        #expect(report.findings["migrations/004_index_orders.sql"] == nil)
        #expect(report.verdict.decision == .blocked)
        #expect(report.verdict.reasons.contains {
            guard case .finding(let path, let finding) = $0 else { return false }
            return finding.rule == "destructive-drop" && path.hasSuffix("003_create_orders.sql") && finding.line == 11
        })
        #expect(report.verdict.reasons.contains { $0.description.contains("003_create_orders.sql:11") })
        #expect(report.json().contains("\"rule\" : \"destructive-drop\"") || report.json().contains("\"rule\":\"destructive-drop\""))
    }

    @Test func anAllowedErrorDoesNotBlock() throws {
        let (repo, worktree) = try repository()
        let path = "migrations/003_create_orders.sql"
        let sql = try repo.read(path, in: worktree)
            .replacingOccurrences(of: "DROP TABLE legacy;", with: "DROP TABLE legacy; -- gitgate:allow destructive-drop because emptied in 2023")
        try repo.commitFiles([path: sql], message: "Reviewed", in: worktree)
        let report = try StatusService.report(at: worktree, environment: [:])
        #expect(report.findings[path]?.first?.allowedBecause == "emptied in 2023")
        // Only the missing gated target blocks now, not the allowed finding.
        #expect(report.verdict.reasons == [.noGatedTarget], "\(report.verdict.reasons)")
        #expect(report.verdict.notes.contains { $0.code == "allowed" && $0.description.contains("allowed because emptied in 2023") })
    }

    @Test func lintWithoutPathsReviewsTheBranchAfterMain() throws {
        let (repo, worktree) = try repository()
        defer { withExtendedLifetime(repo) {} }
        let outcome = try LintService.run(paths: [], in: worktree, environment: [:])
        #expect(outcome.branch == "feature")
        #expect(outcome.paths == ["migrations/003_create_orders.sql", "migrations/004_index_orders.sql"])
        #expect(outcome.findings.map(\.rule) == ["destructive-drop"])
        #expect(outcome.exitCode == ExitStatus.blocked)
        // The same file named alone is read after the migrations before it that the working tree
        // holds: users (001) is known; teams is only on main, which the branch has not merged.
        let named = try LintService.run(paths: ["migrations/003_create_orders.sql"], in: worktree, environment: [:])
        #expect(named.findings.filter { $0.rule == "foreign-key-unknown-table" }.map(\.message).map { $0.contains("teams") } == [true],
                "\(named.findings.map(\.message))")
        // Copied out of the repository it has no history: its foreign keys point nowhere known.
        let copy = repo.scratch.appending("003_create_orders.sql")
        try FileManager.default.copyItem(atPath: worktree + "/migrations/003_create_orders.sql", toPath: copy)
        let alone = try LintService.run(paths: [copy], in: repo.scratch.path, environment: [:])
        #expect(alone.findings.filter { $0.rule == "foreign-key-unknown-table" }.count == 3)
    }

    @Test func historyIsOnlyParsedWhereItMentionsTheTables() throws {
        // A broken file in the history that never mentions the table asked about does not matter.
        let history = MigrationHistory(files: [
            ReviewFile(path: "001.sql", contents: Data("CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);".utf8)),
            ReviewFile(path: "002.sql", contents: Data("this is not SQL".utf8)),
            ReviewFile(path: "003.sql", contents: Data("ALTER TABLE users RENAME TO people;".utf8)),
        ])
        let findings = try lint("""
            CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY, person_id bigint REFERENCES people, user_id bigint REFERENCES users);
            COMMENT ON TABLE notes IS 'n';
            CREATE INDEX notes_person ON notes (person_id);
            CREATE INDEX notes_user ON notes (user_id);
            """, history: history, branch: true)
        #expect(findings.map(\.rule) == ["foreign-key-unknown-table"])
        #expect(findings.first?.message.contains("users") == true)
    }
}
