import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

extension StatusReport {
    /// GitHub Actions workflow commands: an error annotation per reason (on the migration's file
    /// when the reason names one), a warning per note, and a closing notice with the verdict.
    public func githubAnnotations() -> String {
        let paths = inspection.migrations.map(\.path) + inspection.problems.flatMap(\.paths)
        func file(for message: String) -> String? { paths.first { !$0.isEmpty && message.contains($0) } }
        func command(_ level: String, _ message: String) -> String {
            var properties = ["title=\(Self.escapeProperty("gitgate"))"]
            if let path = file(for: message) { properties.insert("file=\(Self.escapeProperty(path))", at: 0) }
            return "::\(level) \(properties.joined(separator: ","))::\(Self.escapeData(message))"
        }
        var lines = verdict.reasons.map { command("error", $0) } + verdict.notes.map { command("warning", $0) }
        let count = inspection.migrations.count
        let summary: String
        switch verdict.decision {
        case .ready: summary = "READY TO MERGE: \(count) new migration\(count == 1 ? "" : "s"), every gated target has them"
        case .blocked: summary = "BLOCKED: \(verdict.reasons.count) reason\(verdict.reasons.count == 1 ? "" : "s")"
        case .error: summary = "BLOCKED (could not check): \(verdict.reasons.joined(separator: "; "))"
        }
        lines.append("::\(verdict.decision == .ready ? "notice" : "error") title=gitgate::\(Self.escapeData(summary))")
        return lines.joined(separator: "\n")
    }

    /// A Markdown summary for `$GITHUB_STEP_SUMMARY`.
    public func githubStepSummary() -> String {
        var lines = ["### gitgate: " + (verdict.decision == .ready ? "✓ ready to merge" : "✗ blocked")]
        if inspection.migrations.isEmpty { lines.append("No new migrations.") }
        for migration in inspection.migrations {
            let states = checks.compactMap { check in check.states?[migration.version].map { "\(check.target): \($0.state.rawValue)" } }
            lines.append("- `\(migration.path)`" + (states.isEmpty ? "" : " — " + states.joined(separator: ", ")))
        }
        lines += verdict.reasons.map { "- **\($0)**" }
        return lines.joined(separator: "\n") + "\n"
    }

    package static func escapeData(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    package static func escapeProperty(_ text: String) -> String {
        escapeData(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}
