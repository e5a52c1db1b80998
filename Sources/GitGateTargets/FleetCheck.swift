import GitGateConfig
import GitGateLint
import GitGateMigrations
/// One member's result: a state per migration version, or why it could not be checked.
public struct MemberCheck: Sendable {
    public var member: String
    public var outcome: Result<[String: TargetStatus], GitGateError>

    public init(member: String, outcome: Result<[String: TargetStatus], GitGateError>) {
        self.member = member
        self.outcome = outcome
    }

    public var states: [String: TargetStatus]? { try? outcome.get() }
}

/// A fleet's result: every member checked, in the order they were found.
public struct FleetCheck: Sendable {
    /// `database` or `schema`, for what the text calls the members.
    public var kind: String
    public var members: [MemberCheck]
    /// How many members the fleet has (`members.count`: every member is checked, whatever `--member` says).
    public var total: Int
    /// `--member`: the members to show in detail, in the fleet's order; nil shows the fleet alone.
    /// The gate, and so the verdict, always reads every member.
    public var shown: [String]?

    public init(kind: String, members: [MemberCheck], total: Int, shown: [String]? = nil) {
        self.kind = kind
        self.members = members
        self.total = total
        self.shown = shown
    }

    public var isFiltered: Bool { shown != nil }

    /// What a reader of one target's states sees: the first failure, or per version the state
    /// of the member furthest from applied (its name in the detail), so nothing passes that
    /// one member lacks.
    public var combined: Result<[String: TargetStatus], GitGateError> {
        let failed = members.filter { if case .failure = $0.outcome { return true }; return false }
        if let first = failed.first, case .failure(let error) = first.outcome {
            let more = failed.count > 1 ? " (and \(failed.count - 1) more member\(failed.count == 2 ? "" : "s"))" : ""
            return .failure(GitGateError(error.kind, error.message + more))
        }
        var worst: [String: (TargetStatus, String, Int)] = [:]
        for member in members {
            for (version, status) in member.states ?? [:] {
                if let current = worst[version] {
                    let count = current.2 + (status.state.passes ? 0 : 1)
                    if Self.rank(status) > Self.rank(current.0) {
                        worst[version] = (status, member.member, count)
                    } else {
                        worst[version]?.2 = count
                    }
                } else {
                    worst[version] = (status, member.member, status.state.passes ? 0 : 1)
                }
            }
        }
        return .success(worst.mapValues { status, name, failing in
            var shown = status
            let others = failing > 1 ? " (and \(failing - 1) more \(kind)\(failing == 2 ? "" : "s"))" : ""
            shown.detail = "\(kind) \(name): \(status.detail)\(others)"
            return shown
        })
    }

    /// Further from applied is higher: an applied member never hides a pending one.
    package static func rank(_ status: TargetStatus) -> Int {
        switch status.state {
        case .applied: return 0
        case .appliedByHand: return 1
        case .pending: return status.cause == .missing ? 4 : 3
        case .objectsMissing: return 5
        case .modified: return 6
        }
    }
}
