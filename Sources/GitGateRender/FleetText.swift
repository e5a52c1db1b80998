import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets
import GitGateVerdict
/// A fleet in `status` text: one line however many members (the first few per problem and a
/// count of the rest); `--verbose` names every member and each one's error.
package enum FleetText {
    package static let shownPerProblem = 3

    /// "1,997/2,000 databases up to date; 3 lack 003_add_index: eu-7/app, us-2/app, eu-9/app": the
    /// fleet in one line (status, the plan), the first `limit` members per problem (nil: all).
    package static func summary(_ summary: FleetSummary, migrations: [Migration], limit: Int? = shownPerProblem) -> String {
        let byVersion = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        var parts = ["\(FleetSummary.grouped(summary.upToDate))/\(FleetSummary.grouped(summary.total)) \(summary.kind)s up to date"]
        for group in summary.groups {
            let count = FleetSummary.grouped(group.members.count)
            let names = FleetSummary.list(group.members, limit: limit)
            parts.append("\(count) \(phrase(group.problem, byVersion, plural: group.members.count != 1)): \(names)")
        }
        return parts.joined(separator: "; ")
    }

    package static func lines(_ summary: FleetSummary, migrations: [Migration], style: Style, verbose: Bool) -> [String] {
        let byVersion = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        let gate = summary.gate ? "gated: every \(summary.kind) must have each migration" : "not gated"
        let blocked = summary.groups.contains { $0.problem.blocks }
        let mark = blocked ? style.red("✗") : style.green("✓")
        var lines = ["\(mark) \(summary.target) (\(gate)): " + Self.summary(summary, migrations: migrations, limit: verbose ? nil : shownPerProblem)]
        if let shown = summary.shown {
            // --member: the chosen members in detail, under the line that is the whole fleet's.
            for name in shown {
                var problems: [String] = []
                for group in summary.groups {
                    guard let at = group.members.firstIndex(of: name) else { continue }
                    problems.append("\(phrase(group.problem, byVersion, plural: false)) \(style.dim("- " + group.details[at]))")
                }
                let mark = summary.groups.contains { $0.problem.blocks && $0.members.contains(name) } ? style.red("✗") : style.green("✓")
                lines.append("    \(mark) \(name): " + (problems.isEmpty ? "up to date" : problems.joined(separator: "; ")))
            }
        }
        if verbose {
            for group in summary.groups where group.problem == .couldNotCheck || group.problem.version != nil {
                lines.append("    \(phrase(group.problem, byVersion, plural: true)):")
                for (member, detail) in zip(group.members, group.details) {
                    lines.append("      \(member) \(style.dim("- " + detail))")
                }
            }
        }
        return lines
    }

    /// "lack 003_add_index", "could not be checked", …
    package static func phrase(_ problem: FleetSummary.Problem, _ byVersion: [String: Migration], plural: Bool) -> String {
        func name(_ version: String) -> String {
            guard let migration = byVersion[version] else { return version }
            return migration.name.isEmpty ? migration.version : "\(migration.version)_\(migration.name)"
        }
        switch problem {
        case .couldNotCheck: return plural ? "could not be checked" : "could not be checked"
        case .lacks(let v): return (plural ? "lack " : "lacks ") + name(v)
        case .unconfirmed(let v): return "cannot confirm " + name(v)
        case .changed(let v): return (plural ? "have " : "has ") + "a changed " + name(v)
        case .drifted(let v): return (plural ? "miss objects of " : "misses objects of ") + name(v)
        case .appliedByHand(let v): return (plural ? "have " : "has ") + name(v) + " applied by hand"
        }
    }
}
