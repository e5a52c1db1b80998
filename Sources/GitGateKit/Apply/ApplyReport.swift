import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict
import GitGateJSON

/// How `gitgate apply` and `gitgate record` talk: the plan, a line per migration as it runs,
/// a summary, and one JSON object for scripts.
public enum ApplyReport {
    // MARK: Text

    public static func plan(_ plan: ApplyPlan, style: Style) -> String {
        var lines: [String] = []
        let verb = plan.dryRun ? "Dry run: apply" : "Apply"
        lines.append(style.bold("\(verb) to \(plan.target.name)") + " (\(plan.place))\(plan.target.gate ? ", gated" : ""), branch \(plan.branch) at \(plan.commit.prefix(12))")
        if !plan.ledgerSteps.isEmpty, !plan.toApply.isEmpty {
            lines.append("  gitgate's ledger schema will be created first (\(plan.ledgerSteps.joined(separator: ", ")))")
        }
        if plan.items.isEmpty { lines.append("  this branch adds no migrations") }
        for item in plan.items {
            let word: String
            switch item.action {
            case .apply: word = style.green("apply ")
            case .skip: word = style.dim("skip  ")
            case .refuse: word = style.red("refuse")
            }
            var line = "  \(word) \(item.migration.path)"
            if let note = item.note, item.action != .refuse { line += style.dim("  \(note)") }
            lines.append(line)
            for finding in item.findings {
                let severity = finding.allowedBecause != nil ? "allowed" : finding.severity.rawValue
                lines.append("      \(severity) line \(finding.line): \(finding.message) (\(finding.rule))")
            }
        }
        if plan.isRefused {
            lines.append(style.red("Refused: nothing will be applied"))
            lines += plan.refusals.map { "  - \($0)" }
        } else if plan.toApply.isEmpty {
            lines.append("Nothing to apply: \(plan.target.name) has every migration of this branch.")
        } else {
            let count = plan.toApply.count
            lines.append("\(count) migration\(count == 1 ? "" : "s") to apply, in this order\(plan.dryRun ? "; dry run: nothing was changed" : "").")
        }
        return lines.joined(separator: "\n")
    }

    /// One progress line.
    public static func event(_ event: ApplyEvent, style: Style) -> String {
        switch event {
        case .waitingForLock(let holder):
            return "  waiting for another gitgate apply to finish (\(holder)) …"
        case .ledgerCreated(let versions):
            return "  created gitgate's ledger schema (\(versions.joined(separator: ", ")))"
        case .applied(let step):
            let how = step.transactional ? "" : style.dim("  (outside a transaction)")
            return "  " + style.green("applied") + " \(step.migration.path)  \(formatMilliseconds(step.durationMs ?? 0))\(how)"
        case .skipped(let step):
            return "  " + style.dim("skipped") + " \(step.migration.path)" + style.dim(step.note.map { "  \($0)" } ?? "")
        }
    }

    public static func summary(_ result: ApplyResult, style: Style) -> String {
        var lines: [String] = []
        let applied = result.applied
        let total = applied.compactMap(\.durationMs).reduce(0, +)
        if let failure = result.failure {
            lines.append(style.red("FAILED") + " \(failure.location): \(failure.message)\(failure.sqlState.map { " [\($0)]" } ?? "")")
            lines.append("  \(failure.consequence)")
            for index in failure.invalidIndexes {
                lines.append("  invalid index \(index): drop it with  DROP INDEX CONCURRENTLY \(index);")
            }
            let notRun = result.steps.filter { $0.outcome == .notRun }
            if !notRun.isEmpty {
                let named = notRun.prefix(3).map(\.migration.path).joined(separator: ", ")
                lines.append("  not run: \(named)\(notRun.count > 3 ? " and \(notRun.count - 3) more" : "")")
            }
            lines.append("Fix it, then run gitgate apply again: it continues from \(failure.path).")
        } else if let signal = result.interruptedBy {
            let notRun = result.steps.filter { $0.outcome == .notRun }
            let done = applied.isEmpty ? "nothing was applied" : "\(applied.count) migration\(applied.count == 1 ? "" : "s") applied and recorded before it"
            lines.append(style.yellow("INTERRUPTED") + " (\(Interruption.name(signal))): \(done); no migration started after it")
            let named = notRun.prefix(3).map(\.migration.path).joined(separator: ", ")
            lines.append("  not run: \(named)\(notRun.count > 3 ? " and \(notRun.count - 3) more" : "")")
            lines.append("Run gitgate apply again to go on: only what is pending runs.")
        } else if applied.isEmpty {
            lines.append("Nothing applied: \(result.target) already had every migration.")
        } else {
            lines.append(style.green("Applied \(applied.count) migration\(applied.count == 1 ? "" : "s")") + " to \(result.target) in \(formatMilliseconds(total)), each recorded in gitgate.migrations.")
        }
        return lines.joined(separator: "\n")
    }

