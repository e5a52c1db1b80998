import GitGateJSON
import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate lint`'s output: for people, for scripts (JSON), for GitHub Actions (annotations).
public struct LintReport: Sendable {
    public var outcome: LintService.Outcome

    public init(_ outcome: LintService.Outcome) {
        self.outcome = outcome
    }

    // MARK: Text

    public func text(style: Style) -> String {
        var lines: [String] = []
        for finding in outcome.findings {
            let label: String
            if let because = finding.allowedBecause {
                label = style.dim("allowed")
                lines.append("\(finding.path):\(finding.line): \(label) \(finding.rule): \(finding.message)")
                lines.append("    allowed because \(because)")
                continue
            }
            label = finding.severity == .error ? style.red("error") : style.yellow("warning")
            lines.append("\(finding.path):\(finding.line): \(label) \(style.bold(finding.rule)): \(finding.message)")
            lines.append("    fix: \(finding.fix)")
        }
        lines.append(summary(style: style))
        return lines.joined(separator: "\n")
    }

    private func summary(style: Style) -> String {
        let files = outcome.paths.count
        let where_ = outcome.branch.map { "\(files) new migration\(files == 1 ? "" : "s") on \($0)" }
            ?? "\(files) file\(files == 1 ? "" : "s")"
        if files == 0 && outcome.branch != nil { return "No new migrations on \(outcome.branch!): nothing to review." }
        let errors = outcome.findings.filter(\.blocks).count
        let warnings = outcome.findings.filter { $0.severity == .warning && $0.allowedBecause == nil }.count
        let allowed = outcome.findings.filter { $0.allowedBecause != nil }.count
        if errors + warnings + allowed == 0 { return style.green("No findings in \(where_).") }
        var parts = ["\(errors) error\(errors == 1 ? "" : "s")", "\(warnings) warning\(warnings == 1 ? "" : "s")"]
        if allowed > 0 { parts.append("\(allowed) allowed") }
        let counts = parts.joined(separator: ", ") + " in \(where_)"
        return errors > 0 ? style.red(counts) : counts
    }

    // MARK: JSON: the stable contract

    /// `{"findings": [...], "schemaVersion": 1}`: each finding with `severity` "allowed" (and
    /// its reason in `allowedBecause`) when a `gitgate:allow` comment allowed it.
    public func json() -> String {
        JSONOutput.render(JSONLint(findings: outcome.findings.map(JSONLintFinding.init)))
    }

    private struct JSONLint: Encodable {
        var findings: [JSONLintFinding]
    }

    // MARK: GitHub Actions workflow commands

    /// `::error file=PATH,line=N,title=RULE::message` per finding; allowed ones as notices.
    public func github() -> String {
        outcome.findings.map { finding in
            let level = finding.allowedBecause != nil ? "notice" : finding.severity == .error ? "error" : "warning"
            let message = finding.allowedBecause.map { "\(finding.message) (allowed because \($0))" }
                ?? "\(finding.message). Fix: \(finding.fix)"
            return "::\(level) file=\(Self.property(finding.path)),line=\(finding.line),title=\(Self.property(finding.rule))::\(Self.data(message))"
        }.joined(separator: "\n")
    }

    /// Escaping as the runner's command parser expects.
    package static func data(_ text: String) -> String {
        text.replacingOccurrences(of: "%", with: "%25")
            .replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    package static func property(_ text: String) -> String {
        data(text).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }
}

/// One finding in `--format json` (lint, status and the plan share it).
public struct JSONLintFinding: Encodable, Sendable {
    public var path: String
    public var rule: String
    /// error or warning; "allowed" when a `gitgate:allow` comment allowed it.
    public var severity: String
    public var line: Int
    public var message: String
    public var fix: String
    @Nullable public var allowedBecause: String?

    public init(_ finding: Finding) {
        path = finding.path
        rule = finding.rule
        severity = finding.allowedBecause == nil ? finding.severity.rawValue : "allowed"
        line = finding.line
        message = finding.message
        fix = finding.fix
        allowedBecause = finding.allowedBecause
    }
}
