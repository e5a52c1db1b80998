
/// The rules' own words, for `gitgate lint --rules`, `--explain RULE` and docs/rules.md.
public enum RuleDocs {
    /// How to regenerate docs/rules.md (a test fails when it is stale).
    public static let regenerate = "gitgate lint --rules --format markdown > docs/rules.md"

    /// The default severity in words.
    public static func defaultLevel(_ rule: Rule) -> String {
        if !rule.enabledByDefault { return "off (enable = \(rule.rawValue))" }
        return rule.isLockRule ? "warning (error on large tables with --target)" : rule.severity.rawValue
    }

    /// `gitgate lint --explain RULE`.
    public static func explanation(of rule: Rule) -> String {
        var lines = ["\(rule.rawValue): \(rule.summary)", "",
                     "Default: \(defaultLevel(rule))\(rule.canBeAllowed ? "" : "; cannot be allowed with gitgate:allow")",
                     "Category: \(rule.category.rawValue)", "", rule.rationale, "", "Fix: \(rule.fix)"]
        for example in rule.examples {
            lines.append("")
            lines.append(example.isBad ? "Bad (reported on line \(example.line!)):" : "Good:")
            lines += example.sql.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    /// The README's rules table (between `<!-- rules:begin -->` and `<!-- rules:end -->`).
    public static func readmeTable() -> String {
        var out = "| rule | default | what it catches |\n|---|---|---|\n"
        for rule in Rules.all {
            out += "| [`\(rule.rawValue)`](docs/rules.md#\(rule.rawValue)) | \(defaultLevel(rule)) | \(rule.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        return out
    }

    /// docs/rules.md.
    public static func markdown() -> String {
        var out = """
        # gitgate lint rules

        <!-- Generated from Sources/GitGateLint/Rules/ by `\(regenerate)`; do not edit by hand. -->

        Every rule below runs in `gitgate lint`, `gitgate status` and `gitgate apply`. Its examples are its tests: \
        each bad example must fire the rule on the line shown, each good one must not. The examples run after a \
        migration that created `users`, `orders`, `events` (partitioned), the view `active_users`, the type `mood`, \
        the sequence `counter` and the schema `app`.

        Silence one finding with a reviewed exception on or above the statement: \
        `-- gitgate:allow RULE because <reason>`. Configure rules for the repository in main's committed `.gitgate` \
        (see the README's Review section).

        | Rule | Default | What it catches |
        |---|---|---|

        """
        for rule in Rules.all {
            out += "| [`\(rule.rawValue)`](#\(rule.rawValue)) | \(defaultLevel(rule)) | \(rule.summary.replacingOccurrences(of: "|", with: "\\|")) |\n"
        }
        for category in Rule.Category.allCases {
            let rules = Rules.all.filter { $0.category == category }
            guard !rules.isEmpty else { continue }
            out += "\n## \(category.rawValue)\n"
            for rule in rules {
                out += "\n### \(rule.rawValue)\n\n\(rule.summary).\n\n"
                out += "Default: \(defaultLevel(rule))."
                out += rule.canBeAllowed ? "\n\n" : " `gitgate:allow` cannot silence it.\n\n"
                out += rule.rationale + "\n\n**Fix:** " + rule.fix + "\n"
                for example in rule.examples {
                    out += example.isBad ? "\n**Bad** (reported on line \(example.line!)):\n\n" : "\n**Good:**\n\n"
                    out += "```sql\n\(example.sql)\n```\n"
                    if let version = example.settings.postgresVersion { out += "\n(with `postgresVersion = \(version)`)\n" }
                    if example.settings.assumeInTransaction { out += "\n(with `assumeInTransaction = true`)\n" }
                }
            }
        }
        return out
    }
}
