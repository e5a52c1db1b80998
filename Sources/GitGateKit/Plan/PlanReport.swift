import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict
import GitGateJSON

/// How `gitgate plan` and `gitgate rollback` talk: text for a terminal, Markdown for a pull
/// request comment, JSON for scripts. None of them prints a connection string.
public enum PlanReport {
    /// The hidden line CI looks for to update the same pull request comment.
    public static let marker = "<!-- gitgate-plan -->"

    private static func timeouts(_ target: DeploymentPlan.TargetInfo) -> String {
        "lock_timeout \(duration(target.applyLockTimeoutMs)), statement_timeout \(duration(target.applyStatementTimeoutMs))"
    }

    private static func duration(_ ms: Int) -> String { ms == 0 ? "none" : formatMilliseconds(ms) }

    private static func howApplied(_ entry: DeploymentPlan.Entry) -> String {
        entry.runNote ?? "one transaction with its ledger row"
    }

    private static func kindWords(_ rollback: MigrationRollback) -> String {
        switch rollback.kind {
        case .downFile: return "down file \(rollback.downPath ?? "")"
        case .downSection: return "down section of \(rollback.downPath ?? rollback.migration.path)"
        case .derived: return "derived by gitgate (no down part)"
        case .irreversible: return "cannot be reversed"
        }
    }

    /// The lines that say what a rollback does, shared by text and Markdown.
    private static func rollbackLines(_ entry: DeploymentPlan.RollbackEntry) -> [String] {
        let rollback = entry.rollback
        var lines: [String] = []
        if let problem = rollback.problem { lines.append("refused: \(problem)") }
        switch rollback.kind {
        case .derived:
            for (index, step) in rollback.steps.enumerated() {
                var line = step.sql + ";"
                if step.dataOf != nil {
                    line += "  -- loses \(entry.rows[index] ?? unread(step))"
                }
                lines.append(line)
            }
        case .downFile, .downSection:
            lines += rollback.drops.map { "drops: \($0)" }
            if rollback.drops.isEmpty && rollback.problem == nil { lines.append("drops nothing the review flags") }
        case .irreversible:
            lines += rollback.irreversible
            lines.append(rollback.restoreAdvice(appliedAt: entry.appliedAt))
        }
        for finding in rollback.findings {
            let severity = finding.allowedBecause != nil ? "allowed" : finding.severity.rawValue
            lines.append("\(severity) line \(finding.line): \(finding.message) (\(finding.rule))")
        }
        if rollback.kind != .irreversible {
            lines.append(rollback.transactional ? "runs in one transaction with the removal of its ledger row"
                                                : "runs statement by statement, outside a transaction")
        }
        return lines
    }

    /// What a derived step loses, when no database was read for it.
    private static func unread(_ step: RollbackStep) -> String {
        step.column.map { "the values of column \($0) in \(step.dataOf!) (not read)" } ?? "the rows of \(step.dataOf!) (not read)"
    }

    // MARK: Text

