import Foundation
import GitGateKit
import Testing

@Suite("Lint report formats")
struct LintReportTests {
    private let tricky = Finding(path: "db/ä \"quoted\".sql", rule: "destructive-drop", severity: .error, line: 7,
                                 message: "back\\slash, tab\t, newline\n, bell\u{07}, emoji 🐘, %", fix: "fix: it, now",
                                 allowedBecause: "line one\nline two")

    private func outcome(_ findings: [Finding]) -> LintService.Outcome {
        LintService.Outcome(findings: findings, paths: ["a.sql"], unreadable: [], branch: nil)
    }

    @Test func jsonEscapesEverythingAndRoundTrips() throws {
        let plain = Finding(path: "a.sql", rule: "update-without-where", severity: .warning, line: 1, message: "m", fix: "f")
        let json = LintReport(outcome([tricky, plain])).json()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        let findings = try #require(object["findings"] as? [[String: Any]])
        #expect(findings.count == 2)
        #expect(findings[0]["path"] as? String == tricky.path)
        #expect(findings[0]["message"] as? String == tricky.message)
        #expect(findings[0]["allowedBecause"] as? String == "line one\nline two")
        #expect(findings[0]["line"] as? Int == 7)
        #expect(findings[1]["allowedBecause"] is NSNull, "absent is null, not a missing key")
        #expect(findings[1]["severity"] as? String == "warning")
        let empty = try #require(try JSONSerialization.jsonObject(with: Data(LintReport(outcome([])).json().utf8)) as? [String: Any])
        #expect((empty["findings"] as? [Any])?.isEmpty == true)
    }

    @Test func githubAnnotationsEscapeTheirProperties() {
        let line = LintReport(outcome([tricky])).github()
        #expect(!line.contains("\n"))
        #expect(line.hasPrefix("::notice file=db/ä \"quoted\".sql,line=7,title=destructive-drop::"))
        #expect(line.contains("newline%0A, bell"))
        #expect(line.contains("emoji 🐘, %25"))
        let comma = LintReport(outcome([Finding(path: "a,b:c.sql", rule: "r", severity: .warning, line: 1, message: "m", fix: "f")])).github()
        #expect(comma.hasPrefix("::warning file=a%2Cb%3Ac.sql,line=1,title=r::m. Fix: f"))
    }
}
