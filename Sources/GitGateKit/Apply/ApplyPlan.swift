import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// What `gitgate apply` would do on one target, decided before anything is written.
public struct ApplyPlan: Sendable {
    public struct Item: Sendable {
        public enum Action: String, Sendable, Codable {
            /// Pending: it will run.
            case apply
            /// Already there (applied, or applied by hand: then `gitgate record` is the tool).
            case skip
            /// Cannot run as it is; the whole plan is refused, since later ones must not run before it.
            case refuse
        }

        public var migration: Migration
        public var status: TargetStatus
        public var action: Action
        /// Why it is skipped or refused; for an applied one, how it will run when it is not one transaction.
        public var note: String?
        public var transactional: Bool
        public var findings: [Finding]
    }

    public var target: Target
    /// `user@host:port/db`: where it will go, without a password.
    public var place: String
    public var branch: String
    public var commit: String
    public var items: [Item]
    /// Steps of gitgate's own ledger schema the apply will create first.
    public var ledgerSteps: [String]
    /// Why nothing may be applied: conflicts, lint errors, refused migrations. Empty when the plan can run.
    public var refusals: [String]
    public var dryRun: Bool

    public var toApply: [Item] { items.filter { $0.action == .apply } }
    public var isRefused: Bool { !refusals.isEmpty }
    /// A person must say yes (or pass --yes) before a gated target is changed.
    public var needsConfirmation: Bool { target.gate && !toApply.isEmpty && !dryRun }
}

/// What happened during `gitgate apply`, for the summary and the JSON result.
public struct ApplyResult: Sendable {
    public struct Step: Sendable {
        public enum Outcome: String, Sendable, Codable {
            case applied
            /// Skipped: already there, or another apply did it while this one waited for the lock.
            case skipped
            case failed
            /// After a failure, or after Ctrl-C: left pending.
            case notRun = "not-run"
        }

        public var migration: Migration
        public var outcome: Outcome
        public var durationMs: Int?
        public var transactional: Bool
        public var note: String?
    }

    public var target: String
    public var place: String
    public var steps: [Step]
    /// Ledger schema steps created or upgraded during this run.
    public var ledgerSteps: [String]
    public var failure: ApplyFailure?
    /// The signal (Ctrl-C: SIGINT) that stopped the run before every pending migration ran; nil
    /// when nothing was left undone by one.
    public var interruptedBy: Int32? = nil

    public var applied: [Step] { steps.filter { $0.outcome == .applied } }

    /// 0 when everything pending was applied; 1 when a migration failed; 2 when the target
    /// could not be reached or the connection was lost; 128 + the signal (130) when Ctrl-C left
    /// migrations pending.
    public var exitCode: Int32 {
        if let interruptedBy, failure == nil { return ExitStatus.interrupted(by: interruptedBy) }
        guard let failure else { return ExitStatus.success }
        return failure.connectionLost ? ExitStatus.couldNotCheck : ExitStatus.blocked
    }
}

/// A migration the database refused (or a connection lost while it ran), located in its file.
public struct ApplyFailure: Error, Sendable, Equatable {
    public var path: String
    /// The file's line the error points at, when known.
    public var line: Int?
    /// The database's message, redacted, with its SQLSTATE.
    public var message: String
    public var sqlState: String?
    /// What was left behind and what to do: one line.
    public var consequence: String
    /// INVALID indexes a failed CREATE INDEX CONCURRENTLY left, with DROP commands to clear them.
    public var invalidIndexes: [String]
    /// True when the connection (not the SQL) failed: exit 2.
    public var connectionLost: Bool

    /// `migrations/002_x.sql:3: relation "nope" does not exist [42P01]`
    public var location: String { path + (line.map { ":\($0)" } ?? "") }
}

/// What `apply` reports as it works, for progress lines.
public enum ApplyEvent: Sendable {
    /// Another apply holds the lock: who.
    case waitingForLock(String)
    case ledgerCreated([String])
    case applied(ApplyResult.Step)
    case skipped(ApplyResult.Step)
}
