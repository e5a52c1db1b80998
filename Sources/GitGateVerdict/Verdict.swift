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
    public var reasons: [String]
    /// Things worth knowing that do not block: warnings, hand-applied migrations.
    public var notes: [String]

    public var exitCode: Int32 {
        switch decision {
        case .ready: return ExitStatus.success
        case .blocked: return ExitStatus.blocked
        case .error: return ExitStatus.couldNotCheck
        }
    }
}
