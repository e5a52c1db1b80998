import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets

/// Combines what the inspector, the review and each target said into one verdict.
public enum Gate {
    /// - Parameter requireGatedTarget: the hooks pass true: with migrations to merge and no
    ///   gated target configured there is nothing to check against, so they block.
    /// - Parameter policy: where the rules came from (main's `.gitgate`), for what status says about them.
    /// - Parameter commands: how to apply and record with the configured ledger's tool, for the reasons.
    public static func verdict(inspection: Inspection, findings: [String: [Finding]], checks: [TargetCheck],
                               requireGatedTarget: Bool = true, policy: Configuration? = nil,
                               commands: LedgerCommands = LedgerCommands(ledger: .gitgate, folder: "")) -> Verdict {
        var reasons: [Reason] = []
        var notes: [Note] = []

        if let policy {
            if case .missingOnMain(let branch) = policy.policy, !inspection.migrations.isEmpty {
                reasons.append(.noPolicyOnMain(branch: branch))
            }
            if policy.pendingPolicyChange { notes.append(.policyChangePending) }
            notes += policy.ignoredOverrides.map { .ignoredOverride(key: $0) }
        }

        for problem in inspection.problems {
            if problem.severity == .error { reasons.append(.problem(problem)) } else { notes.append(.problem(problem)) }
        }
        for migration in inspection.migrations {
            for finding in findings[migration.path] ?? [] where finding.severity == .error {
                if finding.allowedBecause != nil {
                    notes.append(.allowed(path: migration.path, finding))
                } else {
                    reasons.append(.finding(path: migration.path, finding))
                }
            }
        }

        let gated = checks.filter(\.gate)
        if !inspection.migrations.isEmpty && gated.isEmpty {
            if requireGatedTarget { reasons.append(.noGatedTarget) } else { notes.append(.noTargetGates) }
        }
        for check in gated {
            if let fleet = check.fleet {
                fleetReasons(FleetSummary(check, fleet: fleet, migrations: inspection.migrations), migrations: inspection.migrations,
                             commands: commands, reasons: &reasons, notes: &notes)
                continue
            }
            switch check.outcome {
            case .failure(let error):
                reasons.append(.couldNotCheck(target: check.target, error))
            case .success(let states):
                for migration in inspection.migrations {
                    guard let status = states[migration.version] else {
                        reasons.append(.noState(target: check.target, path: migration.path))
                        continue
                    }
                    let remedy = Remedy.next(for: status, of: migration, on: check.target, commands: commands)
                    switch status.state {
                    case .applied:
                        break
                    case .appliedByHand:
                        notes.append(.appliedByHand(target: check.target, path: migration.path, status: status, remedy: remedy))
                    case .pending, .modified, .objectsMissing:
                        reasons.append(.notInPlace(target: check.target, path: migration.path, version: migration.version,
                                                   status: status, remedy: remedy))
                    }
                }
            }
        }
        for check in checks where !check.gate {
            if case .failure(let error) = check.outcome { notes.append(.ungatedCouldNotCheck(target: check.target, error)) }
        }

        let decision: Verdict.Decision = reasons.contains(where: \.isCouldNotCheck) ? .error : (reasons.isEmpty ? .ready : .blocked)
        return Verdict(decision: decision, reasons: reasons, notes: notes)
    }
}