    public static func text(_ plan: DeploymentPlan, style: Style) -> String {
        var lines: [String] = []
        let mark = plan.verdict.decision == .ready ? style.green("✓") : style.red("✗")
        lines.append("\(mark) " + style.bold(plan.summary))
        lines.append(plan.branch == plan.base
            ? "Branch \(plan.branch) at \(plan.head.prefix(12)), the main branch: each of its migrations must be on every gated target"
            : "Branch \(plan.branch) → \(plan.base) at \(plan.head.prefix(12))")
        for target in plan.targets {
            guard let fleet = target.fleet else { continue }
            let mark = fleet.groups.contains { $0.problem.blocks } ? style.red("✗") : style.green("✓")
            lines.append("\(mark) \(target.name)\(target.gate ? " (gated: every \(fleet.kind))" : ""): "
                         + FleetText.summary(fleet, migrations: plan.entries.map(\.migration)))
        }
        lines.append("")
        lines.append(style.bold("Migrations") + " (in the order apply runs them)")
        if plan.entries.isEmpty { lines.append("  this branch adds no migrations") }
        for entry in plan.entries {
            lines.append("  \(entry.migration.path)")
            for finding in entry.findings {
                let severity = finding.allowedBecause != nil ? "allowed" : finding.severity.rawValue
                lines.append("    \(severity) line \(finding.line): \(finding.message) (\(finding.rule))")
            }
            for (target, status) in entry.states {
                lines.append("    \(target): " + (status.map { "\($0.state.rawValue) - \($0.detail)" } ?? "not checked"))
            }
            lines.append("    apply: \(howApplied(entry))")
        }
        if !plan.targets.isEmpty {
            lines.append("")
            lines.append(style.bold("Targets"))
            for target in plan.targets {
                var line = "  \(target.name)\(target.gate ? " (gated)" : ""): apply with \(timeouts(target))"
                if let error = target.error { line += "; could not check: \(error)" }
                lines.append(line)
            }
        }
        lines.append("")
        lines.append(style.bold("Rollback plan") + " (newest first" + (plan.rollbackTarget.map { ", read on \($0)" } ?? "") + ")"
                     + (plan.rollbackCommand.map { ": \($0)" } ?? ""))
        if let error = plan.rollbackTargetError { lines.append("  \(plan.rollbackTarget ?? "target") could not be read: \(error)") }
        if plan.rollbacks.isEmpty { lines.append("  nothing to roll back") }
        for entry in plan.rollbacks {
            lines.append("  \(entry.rollback.migration.path): \(kindWords(entry.rollback))")
            lines += rollbackLines(entry).map { "    \($0)" }
        }
        if !plan.tables.isEmpty, let target = plan.rollbackTarget {
            lines.append("")
            lines.append(style.bold("Tables on \(target)"))
            lines += plan.tables.flatMap { tableLines($0).enumerated().map { ($0.offset == 0 ? "  " : "    ") + $0.element } }
        }
        let before = plan.steps.filter { $0.when == .beforeMerge }
        if !before.isEmpty {
            lines.append("")
            lines.append(style.bold("Project steps before the merge") + " (gitgate steps --run)")
            lines += before.map { step in
                let last = plan.stepResults[step.name]?.summary(head: plan.head) ?? "never run here"
                return "  \(step.name): \(step.run)  (expect \(step.expect.rawValue); \(last))"
            }
        }
        lines.append("")
        lines.append(style.bold("After the merge"))
        lines += plan.afterMerge.map { "  - \($0)" }
        if plan.verdict.reasons.count > 1 || !plan.verdict.notes.isEmpty {
            lines.append("")
            lines.append(style.bold(plan.verdict.decision == .ready ? "Notes" : "Every reason"))
            lines += plan.verdict.reasons.map { "  - \($0)" }
            lines += plan.verdict.notes.map { "  note: \($0)" }
        }
        return lines.joined(separator: "\n")
    }

    /// `gitgate status --verbose`: each new table on each target that answered.
    public static func tablesText(_ targets: [TableVerification.OnTarget], style: Style) -> String {
        var lines: [String] = []
        for target in targets {
            lines.append(style.bold("Tables on \(target.target)"))
            if let error = target.error { lines.append("  " + style.red("not read: \(error)")); continue }
            lines += target.tables.flatMap { tableLines($0).enumerated().map { ($0.offset == 0 ? "  " : "    ") + $0.element } }
        }
        return lines.joined(separator: "\n")
    }

    /// "table x: exists, 3 rows", then its columns and indexes.
    private static func tableLines(_ table: TableVerification) -> [String] {
        guard table.exists else { return ["\(table.table): does not exist"] }
        return ["\(table.table): exists" + (table.rows.map { ", \($0)" } ?? ""),
                "columns: " + table.columns.joined(separator: ", "),
                "indexes: " + (table.indexes.isEmpty ? "none" : table.indexes.joined(separator: ", "))]
    }

    // MARK: Markdown

