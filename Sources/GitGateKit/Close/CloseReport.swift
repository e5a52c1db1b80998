import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// What `gitgate close` prints: each candidate as it is assessed, each removal, the closing
/// words (where to cd, reminders, next steps), and the JSON object for scripts.
public enum CloseReport {
    public static func assessment(_ candidate: CloseCandidate, dryRun: Bool, style: Style) -> String {
        var lines = [style.bold(candidate.title)]
        if !candidate.tip.isEmpty {
            lines.append("  tip: \(candidate.tip.prefix(7)) \(candidate.tipSummary)")
        }
        if let merge = candidate.merge { lines.append("  merged: \(merge.explanation)") }
        for migration in candidate.migrations {
            let states = migration.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.state.rawValue)" }
            lines.append("  migration \(migration.path)\(states.isEmpty ? "" : ": " + states.joined(separator: ", "))")
        }
        lines += ignoredLines(candidate, style: style)
        for refusal in candidate.refusals {
            lines.append("  " + style.red("✗ ") + refusal.message)
            lines += refusal.details.map { "      " + $0 }
        }
        for note in candidate.notes { lines.append("  " + style.dim("note: " + note)) }
        if candidate.isClosable {
            let verdict = candidate.discardedGroups.isEmpty ? "nothing would be lost"
                : "nothing would be lost but the ignored files marked \"to delete\""
            lines.append("  " + style.green(dryRun ? "would close it; \(verdict) (dry run: nothing was changed)" : verdict))
        } else {
            lines.append("  stays: nothing was changed")
        }
        return lines.joined(separator: "\n")
    }

    /// One line per group of ignored files: "to keep" (moved into the keep folder when it
    /// closes) or "to delete" with the rule that says so.
    package static func ignoredLines(_ candidate: CloseCandidate, style: Style) -> [String] {
        var lines: [String] = []
        for group in candidate.ignored.prefix(12) {
            if let rule = group.discard {
                let text = "  ignored, to delete (\(rule)): \(group.description)"
                lines.append(group.data == nil ? text : style.yellow(text))
            } else {
                lines.append("  ignored, to keep: \(group.description)")
            }
        }
        if candidate.ignored.count > 12 {
            let rest = candidate.ignored.dropFirst(12)
            let kept = rest.filter { $0.discard == nil }.count
            lines.append("  ignored: … and \(rest.count) more (\(kept) to keep, \(rest.count - kept) to delete)")
        }
        if !candidate.keptGroups.isEmpty {
            lines.append("  " + style.dim("when it closes, files to keep are moved into a new folder under \(candidate.keepBase)/"))
        }
        return lines
    }

    public static func closed(_ candidate: CloseCandidate, kept: KeptFiles? = nil, style: Style) -> String {
        var lines: [String] = []
        if let kept {
            lines.append(style.green("kept \(kept.files) ignored file\(kept.files == 1 ? "" : "s") in \(kept.folder)"))
            lines.append("  bring them back with: \(kept.restoreCommand)")
        }
        let discarded = candidate.discardedGroups.reduce(0) { $0 + $1.files }
        if discarded > 0 && candidate.folderExists {
            let rules = Set(candidate.discardedGroups.compactMap(\.discard)).map(\.description).sorted()
            lines.append("deleted \(discarded) ignored file\(discarded == 1 ? "" : "s") with the worktree (\(rules.joined(separator: ", ")))")
        }
        if let worktree = candidate.worktree {
            lines.append(style.green("removed worktree \(worktree)") + (candidate.folderExists ? "" : " (its folder was already gone)"))
        }
        if let branch = candidate.branch, let restore = candidate.restoreCommand {
            lines.append(style.green("deleted branch \(branch)") + " (was \(candidate.tip.prefix(7)))")
            lines.append("  restore it with: \(restore)")
            if candidate.merge != .ancestor {
                lines.append("  (its commits are not on main, only their changes: the command works until git gc prunes unreachable commits, which gc.pruneExpire decides, two weeks by default)")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Where to cd, the configured reminders and the post-merge steps.
    public static func closingWords(_ summary: CloseSummary, style: Style) -> String {
        var lines: [String] = []
        if summary.allMerged {
            let closed = summary.entries.filter { $0.action != .kept }.count
            let verb = summary.dryRun ? "would close" : "closed"
            lines.append("\(verb) \(closed), kept \(summary.entries.count - closed)")
        }
        if let cd = summary.cd {
            lines.append(style.bold("You were inside the removed worktree: cd \(cd)"))
        }
        if !summary.reminders.isEmpty {
            lines.append(style.bold("Reminders:"))
            lines += summary.reminders.map { "  - " + $0 }
        }
        if !summary.nextSteps.isEmpty {
            lines.append(style.bold(summary.dryRun ? "Next steps, once closed:" : "Next steps:"))
            lines += summary.nextSteps.map { "  - " + $0 }
        }
        return lines.joined(separator: "\n")
    }

    // MARK: JSON

    private struct JSONSummary: Encodable {
        package var dryRun: Bool
        package var worktrees: [JSONEntry]
        package var cd: String?
        package var reminders: [String]
        package var nextSteps: [String]
    }

    private struct JSONEntry: Encodable {
        package var action: String
        package var branch: String?
        package var worktree: String?
        package var tip: String
        package var merged: String?
        package var restore: String?
        package var refusals: [CloseRefusal]
        package var ignored: [IgnoredGroup]
        package var kept: KeptJSON?
        package var migrations: [JSONMigration]
        package var notes: [String]
        package var reason: String?
    }

    package struct KeptJSON: Encodable {
        package var folder: String
        package var files: Int
        package var restore: String

        package init(_ kept: KeptFiles) {
            folder = kept.folder
            files = kept.files
            restore = kept.restoreCommand
        }
    }

    private struct JSONMigration: Encodable {
        package var version: String
        package var path: String
        package var targets: [String: TargetStatus]
    }

    /// `{"dryRun", "worktrees": [{"action": "closed" | "would-close" | "kept", "branch", "worktree",
    /// "tip", "merged", "restore", "refusals": [{"code", "message", "details"}],
    /// "ignored": [{"path", "files", "bytes", "data", "discard"}], "kept": {"folder", "files", "restore"},
    /// "migrations", "notes", "reason"}], "cd", "reminders", "nextSteps"}`. `discard` is null for
    /// files kept, else "--discard-ignored" or "closeDiscard = GLOB"; `kept` is there once closed.
    public static func json(_ summary: CloseSummary) -> String {
        let entries = summary.entries.map { entry in
            let candidate = entry.candidate
            return JSONEntry(
                action: entry.action.rawValue, branch: candidate.branch, worktree: candidate.worktree,
                tip: candidate.tip, merged: candidate.merge?.rawValue, restore: candidate.restoreCommand,
                refusals: candidate.refusals, ignored: candidate.ignored, kept: entry.kept.map(KeptJSON.init),
                migrations: candidate.migrations.map { JSONMigration(version: $0.version, path: $0.path, targets: $0.states) },
                notes: candidate.notes, reason: entry.reason)
        }
        let object = JSONSummary(dryRun: summary.dryRun, worktrees: entries, cd: summary.cd,
                                 reminders: summary.reminders, nextSteps: summary.nextSteps)
        return encodeJSON(object)
    }

    // MARK: close --check

    /// The assessment, the reasons it is not safe, and the answer.
    public static func check(_ check: CloseCheck, style: Style) -> String {
        var lines: [String] = []
        if let candidate = check.candidate {
            lines.append(style.bold(candidate.title))
            if !candidate.tip.isEmpty { lines.append("  tip: \(candidate.tip.prefix(7)) \(candidate.tipSummary)") }
            if let merge = candidate.merge { lines.append("  merged: \(merge.explanation)") }
            for migration in candidate.migrations {
                let states = migration.states.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.state.rawValue)" }
                lines.append("  migration \(migration.path)\(states.isEmpty ? "" : ": " + states.joined(separator: ", "))")
            }
            lines += ignoredLines(candidate, style: style)
        }
        for reason in check.reasons {
            lines.append("  " + style.red("✗ ") + reason.message)
            lines += reason.details.map { "      " + $0 }
        }
        for note in check.candidate?.notes ?? [] { lines.append("  " + style.dim("note: " + note)) }
        if check.safe {
            let deleted = check.candidate?.discardedGroups.isEmpty == false ? " but the ignored files marked \"to delete\"" : ""
            lines.append("  " + style.green("safe to remove: nothing would be lost\(deleted)"))
        } else {
            lines.append("  " + style.red("not safe to remove") + " (checked only: nothing was changed)")
        }
        return lines.joined(separator: "\n")
    }

    private struct JSONCheck: Encodable {
        package var safe: Bool
        package var closable: Bool
        package var worktree: String?
        package var branch: String?
        package var tip: String?
        package var merged: String?
        package var reasons: [CloseRefusal]
        package var ignored: [IgnoredGroup]
        package var migrations: [JSONMigration]
        package var notes: [String]
    }

    /// `{"safe", "closable", "worktree", "branch", "tip", "merged", "reasons": [{"code", "message",
    /// "details"}], "ignored": [{"path", "files", "bytes", "data", "discard"}], "migrations", "notes"}`.
    /// `safe`: removing the folder, by gitgate close or any other tool, loses nothing;
    /// `closable`: gitgate close would close it (keeping the ignored files it lists to keep).
    public static func json(_ check: CloseCheck) -> String {
        let candidate = check.candidate
        return encodeJSON(JSONCheck(
            safe: check.safe, closable: check.closable, worktree: candidate?.worktree, branch: candidate?.branch,
            tip: candidate?.tip, merged: candidate?.merge?.rawValue, reasons: check.reasons,
            ignored: candidate?.ignored ?? [],
            migrations: (candidate?.migrations ?? []).map { JSONMigration(version: $0.version, path: $0.path, targets: $0.states) },
            notes: candidate?.notes ?? []))
    }
}
