import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// Settings of one `gitgate apply` run.
public struct ApplyOptions: Sendable {
    /// Plan only: nothing is written anywhere, not even gitgate's ledger schema.
    public var dryRun: Bool
    /// How long to wait for another apply's lock before giving up.
    public var lockWait: Duration
    public var environment: [String: String]
    /// gitgate's own ledger schema; tests pass other steps to exercise an upgrade.
    public var ledgerSchema: [LedgerSchemaStep]
    /// Ctrl-C: once requested, no migration (and no fleet member) starts; the running one
    /// finishes or rolls back.
    public var interruption: Interruption?

    public init(dryRun: Bool = false, lockWait: Duration = .seconds(60),
                environment: [String: String] = ProcessInfo.processInfo.environment,
                ledgerSchema: [LedgerSchemaStep] = LedgerSchema.embedded, interruption: Interruption? = nil) {
        self.dryRun = dryRun
        self.lockWait = lockWait
        self.environment = environment
        self.ledgerSchema = ledgerSchema
        self.interruption = interruption
    }
}

/// `gitgate apply`: plans, then applies the branch's pending migrations to one target, in
/// version order, each with its ledger row, under the apply lock, stopping at the first failure.
public struct Applier: Sendable {
    public typealias Reviewer = @Sendable (_ migrations: [Migration], _ configuration: Configuration) -> [String: [Finding]]

    public let inspection: Inspection
    public let configuration: Configuration
    public let target: Target
    public var options: ApplyOptions
    /// The lint step: findings per path; an error nobody allowed refuses the plan.
    public var review: Reviewer

    public init(inspection: Inspection, configuration: Configuration, target: Target, options: ApplyOptions = ApplyOptions(),
                review: @escaping Reviewer = { Review.findings(for: $0, configuration: $1) }) {
        self.inspection = inspection
        self.configuration = configuration
        self.target = target
        self.options = options
        self.review = review
    }

    /// Inspects the worktree around `path` and picks the target (`name`, else the only gated one).
    public init(at path: String, target name: String?, options: ApplyOptions = ApplyOptions()) throws {
        let (inspection, configuration, target) = try Applier.context(at: path, target: name, command: "apply")
        self.init(inspection: inspection, configuration: configuration, target: target, options: options)
    }

    /// The worktree's inspection, its configuration and the chosen target: what apply and record start from.
    package static func context(at path: String, target name: String?, command: String) throws -> (Inspection, Configuration, Target) {
        let inspector = try Inspector(at: path)
        let inspection = try inspector.inspectWorktree()
        return (inspection, inspector.configuration, try chooseTarget(name, in: inspector.configuration, command: command))
    }

    /// The named target, or the only gated one.
    public static func chooseTarget(_ name: String?, in configuration: Configuration, command: String) throws -> Target {
        let target = try pickTarget(name, in: configuration, command: command)
        // Only apply knows how to go member by member; the others would write to the control database.
        if target.fleet != nil && command != "apply" {
            throw GitGateError(.refused, "gitgate \(command) works on one database, and target \(target.name) is a fleet; add a [gitgate \"…\"] target with the member's url to run it there. Nothing was changed")
        }
        return target
    }

    private static func pickTarget(_ name: String?, in configuration: Configuration, command: String) throws -> Target {
        if let name { return try configuration.target(named: name) }
        let gated = configuration.gatedTargets
        if gated.count == 1 { return gated[0] }
        if configuration.targets.isEmpty {
            throw GitGateError(.usage, "no target is configured: add [gitgate \"production\"] with a url to .gitgate, then run gitgate \(command) --target production")
        }
        let names = configuration.targets.map(\.name).joined(separator: ", ")
        throw GitGateError(.usage, "which target? \(gated.isEmpty ? "none is gated" : "\(gated.count) are gated"); pass --target NAME (configured: \(names))")
    }

    /// gitgate writes only its own ledger. Applying or recording there while the team's tool reads
    /// another would leave that tool believing an applied migration is pending (and running it
    /// again): refuse, before anything is read or written, and name the tool's own command.
    package static func requireGitgateLedger(_ configuration: Configuration, command: String, target: String,
                                     migrations: [Migration] = []) throws {
        let ledger = configuration.ledger
        guard ledger != .gitgate else { return }
        let commands = LedgerCommands(configuration)
        let instead: String
        if command == "record" {
            let each = migrations.map { commands.record($0, target: target) }
            instead = ledger == .none ? "nothing needs recording: without a ledger the catalog alone decides"
                : "record with: " + (each.isEmpty ? "\(ledger.tool)'s own command" : each.joined(separator: "; "))
        } else {
            instead = "apply with: \(commands.apply(target: target))"
        }
        let uses = ledger == .none ? "this repository has gitgate.ledger = none"
            : "this repository uses \(ledger.tool)'s (gitgate.ledger = \(ledger.rawValue)), which would still list the migration as pending"
        throw GitGateError(.refused, "gitgate \(command) writes only gitgate's own ledger: \(uses); \(instead), or set gitgate.ledger = gitgate. Nothing was changed")
    }

