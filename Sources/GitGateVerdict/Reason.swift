import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateTargets

/// Why the gate blocks (or could not check): values, so that status, the hooks, the plan and
/// JSON read the same facts, and nothing decides by matching a sentence.
public enum Reason: Sendable, Equatable {
    /// The main branch has no committed `.gitgate`: no policy gates the merge.
    case noPolicyOnMain(branch: String)
    /// A conflict among the files themselves (duplicate version, history changed, …).
    case problem(Problem)
    /// A review finding at error level that no comment allows.
    case finding(path: String, Finding)
    /// Migrations to merge and no gated target to confirm them.
    case noGatedTarget
    /// A gated target could not be asked.
    case couldNotCheck(target: String, GitGateError)
    /// The target answered but said nothing about this migration.
    case noState(target: String, path: String)
    /// The migration is not in place on a gated target.
    case notInPlace(target: String, path: String, version: String, status: TargetStatus, remedy: Remedy)
    /// The hook saw a history with no base: every migration counts as new.
    case firstCheckOfHistory(target: String)
    /// Members of a fleet that could not be checked or lack a migration.
    case fleet(FleetFact)

    /// Whether this reason means "could not check" (exit 2) rather than "blocked" (exit 1).
    public var isCouldNotCheck: Bool {
        switch self {
        case .couldNotCheck, .noState: return true
        case .fleet(let fact): return fact.problem == .couldNotCheck
        default: return false
        }
    }

    /// Stable kebab-case name for scripts (`reasons[].code` in JSON).
    public var code: String {
        switch self {
        case .noPolicyOnMain: return "no-policy-on-main"
        case .problem(let problem): return problem.code.rawValue
        case .finding: return "finding"
        case .noGatedTarget: return "no-gated-target"
        case .couldNotCheck: return "could-not-check"
        case .noState: return "no-state"
        case .notInPlace(_, _, _, let status, _): return status.state.rawValue
        case .firstCheckOfHistory: return "first-check-of-history"
        case .fleet(let fact):
            switch fact.problem {
            case .couldNotCheck: return "could-not-check"
            case .lacks, .unconfirmed: return MigrationState.pending.rawValue
            case .changed: return MigrationState.modified.rawValue
            case .drifted: return MigrationState.objectsMissing.rawValue
            case .appliedByHand: return MigrationState.appliedByHand.rawValue
            }
        }
    }

    /// The target the reason is about, if one.
    public var target: String? {
        switch self {
        case .couldNotCheck(let target, _), .noState(let target, _), .notInPlace(let target, _, _, _, _),
             .firstCheckOfHistory(let target):
            return target
        case .fleet(let fact): return fact.target
        default: return nil
        }
    }

    /// The file the reason is about, if one.
    public var path: String? {
        switch self {
        case .finding(let path, _), .noState(_, let path), .notInPlace(_, let path, _, _, _): return path
        case .problem(let problem): return problem.paths.first
        case .fleet(let fact): return fact.path
        default: return nil
        }
    }
}

/// What the gate notes without blocking.
public enum Note: Sendable, Equatable {
    /// `.gitgate` here differs from main's: it takes effect when merged.
    case policyChangePending
    /// git config sets a policy key that only main's `.gitgate` decides.
    case ignoredOverride(key: String)
    /// A warning among the files.
    case problem(Problem)
    /// An error-level finding a `gitgate:allow` comment allows, with its reason.
    case allowed(path: String, Finding)
    /// Migrations and no gated target, where that does not block (status on a branch).
    case noTargetGates
    /// The catalog proves a migration ran by hand; the ledger lacks it.
    case appliedByHand(target: String, path: String, status: TargetStatus, remedy: Remedy)
    /// A target that does not gate could not be asked.
    case ungatedCouldNotCheck(target: String, GitGateError)
    /// `--member` narrowed a fleet: the gate itself checks every member.
    /// `status --member`: some members shown in detail; the verdict is still every member's.
    case fleetMembersShown(target: String, shown: Int, total: Int, kind: String)
    /// Members of a fleet where the catalog proves a migration ran by hand.
    case fleetAppliedByHand(FleetFact)

    /// Stable kebab-case name for scripts (`notes[].code` in JSON).
    public var code: String {
        switch self {
        case .policyChangePending: return "policy-change-pending"
        case .ignoredOverride: return "ignored-override"
        case .problem(let problem): return problem.code.rawValue
        case .allowed: return "allowed"
        case .noTargetGates: return "no-target-gates"
        case .appliedByHand: return "applied-by-hand"
        case .ungatedCouldNotCheck: return "could-not-check"
        case .fleetMembersShown: return "fleet-members-shown"
        case .fleetAppliedByHand: return "applied-by-hand"
        }
    }

