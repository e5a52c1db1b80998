import GitGateLint

/// The one error type users see from gitgate's domain. Each message is one line: what
/// happened, and what to do about it.
public struct GitGateError: Error, CustomStringConvertible, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The command line was wrong (exit 64).
        case usage
        /// `.gitgate` or git config is wrong (exit 2).
        case configuration
        /// The repository is not in a state gitgate can read (exit 2).
        case repository
        /// A target could not be checked: unreachable, auth, timeout (exit 2).
        case target
        /// A file could not be read or written (exit 2).
        case io
        /// The action was refused on purpose: nothing was changed (exit 1).
        case refused
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// The process exit status for this error (README: "Exit codes").
    public var exitCode: Int32 {
        switch kind {
        case .usage: return ExitStatus.usage
        case .refused: return ExitStatus.blocked
        case .configuration, .repository, .target, .io: return ExitStatus.couldNotCheck
        }
    }
}

/// Exit statuses shared by every command.
public enum ExitStatus {
    /// Ready, or the command did what it was asked.
    public static let success: Int32 = 0
    /// Blocked, or findings at error level, or a refusal.
    public static let blocked: Int32 = 1
    /// Could not check: unreachable, auth, timeout, bad configuration. Hooks treat it as blocked.
    public static let couldNotCheck: Int32 = 2
    /// The command line was wrong.
    public static let usage: Int32 = 64
    /// Ctrl-C stopped `apply` before all of it ran: 128 + the signal, as a shell reports it.
    public static func interrupted(by signal: Int32) -> Int32 { 128 + signal }
}
