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
        var reasons: [String] = []
        var notes: [String] = []
        var couldNotCheck = false

        if let policy {
            if case .missingOnMain(let branch) = policy.policy, !inspection.migrations.isEmpty {
                reasons.append("\(branch) has no committed .gitgate, so no policy gates this merge yet; commit .gitgate on \(branch) first (gitgate init writes one)")
            }
            if policy.pendingPolicyChange {
                notes.append(".gitgate here differs from the main branch's: its changes take effect when merged (the gate uses the main branch's)")
            }
            for key in policy.ignoredOverrides {
                notes.append("git config sets \(key), which only the main branch's .gitgate decides; it is ignored (git config may set only how to connect: url and timeouts)")
            }
        }

        for problem in inspection.problems {
            if problem.severity == .error { reasons.append(problem.message) } else { notes.append(problem.message) }
        }
        for migration in inspection.migrations {
            for finding in findings[migration.path] ?? [] where finding.severity == .error {
                if let because = finding.allowedBecause {
                    notes.append("\(migration.path):\(finding.line): \(finding.rule) allowed because \(because)")
                } else {
                    reasons.append("\(migration.path):\(finding.line): \(finding.message) (\(finding.rule)); \(finding.fix), or add '-- gitgate:allow \(finding.rule) because <reason>' above the statement")
                }
            }
        }

        let gated = checks.filter(\.gate)
        if !inspection.migrations.isEmpty && gated.isEmpty {
            if requireGatedTarget {
                reasons.append("no gated target is configured, so nothing can confirm production has these migrations; add [gitgate \"production\"] with url and gate = true to .gitgate")
            } else {
                notes.append("no target gates the merge: add [gitgate \"production\"] with a url to .gitgate")
            }
        }
        for check in gated {
            switch check.outcome {
            case .failure(let error):
                couldNotCheck = true
                reasons.append("\(check.target): could not check: \(error.message)")
            case .success(let states):
                for migration in inspection.migrations {
                    guard let status = states[migration.version] else {
                        couldNotCheck = true
                        reasons.append("\(check.target): no state for \(migration.path): could not check it")
                        continue
                    }
                    switch status.state {
                    case .applied:
                        break
                    case .appliedByHand:
                        notes.append("\(check.target): \(migration.path) was applied by hand (\(status.detail)); record it with: \(commands.record(migration, target: check.target))")
                    case .pending where status.cause == .unprovable:
                        let record = commands.ledger == .gitgate
                            ? "gitgate record \(migration.version) --target \(check.target) --unverified --reason \"…\""
                            : commands.record(migration, target: check.target)
                        reasons.append("\(check.target): \(migration.path) cannot be confirmed in the catalog (\(status.detail)); apply it with: \(commands.apply(target: check.target, migrations: [migration])), or, if it was run by hand, record it with: \(record)")
                    case .pending:
                        reasons.append("\(check.target): \(migration.path) is not applied; apply it with: \(commands.apply(target: check.target, migrations: [migration]))")
                    case .modified:
                        reasons.append("\(check.target): \(migration.path) was changed after it was applied (\(status.detail)); restore the applied version and put the change in a new migration")
                    case .objectsMissing:
                        reasons.append("\(check.target): \(migration.path) is recorded but \(status.detail); investigate the drift before merging")
                    }
                }
            }
        }
        for check in checks where !check.gate {
            if case .failure(let error) = check.outcome { notes.append("\(check.target) (not gated): could not check: \(error.message)") }
        }

        let decision: Verdict.Decision = couldNotCheck ? .error : (reasons.isEmpty ? .ready : .blocked)
        return Verdict(decision: decision, reasons: reasons, notes: notes)
    }
}
