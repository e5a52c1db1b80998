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

    /// `{"findings": [{"allowedBecause"?, "fix", "line", "message", "path", "rule", "severity"}]}`,
    /// keys sorted, one finding per line. Written by hand: JSONEncoder costs more than the review
    /// of a small file.
    public func json() -> String {
        guard !outcome.findings.isEmpty else { return "{\"findings\": []}" }
        var out = "{\"findings\": [\n"
        for (index, finding) in outcome.findings.enumerated() {
            out += "  {"
            if let because = finding.allowedBecause { out += "\"allowedBecause\": \(Self.quote(because)), " }
            out += "\"fix\": \(Self.quote(finding.fix)), \"line\": \(finding.line), \"message\": \(Self.quote(finding.message)), "
            out += "\"path\": \(Self.quote(finding.path)), \"rule\": \(Self.quote(finding.rule)), "
            out += "\"severity\": \(Self.quote(finding.severity.rawValue))}"
            out += index == outcome.findings.count - 1 ? "\n" : ",\n"
        }
        return out + "]}"
    }

    /// A JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
    package static func quote(_ text: String) -> String {
        let needsEscape = text.utf8.contains { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }
        guard needsEscape else { return "\"" + text + "\"" }
        var bytes: [UInt8] = [UInt8(ascii: "\"")]
        bytes.reserveCapacity(text.utf8.count + 16)
        let hex = Array("0123456789abcdef".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), byte]
            case 0x0A: bytes += Array("\\n".utf8)
            case 0x0D: bytes += Array("\\r".utf8)
            case 0x09: bytes += Array("\\t".utf8)
            case 0..<0x20: bytes += Array("\\u00".utf8) + [hex[Int(byte >> 4)], hex[Int(byte & 0xF)]]
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
        return String(decoding: bytes, as: UTF8.self)
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