    public static func record(_ outcome: Recorder.Outcome, style: Style) -> String {
        var lines = outcome.entries.map { entry in
            "  " + (entry.recorded ? style.green("recorded") : style.dim("skipped ")) + " \(entry.migration.path)  " + style.dim(entry.detail)
        }
        let count = outcome.entries.filter(\.recorded).count
        lines.append(count == 0 ? "Nothing recorded: \(outcome.target) already had them in its ledger."
                                : "Recorded \(count) migration\(count == 1 ? "" : "s") on \(outcome.target) (\(outcome.place)) as applied by hand.")
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    private struct JSONApply: Encodable {
        package var target: String
        package var place: String
        package var dryRun: Bool
        /// applied | nothing-to-apply | dry-run | refused | failed | interrupted
        package var result: String
        package var ledgerSchema: [String]
        package var migrations: [JSONMigration]
        package var refusals: [String]
        @Nullable package var failure: JSONFailure?
    }

    private struct JSONMigration: Encodable {
        package var version: String
        package var name: String
        package var path: String
        package var checksum: String
        package var state: MigrationState
        package var action: ApplyPlan.Item.Action
        @Nullable package var outcome: ApplyResult.Step.Outcome?
        @Nullable package var durationMs: Int?
        package var transactional: Bool
        @Nullable package var note: String?
        package var findings: [Finding]
    }

    private struct JSONFailure: Encodable {
        package var path: String
        @Nullable package var line: Int?
        package var message: String
        @Nullable package var sqlState: String?
        package var consequence: String
        package var invalidIndexes: [String]
        package var connectionLost: Bool
    }

    /// `result` is nil for a plan that was not run (refused, dry run, nothing to apply).
    public static func json(_ plan: ApplyPlan, result: ApplyResult?) -> String {
        let steps = Dictionary((result?.steps ?? []).map { ($0.migration.version, $0) }, uniquingKeysWith: { a, _ in a })
        let migrations = plan.items.map { item in
            let step = steps[item.migration.version]
            return JSONMigration(version: item.migration.version, name: item.migration.name, path: item.migration.path,
                                 checksum: item.migration.checksum, state: item.status.state, action: item.action,
                                 outcome: step?.outcome, durationMs: step?.durationMs,
                                 transactional: step?.transactional ?? item.transactional,
                                 note: step?.note ?? item.note, findings: item.findings)
        }
        let outcome: String
        if plan.isRefused { outcome = "refused" }
        else if result?.failure != nil { outcome = "failed" }
        else if result?.interruptedBy != nil { outcome = "interrupted" }
        else if plan.dryRun { outcome = "dry-run" }
        else if (result?.applied.isEmpty ?? true) { outcome = "nothing-to-apply" }
        else { outcome = "applied" }
        let failure = result?.failure.map {
            JSONFailure(path: $0.path, line: $0.line, message: $0.message, sqlState: $0.sqlState, consequence: $0.consequence,
                        invalidIndexes: $0.invalidIndexes, connectionLost: $0.connectionLost)
        }
        let object = JSONApply(target: plan.target.name, place: result?.place ?? plan.place, dryRun: plan.dryRun, result: outcome,
                               ledgerSchema: result?.ledgerSteps ?? (plan.dryRun ? plan.ledgerSteps : []),
                               migrations: migrations, refusals: plan.refusals, failure: failure)
        return encode(object)
    }

    private struct JSONRecord: Encodable {
        package struct Entry: Encodable {
            package var version: String
            package var path: String
            package var recorded: Bool
            package var detail: String
        }
        package var target: String
        package var place: String
        package var migrations: [Entry]
        package var ledgerSchema: [String]
    }

    public static func json(_ outcome: Recorder.Outcome) -> String {
        encode(JSONRecord(target: outcome.target, place: outcome.place,
                          migrations: outcome.entries.map { .init(version: $0.migration.version, path: $0.migration.path,
                                                                  recorded: $0.recorded, detail: $0.detail) },
                          ledgerSchema: outcome.ledgerSteps))
    }

    package static func encode<T: Encodable>(_ value: T) -> String { JSONOutput.render(value) }
}
