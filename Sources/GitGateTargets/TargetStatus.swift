import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// Where one migration stands on one target.
public enum MigrationState: String, Sendable, Codable, CaseIterable {
    /// In the ledger with the same checksum, and its objects exist.
    case applied
    /// Not in the ledger, but the catalog proves every statement's effect (run with `psql -f`).
    case appliedByHand = "applied-by-hand"
    /// In the ledger with a different checksum.
    case modified
    /// In the ledger, but an object it creates is gone.
    case objectsMissing = "objects-missing"
    /// Neither recorded nor present.
    case pending

    /// Whether the gate lets this state through.
    public var passes: Bool { self == .applied || self == .appliedByHand }
}

/// One migration's state on one target, with the evidence in words and per statement.
public struct TargetStatus: Sendable, Hashable, Codable {
    public var state: MigrationState
    public var detail: String
    /// What the catalog says about each statement, in file order (empty when nothing was checked).
    public var evidence: [StatementEvidence]
    /// Why it is pending; nil in every other state.
    public var cause: PendingCause?

    public init(_ state: MigrationState, _ detail: String, evidence: [StatementEvidence] = [], cause: PendingCause? = nil) {
        self.state = state
        self.detail = detail
        self.evidence = evidence
        self.cause = state == .pending ? (cause ?? .missing) : nil
    }
}

/// The result of checking one target: a state per migration version, or why it could not be checked.
public struct TargetCheck: Sendable {
    public var target: String
    public var gate: Bool
    public var outcome: Result<[String: TargetStatus], GitGateError>

    public init(target: String, gate: Bool, outcome: Result<[String: TargetStatus], GitGateError>) {
        self.target = target
        self.gate = gate
        self.outcome = outcome
    }

    public var states: [String: TargetStatus]? { try? outcome.get() }
}
