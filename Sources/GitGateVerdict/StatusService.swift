import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets

/// `gitgate status`: inspect the branch, review its migrations, check every target, decide.
public enum StatusService {
    /// - Parameter members: `--member`: check only these members of each fleet.
    /// - Parameter cache: where parse results are kept between runs; by default the
    ///   repository's, none with `GITGATE_PARSE_CACHE=0`.
    public static func report(at path: String, branch: String? = nil, members: [String] = [],
                              environment: [String: String] = ProcessInfo.processInfo.environment,
                              cache: ParseCache? = nil) throws -> StatusReport {
        let inspector = try Inspector(at: path)
        let inspection = try inspector.inspectWorktree(branch: branch)
        let cache = cache ?? ParseCache.enabled(for: inspector.repository, environment: environment)
        var report = evaluate(inspection, configuration: inspector.configuration, environment: environment, members: members, cache: cache)
        cache?.finish()
        report.skips = SkipLog(repository: inspector.repository).recent()
        return report
    }

    /// Review and target checks for an inspection already made (status, check, hooks).
    public static func evaluate(_ inspection: Inspection, configuration: Configuration,
                                environment: [String: String] = ProcessInfo.processInfo.environment,
                                requireGatedTarget: Bool = true, members: [String] = [], cache: ParseCache? = nil) -> StatusReport {
        // One parse per migration serves both the review and the target check.
        let parsed = ParsedFile.parse(inspection.migrations.map(\.contents), cache: cache)
        // On main the review has been done, migration by migration, before each merge; apply
        // reviews what it is about to run.
        let findings = inspection.isMain ? [:] : Review.findings(for: inspection, parsed: parsed, configuration: configuration, cache: cache)
        var checker = TargetChecker(ledger: configuration.ledger, environment: environment)
        checker.members = members
        let checks = checker.check(configuration.targets, migrations: inspection.migrations, parsed: parsed)
        let verdict = Gate.verdict(inspection: inspection, findings: findings, checks: checks,
                                   requireGatedTarget: requireGatedTarget, policy: configuration,
                                   commands: LedgerCommands(configuration))
        return StatusReport(inspection: inspection, findings: findings, checks: checks, verdict: verdict)
    }
}