    // MARK: Planning

    /// What would happen: each migration's state on the target, how it would run, lint
    /// findings, and every reason to refuse. Read-only.
    public func plan() throws -> ApplyPlan {
        if target.fleet != nil {
            throw GitGateError(.usage, "target \(target.name) is a fleet: apply it with FleetApplier (gitgate apply does), member by member")
        }
        try Applier.requireGitgateLedger(configuration, command: "apply", target: target.name, migrations: inspection.migrations)
        var refusals = inspection.conflicts.map { "\($0.message)" }

        let check = TargetChecker(ledger: configuration.ledger, environment: options.environment)
            .check([target], migrations: inspection.migrations)
        guard let states = try check.first?.outcome.get() else {
            throw GitGateError(.target, "target \(target.shown): could not be checked; run gitgate doctor")
        }
        let session = try TargetSession(target, readOnly: true, environment: options.environment)
        let schema = try LedgerSchema.status(session, steps: options.ledgerSchema)
        if !schema.unknown.isEmpty {
            refusals.append("target \(target.shown): gitgate's ledger has schema version \(schema.unknown.joined(separator: ", ")), newer than this gitgate knows; upgrade gitgate")
        }

        let pending = inspection.migrations.filter { states[$0.version]?.state == .pending }
        var findings = pending.isEmpty ? [:] : review(pending, configuration)
        // Before anything changes: will the statements meet rows that make them fail?
        for (path, found) in try Review.preflightFindings(for: pending, configuration: configuration, target: target,
                                                          environment: options.environment) {
            findings[path, default: []] += found
        }
        let commands = LedgerCommands(configuration)
        var items: [ApplyPlan.Item] = []
        for migration in inspection.migrations {
            let status = states[migration.version] ?? TargetStatus(.pending, "no state reported")
            let prepared = try? PreparedMigration.prepare(migration).get()
            var item = ApplyPlan.Item(migration: migration, status: status, action: .apply, note: nil,
                                      transactional: prepared?.isTransactional ?? true, findings: findings[migration.path] ?? [])
            switch status.state {
            case .applied:
                item.action = .skip
                item.note = "already applied (\(status.detail))"
            case .appliedByHand:
                item.action = .skip
                item.note = "\(status.standing(of: migration.path)); \(Remedy.next(for: status, of: migration, on: target.name, commands: commands).text)"
            case .modified:
                item.action = .refuse
                item.note = "\(status.standing(of: migration.path)); \(Remedy.next(for: status, of: migration, on: target.name, commands: commands).text)"
            case .objectsMissing:
                item.action = .refuse
                item.note = "\(status.standing(of: migration.path)) on \(target.name); \(Remedy.next(for: status, of: migration, on: target.name, commands: commands).text)"
            case .pending:
                item.note = refusal(for: migration, findings: item.findings)
                if item.note != nil {
                    item.action = .refuse
                } else if let prepared, case .statements(let reason) = prepared.mode {
                    item.note = "runs statement by statement, outside a transaction (\(reason))"
                    if prepared.statements.count > 1 {
                        item.note! += "; if one fails, the statements before it stay"
                    }
                }
                if item.action == .apply, status.cause == .unprovable,
                   status.evidence.contains(where: { if case .proven = $0.status { return true }; return false }) {
                    // Its schema is there already: it may have been run by hand, and running it twice may not be harmless.
                    let hint = "what the catalog can show of it is already there; if it was run by hand, record it with gitgate record \(migration.version) --target \(target.name) --unverified --reason \"…\" instead"
                    item.note = item.note.map { "\($0); \(hint)" } ?? hint
                }
            }
            if item.action == .refuse, let note = item.note { refusals.append(note) }
            items.append(item)
        }
        return ApplyPlan(target: target, place: session.place, branch: inspection.branch, commit: inspection.head,
                         items: items, ledgerSteps: schema.missing.map(\.version), refusals: refusals, dryRun: options.dryRun)
    }

    /// Why a pending migration cannot be applied now, or nil.
    private func refusal(for migration: Migration, findings: [Finding]) -> String? {
        if target.gate && migration.source != .committed {
            return "\(migration.path) is not committed (\(migration.source.rawValue)): commit it before applying it to \(target.name), so the gated target gets exactly what will be merged"
        }
        if case .failure(let refusal) = PreparedMigration.prepare(migration) { return refusal.message }
        let blocking = findings.filter(\.blocks)
        guard let first = blocking.first else { return nil }
        let more = blocking.count > 1 ? " (and \(blocking.count - 1) more lint error\(blocking.count == 2 ? "" : "s"))" : ""
        return "\(migration.path):\(first.line): \(first.message) (\(first.rule))\(more); \(first.fix), or add '-- gitgate:allow \(first.rule) because <reason>' above the statement"
    }

    // MARK: Applying

