import GitGateConfig
import GitGateMigrations

/// What to do next about one migration on one target. This is the one table of advice: the
/// gate's reasons, apply's plan, record's refusals and the deployment plan all take their
/// "what to do" from here, so they cannot drift apart.
public enum Remedy: Sendable, Hashable {
    /// Nothing: the migration is in place.
    case none
    /// The catalog proves it ran by hand: record it as the tool would.
    case record(command: String)
    /// Not applied: apply it.
    case apply(command: String)
    /// The catalog cannot prove it: apply it, or record a hand-run with a reason.
    case applyOrRecordUnverified(apply: String, record: String)
    /// Changed after it was applied: the file must go back to what production ran.
    case restoreApplied
    /// Recorded, but its objects are gone: a person must find out why.
    case investigateDrift

    /// The remedy for `status`, in the words of the configured ledger's tool.
    public static func next(for status: TargetStatus, of migration: Migration, on target: String,
                            commands: LedgerCommands) -> Remedy {
        switch status.state {
        case .applied: return .none
        case .appliedByHand: return .record(command: commands.record(migration, target: target))
        case .pending where status.cause == .unprovable:
            let record = commands.ledger == .gitgate
                ? "gitgate record \(migration.version) --target \(target) --unverified --reason \"…\""
                : commands.record(migration, target: target)
            return .applyOrRecordUnverified(apply: commands.apply(target: target, migrations: [migration]), record: record)
        case .pending: return .apply(command: commands.apply(target: target, migrations: [migration]))
        case .modified: return .restoreApplied
        case .objectsMissing: return .investigateDrift
        }
    }

    /// The advice as a clause: "apply it with: gitgate apply --target production".
    public var text: String {
        switch self {
        case .none: return "nothing to do"
        case .record(let command): return "record it with: \(command)"
        case .apply(let command): return "apply it with: \(command)"
        case .applyOrRecordUnverified(let apply, let record):
            return "apply it with: \(apply), or, if it was run by hand, record it with: \(record)"
        case .restoreApplied: return "restore the applied version and put the change in a new migration"
        case .investigateDrift: return "investigate the drift before merging or applying anything"
        }
    }

    /// The shell command the advice names, if it is one (for JSON and the plan).
    public var command: String? {
        switch self {
        case .record(let command), .apply(let command): return command
        case .applyOrRecordUnverified(let apply, _): return apply
        case .none, .restoreApplied, .investigateDrift: return nil
        }
    }
}

extension TargetStatus {
    /// Where `path` stands, as a clause: "002_orders.sql is not applied".
    public func standing(of path: String) -> String {
        switch state {
        case .applied: return "\(path) is applied (\(detail))"
        case .appliedByHand: return "\(path) was applied by hand (\(detail))"
        case .pending where cause == .unprovable: return "\(path) cannot be confirmed in the catalog (\(detail))"
        case .pending where cause == .failedRun: return "\(path) did not finish when it last ran (\(detail))"
        case .pending: return "\(path) is not applied (\(detail))"
        case .modified: return "\(path) was changed after it was applied (\(detail))"
        case .objectsMissing: return "\(path) is recorded but \(detail)"
        }
    }
}
