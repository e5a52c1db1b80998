import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets

/// The gate's decision.
public struct Verdict: Sendable, Equatable {
    public enum Decision: String, Sendable, Codable {
        case ready, blocked, error
    }

    public var decision: Decision
    /// Every reason the merge is blocked (or could not be checked), each with its fix.
    public var reasons: [Reason]
    /// Things worth knowing that do not block: warnings, hand-applied migrations.
    public var notes: [Note]

    public init(decision: Decision, reasons: [Reason], notes: [Note]) {
        self.decision = decision
        self.reasons = reasons
        self.notes = notes
    }

    public var exitCode: Int32 {
        switch decision {
        case .ready: return ExitStatus.success
        case .blocked: return ExitStatus.blocked
        case .error: return ExitStatus.couldNotCheck
        }
    }
}