    /// A pull request comment: the marker, one heading, the summary first, the rest folded.
    public static func markdown(_ plan: DeploymentPlan) -> String {
        var lines: [String] = [marker]
        lines.append(plan.branch == plan.base ? "### gitgate plan: `\(plan.branch)`, the main branch"
                                              : "### gitgate plan: `\(plan.branch)` → `\(plan.base)`")
        lines.append("")
        let mark = plan.verdict.decision == .ready ? "✅" : (plan.verdict.decision == .blocked ? "⛔" : "⚠️")
        lines.append("\(mark) **\(escape(plan.summary))**")
        if plan.verdict.reasons.count > 1 {
            lines.append("")
            lines += plan.verdict.reasons.map { "- \(escape($0.description))" }
        }
        let fleets = plan.targets.filter { $0.fleet != nil }
        if !fleets.isEmpty {
            lines.append("")
            for target in fleets {
                let fleet = target.fleet!
                let mark = fleet.groups.contains { $0.problem.blocks } ? "⛔" : "✅"
                lines.append("- \(mark) `\(target.name)`\(target.gate ? " (gated: every \(fleet.kind))" : ""): "
                             + escape(FleetText.summary(fleet, migrations: plan.entries.map(\.migration))))
            }
        }
        lines.append("")
        lines.append("<details><summary>Migrations (\(plan.entries.count)) at \(plan.head.prefix(12))</summary>")
        lines.append("")
        if plan.entries.isEmpty { lines.append("This branch adds no migrations.") }
        let names = plan.targets.map(\.name)
        if !plan.entries.isEmpty {
            lines.append("| migration | " + names.map { "`\($0)`" }.joined(separator: " | ") + (names.isEmpty ? "" : " | ") + "apply | review |")
            lines.append("|---|" + String(repeating: "---|", count: names.count) + "---|---|")
            for entry in plan.entries {
                let states = zip(entry.states, plan.targets).map { state, target in
                    guard let status = state.status else { return "not checked" }
                    guard let fleet = target.fleet else { return status.state.rawValue }
                    // A fleet: how many members have it, not one member's state.
                    return "\(status.state.rawValue): \(FleetSummary.grouped(fleet.having(entry.migration.version)))/\(FleetSummary.grouped(fleet.total)) \(fleet.kind)s have it"
                }
                let review = entry.findings.isEmpty ? "clean" : entry.findings.map { finding in
                    "\(finding.allowedBecause != nil ? "allowed" : finding.severity.rawValue) line \(finding.line): \(finding.rule)"
                }.joined(separator: "<br>")
                lines.append("| `\(entry.migration.path)` | " + states.joined(separator: " | ") + (states.isEmpty ? "" : " | ")
                             + "\(escape(entry.transactional ? "one transaction" : "outside a transaction")) | \(escape(review)) |")
            }
            lines.append("")
            for entry in plan.entries {
                for (target, status) in entry.states {
                    if let status { lines.append("- `\(entry.migration.path)` on `\(target)`: \(escape(status.detail))") }
                }
                for finding in entry.findings {
                    lines.append("- `\(entry.migration.path)`:\(finding.line): \(escape(finding.message)) (`\(finding.rule)`)")
                }
            }
        }
        for target in plan.targets {
            var line = "- `\(target.name)`\(target.gate ? " (gated)" : ""): apply with \(timeouts(target))"
            if let error = target.error { line += "; could not check: \(escape(error))" }
            lines.append(line)
        }
        lines.append("")
        lines.append("</details>")
        lines.append("")
        let kinds = plan.rollbacks.map(\.rollback.kind)
        let irreversible = kinds.filter { $0 == .irreversible }.count
        lines.append("<details><summary>Rollback plan (\(plan.rollbacks.count) migration\(plan.rollbacks.count == 1 ? "" : "s")\(irreversible > 0 ? ", \(irreversible) only by restoring a backup" : ""))</summary>")
        lines.append("")
        if let target = plan.rollbackTarget { lines.append("Newest first; rows read on `\(target)`. Run with `\(plan.rollbackCommand ?? "gitgate rollback --target \(target)")`.") }
        if let error = plan.rollbackTargetError { lines += ["", "Could not read it: \(escape(error))"] }
        for entry in plan.rollbacks {
            lines.append("")
            lines.append("**`\(entry.rollback.migration.path)`**: \(escape(kindWords(entry.rollback)))")
            lines.append("")
            if entry.rollback.kind == .derived || entry.rollback.kind == .downFile || entry.rollback.kind == .downSection {
                let sql = entry.rollback.kind == .derived ? entry.rollback.sql
                    : entry.rollback.sql.split(separator: "\n", omittingEmptySubsequences: false)
                        .filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }.joined(separator: "\n") + "\n"
                lines.append("```sql")
                lines.append(sql.hasSuffix("\n") ? String(sql.dropLast()) : sql)
                lines.append("```")
            }
            let notes = rollbackLines(entry).filter { !$0.hasPrefix("DROP ") && !$0.hasPrefix("ALTER TABLE ") }
            lines += notes.map { "- \(escape($0))" }
            for (index, step) in entry.rollback.steps.enumerated() where step.dataOf != nil {
                lines.append("- `\(step.sql)` loses \(escape(entry.rows[index] ?? unread(step)))")
            }
        }
        lines.append("")
        lines.append("</details>")
        lines.append("")
        if !plan.tables.isEmpty, let target = plan.rollbackTarget {
            let present = plan.tables.filter(\.exists).count
            lines.append("<details><summary>Tables on \(target) (\(present) of \(plan.tables.count) present)</summary>")
            lines.append("")
            for table in plan.tables {
                let parts = tableLines(table)
                lines.append("- " + escape(parts[0]))
                lines += parts.dropFirst().map { "  - " + escape($0) }
            }
            lines.append("")
            lines.append("</details>")
            lines.append("")
        }
        let beforeMerge = plan.steps.filter { $0.when == .beforeMerge }
        if !beforeMerge.isEmpty {
            lines.append("<details><summary>Project steps before the merge (gitgate steps --run)</summary>")
            lines.append("")
            lines += beforeMerge.map { step in
                let last = plan.stepResults[step.name]?.summary(head: plan.head) ?? "never run here"
                return "- `\(step.name)`: `\(escape(step.run))` (expect \(step.expect.rawValue); \(escape(last)))"
            }
            lines.append("")
            lines.append("</details>")
            lines.append("")
        }
        lines.append("<details><summary>After the merge</summary>")
        lines.append("")
        lines += plan.afterMerge.map { "- \(escape($0))" }
        if !plan.verdict.notes.isEmpty {
            lines.append("")
            lines += plan.verdict.notes.map { "- note: \(escape($0.description))" }
        }
        lines.append("")
        lines.append("</details>")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Keeps text from turning into HTML or table cells in a comment.
    private static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
            .replacingOccurrences(of: "|", with: "\\|")
    }

    // MARK: JSON

    private struct JSONPlan: Encodable {
        package var verdict: Verdict.Decision
        package var summary: String
        package var branch: String
        package var base: String
        package var head: String
        @Nullable package var mergeBase: String?
        package var reasons: [JSONReason]
        package var notes: [JSONReason]
        package var targets: [JSONTarget]
        package var migrations: [JSONMigration]
        package var rollback: JSONRollbackPlan
        package var tables: [JSONTable]
        package var afterMerge: [String]
        package var steps: [JSONStep]
    }

    private struct JSONStep: Encodable {
        package var name: String
        package var run: String
        package var when: ProjectStep.When
        package var expect: ProjectStep.Expect
        package var timeoutMs: Int
        /// What `gitgate steps --run` last said here; null when it never ran.
        @Nullable package var last: StepRecord?
    }

    private struct JSONTable: Encodable {
        package var table: String
        package var exists: Bool
        package var columns: [String]
        package var indexes: [String]
        @Nullable package var rows: String?
    }

    private struct JSONTarget: Encodable {
        package var name: String
        package var gate: Bool
        @Nullable package var error: String?
        package var applyLockTimeoutMs: Int
        package var applyStatementTimeoutMs: Int
    }

    private struct JSONMigration: Encodable {
        package var version: String
        package var name: String
        package var path: String
        package var checksum: String
        package var findings: [JSONLintFinding]
        package var targets: [String: TargetStatus]
        package var transactional: Bool
        @Nullable package var applyNote: String?
    }

    private struct JSONRollbackPlan: Encodable {
        @Nullable package var target: String?
        @Nullable package var command: String?
        @Nullable package var error: String?
        package var migrations: [JSONRollback]
    }

    package struct JSONRollback: Encodable {
        package struct Step: Encodable {
            package var sql: String
            package var removes: String
            @Nullable package var dataOf: String?
            @Nullable package var column: String?
            @Nullable package var loses: String?
        }
        package var version: String
        package var path: String
        package var kind: MigrationRollback.Kind
        @Nullable package var downPath: String?
        @Nullable package var sql: String?
        package var steps: [Step]
        package var drops: [String]
        package var findings: [JSONLintFinding]
        package var irreversible: [String]
        @Nullable package var problem: String?
        package var transactional: Bool
        @Nullable package var appliedAt: String?
        @Nullable package var restore: String?
    }

    package static func jsonRollback(_ rollback: MigrationRollback, appliedAt: String?, rows: [String?]) -> JSONRollback {
        JSONRollback(version: rollback.migration.version, path: rollback.migration.path, kind: rollback.kind,
                     downPath: rollback.downPath, sql: rollback.kind == .irreversible ? nil : rollback.sql,
                     steps: rollback.steps.enumerated().map { index, step in
                         .init(sql: step.sql, removes: step.removes, dataOf: step.dataOf, column: step.column,
                               loses: index < rows.count ? rows[index] : nil)
                     },
                     drops: rollback.drops, findings: rollback.findings.map(JSONLintFinding.init), irreversible: rollback.irreversible,
                     problem: rollback.problem, transactional: rollback.transactional, appliedAt: appliedAt,
                     restore: rollback.kind == .irreversible ? rollback.restoreAdvice(appliedAt: appliedAt) : nil)
    }

    public static func json(_ plan: DeploymentPlan) -> String {
        let object = JSONPlan(
            verdict: plan.verdict.decision, summary: plan.summary, branch: plan.branch, base: plan.base, head: plan.head,
            mergeBase: plan.mergeBase, reasons: plan.verdict.reasons.map(JSONReason.init), notes: plan.verdict.notes.map(JSONReason.init),
            targets: plan.targets.map { .init(name: $0.name, gate: $0.gate, error: $0.error,
                                              applyLockTimeoutMs: $0.applyLockTimeoutMs, applyStatementTimeoutMs: $0.applyStatementTimeoutMs) },
            migrations: plan.entries.map { entry in
                var states: [String: TargetStatus] = [:]
                for (target, status) in entry.states { if let status { states[target] = status } }
                return .init(version: entry.migration.version, name: entry.migration.name, path: entry.migration.path,
                             checksum: entry.migration.checksum, findings: entry.findings.map(JSONLintFinding.init), targets: states,
                             transactional: entry.transactional, applyNote: entry.runNote)
            },
            rollback: .init(target: plan.rollbackTarget, command: plan.rollbackCommand, error: plan.rollbackTargetError,
                            migrations: plan.rollbacks.map { jsonRollback($0.rollback, appliedAt: $0.appliedAt, rows: $0.rows) }),
            tables: plan.tables.map { .init(table: $0.table, exists: $0.exists, columns: $0.columns, indexes: $0.indexes, rows: $0.rows) },
            afterMerge: plan.afterMerge,
            steps: plan.steps.map { .init(name: $0.name, run: $0.run, when: $0.when, expect: $0.expect, timeoutMs: $0.timeoutMs,
                                          last: plan.stepResults[$0.name]) })
        return encode(object)
    }

    package static func encode<T: Encodable>(_ value: T) -> String { JSONOutput.render(value) }

    // MARK: Rollback

    public static func rollbackPlan(_ plan: RollbackPlan, style: Style) -> String {
        var lines: [String] = []
        let verb = plan.dryRun ? "Dry run: roll back" : "Roll back"
        lines.append(style.bold("\(verb) on \(plan.target.name)") + " (\(plan.place))\(plan.target.gate ? ", gated" : ""), newest first")
        if plan.items.isEmpty { lines.append("  nothing to roll back: \(plan.target.name)'s ledger has none of this branch's migrations") }
        for item in plan.items {
            let word = item.refusal == nil ? style.green("undo  ") : style.red("refuse")
            lines.append("  \(word) \(item.migration.path): \(kindWords(item.rollback))")
            let entry = DeploymentPlan.RollbackEntry(rollback: item.rollback, appliedAt: item.appliedAt, rows: item.rollback.steps.map { _ in nil })
            lines += rollbackLines(entry).map { "      \($0.components(separatedBy: "  -- loses ").first!)" }
            lines += item.losses.map { "      \($0)" }
        }
        if plan.isRefused {
            lines.append(style.red("Refused: nothing will be rolled back"))
            lines += plan.refusals.map { "  - \($0)" }
        } else if !plan.items.isEmpty {
            lines.append("\(plan.items.count) migration\(plan.items.count == 1 ? "" : "s") to roll back, in this order\(plan.dryRun ? "; dry run: nothing was changed" : "").")
        }
        return lines.joined(separator: "\n")
    }

    public static func rollbackSummary(_ result: RollbackResult, style: Style) -> String {
        var lines: [String] = []
        if let failure = result.failure {
            lines.append(style.red("FAILED") + " \(failure.location): \(failure.message)\(failure.sqlState.map { " [\($0)]" } ?? "")")
            lines.append("  \(failure.consequence)")
        } else if result.rolledBack.isEmpty {
            lines.append("Nothing rolled back.")
        } else {
            let count = result.rolledBack.count
            lines.append(style.green("Rolled back \(count) migration\(count == 1 ? "" : "s")") + " on \(result.target), each removed from gitgate.migrations.")
        }
        return lines.joined(separator: "\n")
    }

    private struct JSONRollbackRun: Encodable {
        package struct Step: Encodable {
            package var version: String
            @Nullable package var outcome: RollbackResult.Step.Outcome?
            @Nullable package var durationMs: Int?
            @Nullable package var note: String?
            @Nullable package var refusal: String?
            package var losses: [String]
            package var plan: JSONRollback
        }
        package var target: String
        package var dryRun: Bool
        /// rolled-back | nothing-to-roll-back | dry-run | refused | failed
        package var result: String
        package var migrations: [Step]
        package var refusals: [String]
        @Nullable package var failure: String?
    }

    public static func rollbackJSON(_ plan: RollbackPlan, result: RollbackResult?) -> String {
        let steps = Dictionary((result?.steps ?? []).map { ($0.migration.version, $0) }, uniquingKeysWith: { a, _ in a })
        let outcome: String
        if plan.isRefused { outcome = "refused" }
        else if result?.failure != nil { outcome = "failed" }
        else if plan.dryRun { outcome = "dry-run" }
        else if result?.rolledBack.isEmpty ?? true { outcome = "nothing-to-roll-back" }
        else { outcome = "rolled-back" }
        return encode(JSONRollbackRun(
            target: plan.target.name, dryRun: plan.dryRun, result: outcome,
            migrations: plan.items.map { item in
                let step = steps[item.migration.version]
                return .init(version: item.migration.version, outcome: step?.outcome, durationMs: step?.durationMs, note: step?.note,
                             refusal: item.refusal, losses: item.losses,
                             plan: jsonRollback(item.rollback, appliedAt: item.appliedAt, rows: []))
            },
            refusals: plan.refusals,
            failure: result?.failure.map { "\($0.location): \($0.message); \($0.consequence)" }))
    }
}
