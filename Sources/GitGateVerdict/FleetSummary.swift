import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets
/// A fleet's members grouped by what stands between each and "up to date": the one reading of
/// a `FleetCheck` that the verdict's reasons, the text line and `--verbose` all use.
public struct FleetSummary: Sendable {
    public enum Problem: Hashable, Sendable {
        case couldNotCheck
        /// Not applied (or a recorded run that did not finish).
        case lacks(version: String)
        /// Pending because the catalog cannot show a statement's effect.
        case unconfirmed(version: String)
        /// Recorded with another checksum.
        case changed(version: String)
        /// Recorded, but an object it creates is gone.
        case drifted(version: String)
        /// In place without a ledger row: passes, worth a note.
        case appliedByHand(version: String)

        public var blocks: Bool {
            if case .appliedByHand = self { return false }
            return true
        }

        public var version: String? {
            switch self {
            case .couldNotCheck: return nil
            case .lacks(let v), .unconfirmed(let v), .changed(let v), .drifted(let v), .appliedByHand(let v): return v
            }
        }
    }

    public struct Group: Sendable {
        public var problem: Problem
        /// Member names, in the fleet's order.
        public var members: [String]
        /// Per member (same order): the error, or the state's detail.
        public var details: [String]
    }

    public var target: String
    public var gate: Bool
    /// `database` or `schema`.
    public var kind: String
    public var total: Int
    public var checked: Int
    /// Members with every migration in place.
    public var upToDate: Int
    public var groups: [Group]
    /// `--member`: the members to show in detail.
    public var shown: [String]?

    public init(_ check: TargetCheck, fleet: FleetCheck, migrations: [Migration]) {
        target = check.target
        gate = check.gate
        kind = fleet.kind
        total = fleet.total
        checked = fleet.members.count
        shown = fleet.shown
        var byProblem: [Problem: Int] = [:]
        var groups: [Group] = []
        func add(_ problem: Problem, _ member: String, _ detail: String) {
            if let index = byProblem[problem] {
                groups[index].members.append(member)
                groups[index].details.append(detail)
            } else {
                byProblem[problem] = groups.count
                groups.append(Group(problem: problem, members: [member], details: [detail]))
            }
        }
        var upToDate = 0
        for member in fleet.members {
            switch member.outcome {
            case .failure(let error):
                add(.couldNotCheck, member.member, error.message)
            case .success(let states):
                var passes = true
                for migration in migrations {
                    guard let status = states[migration.version] else {
                        passes = false
                        add(.couldNotCheck, member.member, "no state for \(migration.path)")
                        continue
                    }
                    let problem: Problem
                    switch status.state {
                    case .applied: continue
                    case .appliedByHand: problem = .appliedByHand(version: migration.version)
                    case .pending where status.cause == .unprovable: problem = .unconfirmed(version: migration.version)
                    case .pending: problem = .lacks(version: migration.version)
                    case .modified: problem = .changed(version: migration.version)
                    case .objectsMissing: problem = .drifted(version: migration.version)
                    }
                    if problem.blocks { passes = false }
                    add(problem, member.member, status.detail)
                }
                if passes { upToDate += 1 }
            }
        }
        self.upToDate = upToDate
        // Could-not-check first, then by migration order.
        let order = Dictionary(migrations.enumerated().map { ($0.element.version, $0.offset) }, uniquingKeysWith: { a, _ in a })
        self.groups = groups.enumerated().sorted { a, b in
            let ka = a.element.problem.version.flatMap { order[$0] } ?? -1
            let kb = b.element.problem.version.flatMap { order[$0] } ?? -1
            return ka != kb ? ka < kb : a.offset < b.offset
        }.map(\.element)
    }

    public var couldNotCheck: Group? { groups.first { $0.problem == .couldNotCheck } }

    /// How many members have `version` in place (applied, or applied by hand).
    public func having(_ version: String) -> Int {
        total - groups.filter { $0.problem == .couldNotCheck || ($0.problem.blocks && $0.problem.version == version) }
            .reduce(0) { $0 + $1.members.count }
    }

    /// "3 of 2,000 databases": how many of the members a group names.
    public func share(_ group: Group) -> String {
        "\(Self.grouped(group.members.count)) of \(Self.grouped(total)) \(kind)s"
    }

    /// `names` after the first `limit`, as "and N more".
    public static func list(_ names: [String], limit: Int?) -> String {
        guard let limit, names.count > limit else { return names.joined(separator: ", ") }
        return names.prefix(limit).joined(separator: ", ") + " and \(grouped(names.count - limit)) more"
    }

    /// 1997 → "1,997".
    public static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result.append(",") }
            result.append(digit)
        }
        return (number < 0 ? "-" : "") + result
    }
}

extension Gate {
    /// A gated fleet's reasons and notes: every member must have every migration.
    package static func fleetReasons(_ summary: FleetSummary, migrations: [Migration], commands: LedgerCommands,
                                     reasons: inout [Reason], notes: inout [Note]) {
        let byVersion = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        if let shown = summary.shown {
            notes.append(.fleetMembersShown(target: summary.target, shown: shown.count, total: summary.total, kind: summary.kind))
        }
        for group in summary.groups {
            let migration = group.problem.version.flatMap { byVersion[$0] }
            let fact = FleetFact(target: summary.target, problem: group.problem, path: migration?.path,
                                 members: group.members, firstDetail: group.details[0], share: summary.share(group),
                                 kind: summary.kind,
                                 apply: migration.map { commands.apply(target: summary.target, migrations: [$0]) })
            if group.problem.blocks { reasons.append(.fleet(fact)) } else { notes.append(.fleetAppliedByHand(fact)) }
        }
    }
}

/// One group of a fleet's members that share a problem, as a reason or a note gives it.
public struct FleetFact: Sendable, Equatable {
    public var target: String
    public var problem: FleetSummary.Problem
    /// The migration's path; nil when the members could not be checked.
    public var path: String?
    public var members: [String]
    /// The first member's error or state detail.
    public var firstDetail: String
    /// "3 of 2,000 databases".
    public var share: String
    /// `database` or `schema`.
    public var kind: String
    /// How to apply the migration with the configured ledger's tool.
    public var apply: String?

    /// The first few members and "and N more".
    public var shownMembers: String { FleetSummary.list(members, limit: 5) }
}