    public var target: String? {
        switch self {
        case .appliedByHand(let target, _, _, _), .ungatedCouldNotCheck(let target, _),
             .fleetMembersShown(let target, _, _, _): return target
        case .fleetAppliedByHand(let fact): return fact.target
        default: return nil
        }
    }

    public var path: String? {
        switch self {
        case .allowed(let path, _), .appliedByHand(_, let path, _, _): return path
        case .problem(let problem): return problem.paths.first
        case .fleetAppliedByHand(let fact): return fact.path
        default: return nil
        }
    }
}

// MARK: - Text: the one place these values become sentences

extension Reason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .noPolicyOnMain(let branch):
            return "\(branch) has no committed .gitgate, so no policy gates this merge yet; commit .gitgate on \(branch) first (gitgate init writes one)"
        case .problem(let problem):
            return problem.message
        case .finding(let path, let finding):
            return "\(path):\(finding.line): \(finding.message) (\(finding.rule)); \(finding.fix), or add '-- gitgate:allow \(finding.rule) because <reason>' above the statement"
        case .noGatedTarget:
            return "no gated target is configured, so nothing can confirm production has these migrations; add [gitgate \"production\"] with url and gate = true to .gitgate"
        case .couldNotCheck(let target, let error):
            return "\(target): could not check: \(error.message)"
        case .noState(let target, let path):
            return "\(target): no state for \(path): could not check it"
        case .notInPlace(let target, let path, _, let status, let remedy):
            return "\(target): \(status.standing(of: path)); \(remedy.text)"
        case .firstCheckOfHistory(let target):
            return "this is the first check of this history (no base), so every migration counts as new; if the database already has them, adopt it once with: gitgate baseline --target \(target)"
        case .fleet(let fact):
            let name = fact.target, members = fact.shownMembers, path = fact.path ?? "its migrations"
            let first = "(first, \(fact.members[0]): \(fact.firstDetail))"
            let apply = fact.apply ?? "gitgate apply --target \(name)"
            switch fact.problem {
            case .couldNotCheck:
                return "\(name): could not check \(fact.share): \(members) \(first); the gate needs every \(fact.kind)"
            case .lacks:
                return "\(name): \(fact.share) lack \(path): \(members); apply it with: \(apply)"
            case .unconfirmed:
                return "\(name): \(path) cannot be confirmed in the catalog of \(fact.share): \(members) \(first); apply it with: \(apply), or, if it was run by hand, record it on each"
            case .changed:
                return "\(name): \(path) was changed after it was applied on \(fact.share): \(members); restore the applied version and put the change in a new migration"
            case .drifted:
                return "\(name): \(path) is recorded on \(fact.share) whose objects it creates are not all there: \(members) \(first); investigate the drift before merging"
            case .appliedByHand:
                return "\(name): \(path) was applied by hand on \(fact.share): \(members); record it there"
            }
        }
    }
}

extension Note: CustomStringConvertible {
    public var description: String {
        switch self {
        case .policyChangePending:
            return ".gitgate here differs from the main branch's: its changes take effect when merged (the gate uses the main branch's)"
        case .ignoredOverride(let key):
            return "git config sets \(key), which only the main branch's .gitgate decides; it is ignored (git config may set only how to connect: url and timeouts)"
        case .problem(let problem):
            return problem.message
        case .allowed(let path, let finding):
            return "\(path):\(finding.line): \(finding.rule) allowed because \(finding.allowedBecause ?? "a gitgate:allow comment says so")"
        case .noTargetGates:
            return "no target gates the merge: add [gitgate \"production\"] with a url to .gitgate"
        case .appliedByHand(let target, let path, let status, let remedy):
            return "\(target): \(status.standing(of: path)); \(remedy.text)"
        case .ungatedCouldNotCheck(let target, let error):
            return "\(target) (not gated): could not check: \(error.message)"
        case .fleetMembersShown(let target, let shown, let total, let kind):
            return "\(target): --member shows \(FleetSummary.grouped(shown)) of \(FleetSummary.grouped(total)) \(kind)s; every one was checked, and the verdict is the gate's, which needs them all"
        case .fleetAppliedByHand(let fact):
            return Reason.fleet(fact).description
        }
    }
}
