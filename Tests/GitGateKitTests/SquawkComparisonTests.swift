import Foundation
import GitGateKit
import Testing

/// gitgate against squawk's findings on the same corpus (bench/squawk): squawk's findings are
/// recorded (bench/squawk/compare.py --record), so this needs no squawk. README's comparison
/// table is generated here; GITGATE_WRITE_RULES_DOC=1 rewrites it.
@Suite("Squawk comparison")
struct SquawkComparisonTests {
    struct Recorded: Decodable {
        var squawk: String
        var files: [String: [String]]
    }

    static let bench = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("bench/squawk")

    /// gitgate's rules per corpus file, every optional rule enabled (squawk runs its prefer-* rules by default).
    static func gitgate(_ files: [String]) throws -> [String: Set<String>] {
        let settings = LintSettings(enabled: Set(Rules.all))
        var found: [String: Set<String>] = [:]
        for name in files {
            let contents = try Data(contentsOf: bench.appendingPathComponent("corpus/" + name))
            let findings = try Reviewer(files: .named, settings: settings).review([ReviewFile(path: name, contents: contents)])
            found[name] = Set(findings.map(\.rule))
        }
        return found
    }

    static func table() throws -> String {
        let recorded = try JSONDecoder().decode(Recorded.self, from: Data(contentsOf: bench.appendingPathComponent("recorded.json")))
        let mapping = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: bench.appendingPathComponent("mapping.json")))
        let files = recorded.files.keys.sorted()
        let gitgate = try gitgate(files)
        var out = "Measured on \(files.count) statements (bench/squawk/corpus, one per file) with squawk \(recorded.squawk) "
        out += "and gitgate with every optional rule enabled. A squawk finding counts as caught when gitgate reports one of the "
        out += "rules in the last column on the same statement (bench/squawk/mapping.json).\n\n"
        out += "| squawk rule | statements squawk flags | gitgate catches | gitgate rules |\n|---|---|---|---|\n"
        var total = 0, caught = 0, specificTotal = 0, specificCaught = 0
        for rule in Set(recorded.files.values.flatMap { $0 }).sorted() {
            let flagged = files.filter { recorded.files[$0]!.contains(rule) }
            let rules = mapping[rule] ?? []
            let hits = flagged.filter { !gitgate[$0]!.isDisjoint(with: rules) }
            total += flagged.count
            caught += hits.count
            // The generic ones: every statement without a timeout set, every statement without IF [NOT] EXISTS.
            if !["require-statement-timeout", "require-lock-timeout", "prefer-robust-stmts"].contains(rule) {
                specificTotal += flagged.count
                specificCaught += hits.count
            }
            out += "| `\(rule)` | \(flagged.count) | \(hits.count) | \(rules.isEmpty ? "—" : rules.map { "`\($0)`" }.joined(separator: ", ")) |\n"
        }
        func percent(_ a: Int, _ b: Int) -> String { "\(b == 0 ? 0 : (100 * a + b / 2) / b)%" }
        let passed = files.filter { recorded.files[$0]!.isEmpty }
        let errors = passed.filter { name in
            gitgate[name]!.contains { Rule(rawValue: $0)?.severity == .error }
        }
        out += "\ngitgate catches \(caught) of squawk's \(total) findings (\(percent(caught, total))); "
        out += "\(specificCaught) of \(specificTotal) (\(percent(specificCaught, specificTotal))) without the three generic rules "
        out += "(`require-statement-timeout`, `require-lock-timeout`, `prefer-robust-stmts`). On the \(passed.count) statements squawk "
        out += "passes, gitgate reports an error on \(errors.count) (\(percent(errors.count, passed.count)))"
        out += errors.isEmpty ? ".\n" : ": \(errors.map { "\($0) (\(gitgate[$0]!.sorted().joined(separator: ", ")))" }.joined(separator: "; ")).\n"
        return out
    }

    @Test func everyMappedRuleExists() throws {
        let mapping = try JSONDecoder().decode([String: [String]].self, from: Data(contentsOf: Self.bench.appendingPathComponent("mapping.json")))
        for rule in mapping.values.flatMap({ $0 }) { #expect(Rule(rawValue: rule) != nil, "\(rule)") }
    }

    @Test func readmeComparisonIsCurrent() throws {
        let path = Self.bench.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("README.md")
        var readme = try String(contentsOf: path, encoding: .utf8)
        let begin = try #require(readme.range(of: "<!-- squawk:begin -->\n"))
        let end = try #require(readme.range(of: "<!-- squawk:end -->"))
        let table = try Self.table()
        if ProcessInfo.processInfo.environment["GITGATE_WRITE_RULES_DOC"] == "1" {
            readme.replaceSubrange(begin.upperBound..<end.lowerBound, with: table)
            try Data(readme.utf8).write(to: path)
            return
        }
        #expect(String(readme[begin.upperBound..<end.lowerBound]) == table,
                "README's squawk comparison is stale: run GITGATE_WRITE_RULES_DOC=1 swift test --filter SquawkComparison")
    }
}
