import Foundation

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
        for group in candidate.ignored.prefix(12) {
            let text = "  ignored, deleted with it: \(group.description)"
            lines.append(group.data == nil ? text : style.yellow(text))
        }
        if candidate.ignored.count > 12 {
            lines.append("  ignored, deleted with it: … and \(candidate.ignored.count - 12) more")
        }
        for refusal in candidate.refusals {
            lines.append("  " + style.red("✗ ") + refusal.message)
            lines += refusal.details.map { "      " + $0 }
        }
        for note in candidate.notes { lines.append("  " + style.dim("note: " + note)) }
        if candidate.isClosable && !candidate.dataGroups.isEmpty {
            lines.append("  " + style.yellow("merged and clean, but the ignored data above would be deleted: that needs a yes on the terminal, or --include-ignored")
                + (dryRun ? " (dry run: nothing was changed)" : ""))
        } else if candidate.isClosable {
            lines.append("  " + style.green(dryRun ? "would close it (dry run: nothing was changed)" : "nothing would be lost"))
        } else {
            lines.append("  stays: nothing was changed")
        }
        return lines.joined(separator: "\n")
    }

    public static func closed(_ candidate: CloseCandidate, style: Style) -> String {
        var lines: [String] = []
        if let worktree = candidate.worktree {
            lines.append(style.green("removed worktree \(worktree)") + (candidate.folderExists ? "" : " (its folder was already gone)"))
        }
        if let branch = candidate.branch, let restore = candidate.restoreCommand {
            lines.append(style.green("deleted branch \(branch)") + " (was \(candidate.tip.prefix(7)))")
            lines.append("  restore it with: \(restore)")
            if candidate.merge != .ancestor {
                lines.append("  (its commits are not on main: that works until git gc prunes them, about two weeks)")
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
        var dryRun: Bool
        var worktrees: [JSONEntry]
        var cd: String?
        var reminders: [String]
        var nextSteps: [String]
    }

    private struct JSONEntry: Encodable {
        var action: String
        var branch: String?
        var worktree: String?
        var tip: String
        var merged: String?
        var restore: String?
        var refusals: [CloseRefusal]
        var ignored: [IgnoredGroup]
        var migrations: [JSONMigration]
        var notes: [String]
        var reason: String?
    }

    private struct JSONMigration: Encodable {
        var version: String
        var path: String
        var targets: [String: TargetStatus]
    }

    /// `{"dryRun", "worktrees": [{"action": "closed" | "would-close" | "kept", "branch", "worktree",
    /// "tip", "merged", "restore", "refusals": [{"code", "message", "details"}], "ignored",
    /// "migrations", "notes", "reason"}], "cd", "reminders", "nextSteps"}`
    public static func json(_ summary: CloseSummary) -> String {
        let entries = summary.entries.map { entry in
            let candidate = entry.candidate
            return JSONEntry(
                action: entry.action.rawValue, branch: candidate.branch, worktree: candidate.worktree,
                tip: candidate.tip, merged: candidate.merge?.rawValue, restore: candidate.restoreCommand,
                refusals: candidate.refusals, ignored: candidate.ignored,
                migrations: candidate.migrations.map { JSONMigration(version: $0.version, path: $0.path, targets: $0.states) },
                notes: candidate.notes, reason: entry.reason)
        }
        let object = JSONSummary(dryRun: summary.dryRun, worktrees: entries, cd: summary.cd,
                                 reminders: summary.reminders, nextSteps: summary.nextSteps)
        return encodeJSON(object)
    }
}