    /// Applies the plan's pending migrations. A migration the database refuses ends the run
    /// with `failure` set (the earlier ones stay applied and recorded); problems reaching the
    /// target, the lock, or the ledger schema are thrown.
    public func apply(_ plan: ApplyPlan, progress: (ApplyEvent) -> Void = { _ in }) throws -> ApplyResult {
        if let first = plan.refusals.first {
            let more = plan.refusals.count > 1 ? " (and \(plan.refusals.count - 1) more)" : ""
            throw GitGateError(.refused, "nothing applied: \(first)\(more)")
        }
        guard !plan.dryRun else {
            return ApplyResult(target: target.name, place: plan.place, steps: [], ledgerSteps: [], failure: nil)
        }
        let interruption = options.interruption
        if let signal = interruption?.signal { return interrupted(plan, by: signal, steps: [], place: plan.place, ledgerSteps: []) }
        let session = try TargetSession(target, readOnly: false, environment: options.environment)
        let locked = try ApplyLock.acquire(session, wait: options.lockWait, stopWaiting: { interruption?.isRequested ?? false }) {
            progress(.waitingForLock($0))
        }
        defer { if locked { ApplyLock.release(session) } }
        if !locked, let signal = interruption?.signal {
            return interrupted(plan, by: signal, steps: [], place: session.place, ledgerSteps: [])
        }

        let created = try LedgerSchema.upgrade(session, steps: options.ledgerSchema)
        if !created.isEmpty { progress(.ledgerCreated(created)) }
        // What another apply recorded while this one waited for the lock.
        let recorded = try LedgerWriter.recordedChecksums(session, versions: plan.toApply.map(\.migration.version))

        let runner = MigrationRunner(session: session,
                                     signOff: SignOff.current(root: configuration.root, inspection: inspection, environment: options.environment),
                                     searchPath: try LedgerSchema.searchPathAvoidingLedger(session))
        var steps: [ApplyResult.Step] = []
        var failure: ApplyFailure?
        for item in plan.items {
            let migration = item.migration
            var step = ApplyResult.Step(migration: migration, outcome: .skipped, durationMs: nil,
                                        transactional: item.transactional, note: item.note)
            if failure != nil {
                if item.action == .apply {
                    step.outcome = .notRun
                    step.note = "not run: an earlier migration failed"
                    steps.append(step)
                }
                continue
            }
            guard item.action == .apply else {
                steps.append(step)
                progress(.skipped(step))
                continue
            }
            if let signal = interruption?.signal {
                // Ctrl-C: the migration that was running finished; nothing new starts.
                return interrupted(plan, by: signal, steps: steps, place: session.place, ledgerSteps: created)
            }
            if let checksum = recorded[migration.version] {
                if checksum == migration.checksum {
                    step.note = "applied meanwhile by another gitgate apply"
                    steps.append(step)
                    progress(.skipped(step))
                } else {
                    step.outcome = .failed
                    steps.append(step)
                    failure = ApplyFailure(path: migration.path, line: nil,
                                           message: "was recorded meanwhile with checksum \(checksum.prefix(12))…, not this file's",
                                           sqlState: nil, consequence: "nothing of it was run; run gitgate status",
                                           invalidIndexes: [], connectionLost: false)
                }
                continue
            }
            let prepared: PreparedMigration
            switch PreparedMigration.prepare(migration, serverVersion: session.serverVersion) {
            case .success(let ready): prepared = ready
            case .failure(let refusal):
                step.outcome = .failed
                steps.append(step)
                failure = ApplyFailure(path: migration.path, line: nil, message: refusal.message, sqlState: nil,
                                       consequence: "nothing of it was run", invalidIndexes: [], connectionLost: false)
                continue
            }
            step.transactional = prepared.isTransactional
            switch try runner.run(prepared) {
            case .success(let ms):
                step.outcome = .applied
                step.durationMs = ms
                step.note = prepared.isTransactional ? nil : "outside a transaction"
                steps.append(step)
                progress(.applied(step))
            case .failure(var failed):
                let earlier = steps.filter { $0.outcome == .applied }.count
                if earlier > 0 {
                    failed.consequence += "; the \(earlier) migration\(earlier == 1 ? "" : "s") applied before it in this run stay\(earlier == 1 ? "s" : "") applied and recorded"
                }
                step.outcome = .failed
                step.note = failed.message
                steps.append(step)
                failure = failed
            }
        }
        return ApplyResult(target: target.name, place: session.place, steps: steps, ledgerSteps: created, failure: failure)
    }

    /// The result of a run that `signal` stopped: `steps` as they went, each migration after them left pending.
    private func interrupted(_ plan: ApplyPlan, by signal: Int32, steps done: [ApplyResult.Step], place: String,
                             ledgerSteps: [String]) -> ApplyResult {
        var steps = done
        let seen = Set(done.map(\.migration.version))
        for item in plan.items where !seen.contains(item.migration.version) && item.action == .apply {
            steps.append(ApplyResult.Step(migration: item.migration, outcome: .notRun, durationMs: nil,
                                          transactional: item.transactional, note: "not run: interrupted (\(Interruption.name(signal)))"))
        }
        var result = ApplyResult(target: target.name, place: place, steps: steps, ledgerSteps: ledgerSteps, failure: nil)
        result.interruptedBy = signal
        return result
    }
}
