import Foundation
import GitGateKit
import Testing

/// One example of one rule, as a test argument.
struct ExampleCase: CustomTestStringConvertible, Sendable {
    var rule: Rule
    var index: Int
    var example: RuleExample { rule.examples[index] }
    var testDescription: String { "\(rule.rawValue) \(example.isBad ? "bad" : "good") #\(index + 1)" }

    static let all: [ExampleCase] = Rules.all.flatMap { rule in
        rule.examples.indices.map { ExampleCase(rule: rule, index: $0) }
    }
}

@Suite("Lint rule examples")
struct LintRuleExampleTests {
    /// Each example as the second file after the schema the examples assume, with its settings
    /// and its rule enabled.
    static func review(_ example: ExampleCase) throws -> [Finding] {
        var settings = example.example.settings
        settings.enabled.insert(example.rule)
        let files = [ReviewFile(path: "001_schema.sql", contents: Data(RuleExample.existingSchema.utf8)),
                     ReviewFile(path: "002_example.sql", contents: Data(example.example.sql.utf8))]
        return try Reviewer(files: .named, settings: settings).review(files)
    }

    @Test(arguments: ExampleCase.all)
    func exampleBehavesAsDocumented(_ example: ExampleCase) throws {
        let findings = try Self.review(example)
        let own = findings.filter { $0.rule == example.rule.rawValue }
        // The schema every example runs after is clean of every rule, so all findings are the example's.
        #expect(own.allSatisfy { $0.path == "002_example.sql" }, "\(own)")
        if example.rule.isPreflight || example.rule.searchesCode {
            // Decided by production's rows or the repository's code (PreflightTests and
            // ExpandContractTests run these): never by the files alone.
            #expect(own.isEmpty, "\(own.map(\.message))")
        } else if let line = example.example.line {
            let finding = try #require(own.first, "\(findings.map { "\($0.rule)@\($0.line)" })")
            #expect(finding.line == line)
            #expect(finding.severity == example.rule.severity)
            #expect(!finding.message.isEmpty && !finding.fix.isEmpty)
        } else {
            #expect(own.isEmpty, "\(own.map { "\($0.line): \($0.message)" })")
        }
    }

    @Test func theSchemaTheExamplesAssumeIsCleanOfEveryRule() throws {
        let every = LintSettings(enabled: Set(Rules.all))
        let findings = try Reviewer(files: .named, settings: every)
            .review([ReviewFile(path: "001_schema.sql", contents: Data(RuleExample.existingSchema.utf8))])
        #expect(findings.isEmpty, "\(findings.map(\.rule))")
    }

