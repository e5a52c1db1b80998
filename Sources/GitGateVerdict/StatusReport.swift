import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets

/// Everything `gitgate status` (and the hooks, and `gitgate check`) knows, ready to print.
public struct StatusReport: Sendable {
    public var inspection: Inspection
    public var findings: [String: [Finding]]
    public var checks: [TargetCheck]
    public var verdict: Verdict
    /// Recent skips of the gate in this repository (`GITGATE_SKIP`), shown after the verdict.
    public var skips: [SkipLog.Entry] = []

    public init(inspection: Inspection, findings: [String: [Finding]], checks: [TargetCheck], verdict: Verdict) {
        self.inspection = inspection
        self.findings = findings
        self.checks = checks
        self.verdict = verdict
    }
}
