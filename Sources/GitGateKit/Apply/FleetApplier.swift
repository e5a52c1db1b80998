import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate apply` on a fleet: each member with `Applier`'s guarantees (its own apply lock, a
/// transaction per migration with its ledger row), at most `concurrency` at once. The first
/// failure stops new members from starting unless `continueAfterFailure`; a second run applies
/// only what is still pending, so it resumes where this one stopped.
public struct FleetApplier: Sendable {
    public let inspection: Inspection
    public let configuration: Configuration
    public let target: Target
    public var options: ApplyOptions
    public var concurrency: Int
    public var continueAfterFailure: Bool
    /// `--member`: only these members.
    public var members: [String]
    public var review: Applier.Reviewer

    public init(inspection: Inspection, configuration: Configuration, target: Target, options: ApplyOptions = ApplyOptions(),
                concurrency: Int = 1, continueAfterFailure: Bool = false, members: [String] = [],
                review: @escaping Applier.Reviewer = { Review.findings(for: $0, configuration: $1) }) {
        self.inspection = inspection
        self.configuration = configuration
        self.target = target
        self.options = options
        self.concurrency = concurrency
        self.continueAfterFailure = continueAfterFailure
        self.members = members
        self.review = review
    }

    /// What happened on one member.
    public enum Outcome: Sendable {
        /// These migrations were applied (none: it was up to date).
        case applied([String])
        /// The plan would apply these (a dry run).
        case wouldApply([String])
        /// Refused before anything ran there (a changed migration, a lint error, …).
        case refused(String)
        /// A migration failed (the ones before it on this member stay applied).
        case failed(applied: [String], failure: ApplyFailure)
        /// Could not be reached, locked, or its ledger could not be read.
        case couldNotApply(GitGateError)
        /// Not started: an earlier member failed and `--continue` was not given, or Ctrl-C.
        case notStarted(NotStarted)
        /// Ctrl-C while this member's migrations ran: `applied` finished (each recorded), `notRun` did not start.
        case interrupted(applied: [String], notRun: [String])

        public enum NotStarted: Sendable {
            case afterFailure
            case interrupted
        }

        public var isFailure: Bool {
            switch self {
            case .refused, .failed, .couldNotApply: return true
            case .applied, .wouldApply, .notStarted, .interrupted: return false
            }
        }
    }

    public struct MemberResult: Sendable {
        public var member: String
        public var place: String?
        public var outcome: Outcome
    }

    public struct Result: Sendable {
        public var target: String
        public var kind: String
        public var members: [MemberResult]
        public var dryRun: Bool
        /// The signal (Ctrl-C: SIGINT) that stopped the run, when it left a member or a migration undone.
        public var interruptedBy: Int32?

        /// 0 all applied (or nothing to do), 1 a migration failed or a member refused, 2 a member could not be reached,
        /// 128 + the signal (130) when Ctrl-C left members or migrations undone (whatever else happened: the summary says).
        public var exitCode: Int32 {
            if let interruptedBy { return ExitStatus.interrupted(by: interruptedBy) }
            if members.contains(where: { if case .couldNotApply = $0.outcome { return true }; return false }) { return ExitStatus.couldNotCheck }
            if members.contains(where: { $0.outcome.isFailure }) { return ExitStatus.blocked }
            if members.contains(where: { if case .notStarted = $0.outcome { return true }; return false }) { return ExitStatus.blocked }
            return ExitStatus.success
        }
    }

    public enum Event: Sendable {
        case started(member: String)
        case finished(MemberResult)
    }

    /// Finds the members (throws when discovery fails) and applies member by member.
    public func run(progress: @escaping @Sendable (Event) -> Void = { _ in }) throws -> Result {
        try Applier.requireGitgateLedger(configuration, command: "apply", target: target.name, migrations: inspection.migrations)
        let fleet = target.fleet ?? Fleet(source: .urls([target.connection]))
        if case .schemas = fleet.source {
            throw GitGateError(.refused, "target \(target.name) is a fleet of schemas, and gitgate apply writes only gitgate's own ledger, which is one per database; apply with the ledger's own tool. Nothing was changed")
        }
        let all = try FleetMembers.resolve(target, environment: options.environment)
        let chosen = try FleetMembers.select(all, names: members, target: target)
        let slots = Slots<MemberResult>(count: chosen.count)
        let stop = StopFlag()
        let interruption = options.interruption
        Bounded.forEach(chosen.count, width: max(1, concurrency)) { index in
            let member = chosen[index]
            if interruption?.isRequested ?? false {
                slots.set(index, MemberResult(member: member.name, place: nil, outcome: .notStarted(.interrupted)))
                return
            }
            guard !stop.isSet else {
                slots.set(index, MemberResult(member: member.name, place: nil, outcome: .notStarted(.afterFailure)))
                return
            }
            progress(.started(member: member.name))
            let result = apply(member)
            if result.outcome.isFailure && !continueAfterFailure { stop.set() }
            slots.set(index, result)
            progress(.finished(result))
        }
        let results = slots.values.compactMap { $0 }
        let undone = results.contains {
            switch $0.outcome {
            case .notStarted(.interrupted), .interrupted: return true
            default: return false
            }
        }
        return Result(target: target.name, kind: fleet.kind, members: results, dryRun: options.dryRun,
                      interruptedBy: undone ? interruption?.signal : nil)
    }

    private func apply(_ member: Member) -> MemberResult {
        let applier = Applier(inspection: inspection, configuration: configuration, target: target.member(member),
                              options: options, review: review)
        do {
            let plan = try applier.plan()
            if let first = plan.refusals.first {
                let more = plan.refusals.count > 1 ? " (and \(plan.refusals.count - 1) more)" : ""
                return MemberResult(member: member.name, place: plan.place, outcome: .refused(first + more))
            }
            let versions = plan.toApply.map(\.migration.version)
            if options.dryRun { return MemberResult(member: member.name, place: plan.place, outcome: .wouldApply(versions)) }
            if versions.isEmpty { return MemberResult(member: member.name, place: plan.place, outcome: .applied([])) }
            let result = try applier.apply(plan)
            let applied = result.applied.map(\.migration.version)
            if result.failure == nil, result.interruptedBy != nil {
                let notRun = result.steps.filter { $0.outcome == .notRun }.map(\.migration.version)
                return MemberResult(member: member.name, place: result.place,
                                    outcome: applied.isEmpty ? .notStarted(.interrupted) : .interrupted(applied: applied, notRun: notRun))
            }
            if let failure = result.failure {
                return MemberResult(member: member.name, place: plan.place, outcome: .failed(applied: applied, failure: failure))
            }
            return MemberResult(member: member.name, place: plan.place, outcome: .applied(applied))
        } catch let error as GitGateError {
            return MemberResult(member: member.name, place: nil, outcome: error.kind == .refused ? .refused(error.message) : .couldNotApply(error))
        } catch {
            return MemberResult(member: member.name, place: nil, outcome: .couldNotApply(GitGateError(.target, "target \(target.name) member \(member.name): \(error)")))
        }
    }
}

private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    package var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
    package func set() { lock.lock(); value = true; lock.unlock() }
}

extension FleetApplier.Result {
    /// The summary at the end: what was applied where, what failed and why, what did not start.
    public func text(style: Style, verbose: Bool = false) -> String {
        let limit = verbose ? nil : 5
        var applied: [String: [String]] = [:]  // versions → members
        var appliedOrder: [String] = []
        var upToDate: [String] = []
        var notStarted: [String] = []
        var notStartedInterrupted: [String] = []
        var lines: [String] = []
        var failures: [String] = []
        for result in members {
            switch result.outcome {
            case .applied(let versions), .wouldApply(let versions):
                if versions.isEmpty { upToDate.append(result.member); continue }
                let key = versions.joined(separator: ", ")
                if applied[key] == nil { appliedOrder.append(key) }
                applied[key, default: []].append(result.member)
            case .refused(let reason):
                failures.append("\(style.red("✗")) \(result.member): refused: \(reason)")
            case .failed(let done, let failure):
                let before = done.isEmpty ? "" : " (applied before it: \(done.joined(separator: ", ")))"
                failures.append("\(style.red("✗")) \(result.member): \(failure.location) failed: \(failure.message)\(failure.sqlState.map { " [\($0)]" } ?? "")\(before)")
            case .couldNotApply(let error):
                failures.append("\(style.red("✗")) \(result.member): could not apply: \(error.message)")
            case .notStarted(.afterFailure):
                notStarted.append(result.member)
            case .notStarted(.interrupted):
                notStartedInterrupted.append(result.member)
            case .interrupted(let done, let notRun):
                failures.append("\(style.yellow("!")) \(result.member): interrupted after applying \(done.joined(separator: ", ")) (each recorded); not run: \(notRun.joined(separator: ", "))")
            }
        }
        let verb = dryRun ? "would apply" : "applied"
        let kinds = kind + "s"
        lines.append(style.bold("\(target): \(FleetSummary.grouped(members.count)) \(kinds)"))
        for key in appliedOrder {
            let names = applied[key] ?? []
            lines.append("\(style.green("✓")) \(verb) \(key) on \(FleetSummary.grouped(names.count)): \(FleetSummary.list(names, limit: limit))")
        }
        if !upToDate.isEmpty {
            lines.append("\(style.green("✓")) \(FleetSummary.grouped(upToDate.count)) already up to date: \(FleetSummary.list(upToDate, limit: limit))")
        }
        lines += failures
        if !notStarted.isEmpty {
            lines.append("\(style.yellow("!")) \(FleetSummary.grouped(notStarted.count)) not started after the failure: \(FleetSummary.list(notStarted, limit: limit)); fix it and run gitgate apply again (it resumes: only what is pending runs), or pass --continue to go on past failures")
        }
        if !notStartedInterrupted.isEmpty {
            let by = interruptedBy.map { Interruption.name($0) } ?? "the interrupt"
            lines.append("\(style.yellow("!")) \(FleetSummary.grouped(notStartedInterrupted.count)) not started because of the interrupt (\(by)): \(FleetSummary.list(notStartedInterrupted, limit: limit))")
        }
        if interruptedBy != nil {
            lines.append("Interrupted: what had started finished or rolled back; run gitgate apply again to go on (only what is pending runs).")
        }
        return lines.joined(separator: "\n")
    }
}

extension FleetApplier.Result {
    private struct JSONResult: Encodable {
        package var target: String
        package var kind: String
        package var dryRun: Bool
        /// "SIGINT" or "SIGTERM" when it stopped members or migrations from starting.
        @Nullable package var interrupted: String?
        package var members: [JSONMember]
    }

    private struct JSONMember: Encodable {
        package var name: String
        @Nullable package var place: String?
        package var outcome: String
        package var migrations: [String]
        @Nullable package var error: String?
    }

    public func json() -> String {
        let signalName = interruptedBy.map { $0 == SIGINT ? "SIGINT" : $0 == SIGTERM ? "SIGTERM" : "signal \($0)" }
        return JSONOutput.render(JSONResult(target: target, kind: kind, dryRun: dryRun, interrupted: signalName, members: members.map { result in
            switch result.outcome {
            case .applied(let versions):
                return JSONMember(name: result.member, place: result.place, outcome: "applied", migrations: versions, error: nil)
            case .wouldApply(let versions):
                return JSONMember(name: result.member, place: result.place, outcome: "would-apply", migrations: versions, error: nil)
            case .refused(let reason):
                return JSONMember(name: result.member, place: result.place, outcome: "refused", migrations: [], error: reason)
            case .failed(let applied, let failure):
                return JSONMember(name: result.member, place: result.place, outcome: "failed", migrations: applied,
                                  error: "\(failure.location): \(failure.message)")
            case .couldNotApply(let error):
                return JSONMember(name: result.member, place: result.place, outcome: "could-not-apply", migrations: [], error: error.message)
            case .notStarted(.afterFailure):
                return JSONMember(name: result.member, place: result.place, outcome: "not-started", migrations: [], error: nil)
            case .notStarted(.interrupted):
                return JSONMember(name: result.member, place: result.place, outcome: "not-started", migrations: [], error: "interrupted")
            case .interrupted(let applied, let notRun):
                return JSONMember(name: result.member, place: result.place, outcome: "interrupted", migrations: applied,
                                  error: "interrupted; not run: \(notRun.joined(separator: ", "))")
            }
        }))
    }
}