    @Test(arguments: Rules.all)
    func everyRuleIsDescribedAndHasExamples(_ rule: Rule) {
        #expect(!rule.summary.isEmpty && !rule.rationale.isEmpty && !rule.fix.isEmpty)
        #expect(rule.examples.contains { !$0.isBad })
        // A binary file cannot be shown as an SQL example; its behaviour is tested with real bytes.
        if rule != .notText { #expect(rule.examples.contains { $0.isBad }) }
        #expect(Rule(rawValue: rule.rawValue) == rule)
    }

    @Test func namesAreUniqueAndKebabCase() {
        let names = Rules.all.map(\.rawValue)
        #expect(Set(names).count == names.count)
        #expect(names.allSatisfy { $0.allSatisfy { $0.isLowercase || $0 == "-" } })
    }

    /// A fix is typed as written: identifiers quoted where PostgreSQL needs it.
    @Test func foreignKeyIndexFixIsQuotedNamedAndRerunnable() throws {
        let sql = """
            CREATE TABLE IF NOT EXISTS "Users" (id bigint PRIMARY KEY);
            COMMENT ON TABLE "Users" IS 'u';
            CREATE TABLE IF NOT EXISTS "Orders" (id bigint PRIMARY KEY, "userId" bigint REFERENCES "Users" (id));
            COMMENT ON TABLE "Orders" IS 'o';
            """
        let findings = try Reviewer(files: .named).review([ReviewFile(path: "001.sql", contents: Data(sql.utf8))])
        let fix = findings.first { $0.rule == "foreign-key-without-index" }?.fix
        #expect(fix == #"CREATE INDEX IF NOT EXISTS "Orders_userId_idx" ON "Orders" ("userId")"#)
        let notNull = try Reviewer(files: .named).review([
            ReviewFile(path: "001.sql", contents: Data(sql.utf8)),
            ReviewFile(path: "002.sql", contents: Data(#"ALTER TABLE "Orders" ALTER COLUMN "userId" SET NOT NULL;"#.utf8)),
        ]).first { $0.rule == "set-not-null" }
        #expect(notNull?.fix.hasPrefix(#"add CHECK ("userId" IS NOT NULL) NOT VALID"#) == true)
    }

    @Test func explanationHasTheRationaleFixAndExamples() {
        let text = RuleDocs.explanation(of: .destructiveDrop)
        #expect(text.hasPrefix("destructive-drop: "))
        #expect(text.contains(Rule.destructiveDrop.rationale))
        #expect(text.contains("Fix: " + Rule.destructiveDrop.fix))
        #expect(text.contains("Bad (reported on line 1):\n    DROP TABLE users;"))
    }
}

@Suite("Rule docs")
struct RuleDocsTests {
    /// docs/rules.md is generated from the rules; set GITGATE_WRITE_RULES_DOC=1 to rewrite it.
    @Test func docsRulesMarkdownIsCurrent() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("docs/rules.md")
        let generated = RuleDocs.markdown()
        if ProcessInfo.processInfo.environment["GITGATE_WRITE_RULES_DOC"] == "1" {
            try Data(generated.utf8).write(to: path)
        }
        let committed = try String(contentsOf: path, encoding: .utf8)
        #expect(committed == generated, "docs/rules.md is stale: run \(RuleDocs.regenerate) (or GITGATE_WRITE_RULES_DOC=1 swift test --filter RuleDocs)")
    }

    /// README's rules table, between its markers, is generated; GITGATE_WRITE_RULES_DOC=1 rewrites it.
    @Test func readmeRulesTableIsCurrent() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("README.md")
        var readme = try String(contentsOf: path, encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- rules:begin -->\n"))
        let end = try #require(readme.range(of: "<!-- rules:end -->"))
        let table = RuleDocs.readmeTable()
        if ProcessInfo.processInfo.environment["GITGATE_WRITE_RULES_DOC"] == "1" {
            readme.replaceSubrange(begin.upperBound..<end.lowerBound, with: table)
            try Data(readme.utf8).write(to: path)
            return
        }
        #expect(String(readme[begin.upperBound..<end.lowerBound]) == table, "README's rules table is stale: run GITGATE_WRITE_RULES_DOC=1 swift test --filter RuleDocs")
    }
}

/// What `gitgate status`, the hooks and `gitgate apply` review with: `Review.findings` and the
/// configuration's lint settings.
@Suite("Lint settings")
struct LintSettingsTests {
    static let migration = Migration(version: "002", name: "orders", path: "migrations/002_orders.sql", source: .committed,
                                     contents: Data("CREATE TABLE orders (id serial PRIMARY KEY);\n".utf8))

    static func rules(_ settings: LintSettings) -> [String: Finding.Severity] {
        var configuration = Configuration(root: "/nonexistent", migrations: "migrations")
        configuration.lint = settings
        let findings = Review.findings(for: [migration], configuration: configuration)[migration.path] ?? []
        return Dictionary(findings.map { ($0.rule, $0.severity) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func theGateAndApplyReviewWithTheRepositorysSettings() {
        let defaults = Self.rules(LintSettings())
        #expect(defaults == ["missing-if-not-exists": .warning, "table-without-comment": .warning])

        let configured = Self.rules(LintSettings(disabled: [.tableWithoutComment], enabled: [.preferIdentity],
                                                 levels: [.missingIfNotExists: .error, .preferBigintKeys: .warning]))
        #expect(configured == ["missing-if-not-exists": .error, "prefer-identity": .warning, "prefer-bigint-keys": .warning])

        let off = Self.rules(LintSettings(levels: [.missingIfNotExists: .off, .tableWithoutComment: .off]))
        #expect(off.isEmpty)
    }
}
