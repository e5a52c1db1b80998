import Foundation
import GitGateKit
import Testing
import TestSupport

/// `[gitgate "lint"]` and `[gitgate "lint.severity"]` in main's committed `.gitgate`, as
/// `gitgate lint`, `gitgate status` and bad settings show them; and `lint --explain`.
@Suite struct LintConfigCLITests {
    /// Every `"rule"` value anywhere in a JSON document.
    static func rules(_ json: String) throws -> [String] {
        var found: [String] = []
        func walk(_ value: Any) {
            if let object = value as? [String: Any] {
                if let rule = object["rule"] as? String { found.append(rule) }
                object.values.forEach(walk)
            } else if let array = value as? [Any] {
                array.forEach(walk)
            }
        }
        walk(try JSONSerialization.jsonObject(with: Data(json.utf8)))
        return found
    }

    static func lintFindings(_ json: String) throws -> [[String: Any]] {
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        return try #require(object["findings"] as? [[String: Any]])
    }

    /// A repository whose main has `.gitgate` with `lint` lines and migration 001; branch
    /// `feature` (in its own worktree) adds `migration`.
    static func repository(lint: String, migration: String, history: String = "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCOMMENT ON TABLE users IS 'people';\n") throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.write(".gitgate", "[gitgate]\n\tmigrations = migrations\n" + lint)
        try repo.write("migrations/001_users.sql", history)
        try repo.commit("gitgate and users")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.write("migrations/002_change.sql", migration, in: worktree)
        try repo.commit("the change", in: worktree)
        return (repo, worktree)
    }

    static func gitgate(_ repo: TestRepository, _ arguments: [String], in directory: String) throws -> ShellResult {
        try GitGateBinary.run(arguments, in: directory, environment: repo.environment)
    }

    @Test(.database)
    func aRuleDisabledOnMainStopsFiringInLintAndStatus() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        let lintBefore = try gated.gitgate(["lint", "--format", "json"], in: gated.worktree)
        let statusBefore = try gated.gitgate(["status", "--format", "json"], in: gated.worktree)
        #expect(try Self.rules(lintBefore.stdout).contains("table-without-comment"), "\(lintBefore.output)")
        #expect(try Self.rules(statusBefore.stdout).contains("table-without-comment"), "\(statusBefore.output)")
        #expect(lintBefore.status == 0)

        let policy = try gated.repo.read(".gitgate")
        try gated.repo.write(".gitgate", policy + """
            [gitgate "lint"]
            \tdisable = table-without-comment
            [gitgate "lint.severity"]
            \tmissing-if-not-exists = error

            """)
        try gated.repo.commit("lint policy")

        let lint = try gated.gitgate(["lint", "--format", "json"], in: gated.worktree)
        let findings = try Self.lintFindings(lint.stdout)
        #expect(!findings.contains { $0["rule"] as? String == "table-without-comment" }, "\(lint.output)")
        let missing = try #require(findings.first { $0["rule"] as? String == "missing-if-not-exists" })
        #expect(missing["severity"] as? String == "error")
        #expect(lint.status == 1)

        let status = try gated.gitgate(["status", "--format", "json"], in: gated.worktree)
        let statusRules = try Self.rules(status.stdout)
        #expect(!statusRules.contains("table-without-comment"), "\(status.output)")
        #expect(statusRules.contains("missing-if-not-exists"))
    }

    @Test func aBranchCannotLoosenTheReviewInItsOwnGitgate() throws {
        let (repo, worktree) = try Self.repository(lint: "", migration: "CREATE TABLE orders (id bigint PRIMARY KEY);\n")
        try repo.write(".gitgate", """
            [gitgate]
            \tmigrations = migrations
            [gitgate "lint"]
            \tdisable = table-without-comment
            \tdisable = missing-if-not-exists

            """, in: worktree)
        try repo.commit("quieter review", in: worktree)
        let lint = try Self.gitgate(repo, ["lint", "--format", "json"], in: worktree)
        let rules = try Self.rules(lint.stdout)
        #expect(rules.contains("table-without-comment"), "\(lint.output)")
        #expect(rules.contains("missing-if-not-exists"))
    }

    @Test func optionalRulesRunWhenMainEnablesThemAndTheVersionShapesTheAdvice() throws {
        let (repo, worktree) = try Self.repository(
            lint: """
                [gitgate "lint"]
                \tenable = prefer-text, prefer-timestamptz
                \tpostgresVersion = 10
                \tassumeInTransaction = true

                """,
            migration: "ALTER TABLE users ADD COLUMN tier varchar(10) DEFAULT 'free';\nALTER TYPE mood ADD VALUE 'sad';\n",
            history: "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\nCOMMENT ON TABLE users IS 'people';\nCREATE TYPE mood AS ENUM ('ok');\n")
        let lint = try Self.gitgate(repo, ["lint", "--format", "json"], in: worktree)
        let rules = try Self.rules(lint.stdout)
        // A constant default rewrites the table before PostgreSQL 11; ADD VALUE fails in a transaction before 12.
        #expect(rules.contains("volatile-default"), "\(lint.output)")
        #expect(rules.contains("add-enum-value-in-transaction"))
        #expect(rules.contains("prefer-text"))
        #expect(!rules.contains("prefer-timestamptz"))
        #expect(lint.status == 1)
    }

    struct BadSetting: CustomTestStringConvertible, Sendable {
        var name: String
        var lines: String
        var says: [String]
        var testDescription: String { name }
    }

    static let badSettings: [BadSetting] = [
        BadSetting(name: "unknown rule", lines: "[gitgate \"lint\"]\n\tdisable = table-without-coment\n",
                   says: ["gitgate.lint.disable names no rule 'table-without-coment'", "did you mean table-without-comment?"]),
        BadSetting(name: "unknown rule in severity", lines: "[gitgate \"lint.severity\"]\n\tdestructive-dorp = warning\n",
                   says: ["gitgate.lint.severity.destructive-dorp names no rule", "did you mean destructive-drop?"]),
        BadSetting(name: "rule configured twice", lines: "[gitgate \"lint\"]\n\tdisable = rename-table\n[gitgate \"lint.severity\"]\n\trename-table = error\n",
                   says: ["rename-table is configured twice", "gitgate.lint.disable = rename-table", "gitgate.lint.severity.rename-table = error"]),
        BadSetting(name: "postgresVersion 8", lines: "[gitgate \"lint\"]\n\tpostgresVersion = 8\n",
                   says: ["gitgate.lint.postgresVersion = '8' is not a PostgreSQL major version"]),
        BadSetting(name: "severity not a level", lines: "[gitgate \"lint.severity\"]\n\trename-table = fatal\n",
                   says: ["gitgate.lint.severity.rename-table = 'fatal' is not a severity; use error, warning or off"]),
        BadSetting(name: "misspelled key", lines: "[gitgate \"lint\"]\n\tpostgresVer = 13\n",
                   says: ["unknown key gitgate.lint.postgresver", "did you mean gitgate.lint.postgresVersion?"]),
    ]

    @Test(arguments: badSettings)
    func aBadSettingIsOneClearLine(_ bad: BadSetting) throws {
        let (repo, worktree) = try Self.repository(lint: bad.lines, migration: "SELECT 1;\n")
        for arguments in [["lint"], ["lint", "migrations/002_change.sql"]] {
            let result = try Self.gitgate(repo, arguments, in: worktree)
            #expect(result.status == 2, "\(arguments): \(result.output)")
            #expect(result.stdout.isEmpty)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(result.stderr)")
            #expect(result.stderr.hasPrefix("gitgate: main's .gitgate: "), "\(result.stderr)")
            for text in bad.says { #expect(result.stderr.contains(text), "\(result.stderr)") }
        }
    }

    @Test func explainPrintsTheRuleAndAMistypedNameGetsASuggestion() throws {
        let scratch = try ScratchDirectory()
        let explained = try GitGateBinary.run(["lint", "--explain", "require-concurrent-index-deletion"], in: scratch.path)
        #expect(explained.status == 0)
        #expect(explained.stdout == RuleDocs.explanation(of: .requireConcurrentIndexDeletion) + "\n")
        #expect(explained.stdout.contains("Bad (reported on line 1):\n    DROP INDEX orders_user;"))

        let mistyped = try GitGateBinary.run(["lint", "--explain", "require-concurrent-index-delete"], in: scratch.path)
        #expect(mistyped.status == 64)
        #expect(mistyped.stdout.isEmpty)
        #expect(mistyped.stderr == "gitgate: --explain require-concurrent-index-delete: no rule has that name; did you mean require-concurrent-index-deletion? gitgate lint --rules lists them\n")
    }

    @Test func rulesAsMarkdownIsDocsRulesMd() throws {
        let scratch = try ScratchDirectory()
        let result = try GitGateBinary.run(["lint", "--rules", "--format", "markdown"], in: scratch.path)
        #expect(result.status == 0)
        let committed = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/rules.md"), encoding: .utf8)
        #expect(result.stdout == committed)
    }
}
