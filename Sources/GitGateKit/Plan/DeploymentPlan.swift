import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate plan`: the branch's deployment checklist, filled in from the truth. The states and
/// the verdict are the gate's own (StatusService); this adds how apply would run each migration,
/// how each would be rolled back, and what to do after the merge.
public struct DeploymentPlan: Sendable {
    public struct TargetInfo: Sendable {
        public var name: String
        public var gate: Bool
        /// Why it could not be checked; nil when it was.
        public var error: String?
        public var applyLockTimeoutMs: Int
        public var applyStatementTimeoutMs: Int
        /// A fleet: its members grouped by problem, as status shows them.
        public var fleet: FleetSummary? = nil
    }

    public struct Entry: Sendable {
        public var migration: Migration
        public var findings: [Finding]
        /// Per shown target, in the order of `targets`; nil where the target could not be checked.
        public var states: [(target: String, status: TargetStatus?)]
        /// How apply would run it: in one transaction with its ledger row, or statement by statement.
        public var transactional: Bool
        /// Why it runs outside a transaction, or why apply would refuse it as it is.
        public var runNote: String?
    }

    /// One migration's rollback, as read on `rollbackTarget`.
    public struct RollbackEntry: Sendable {
        public var rollback: MigrationRollback
        /// When the rollback target's ledger says it was applied (UTC).
        public var appliedAt: String?
        /// Per derived step (same order): what it would delete there now; nil where it was not read.
        public var rows: [String?]
    }

    public var branch: String
    public var base: String
    public var head: String
    public var mergeBase: String?
    public var verdict: Verdict
    public var targets: [TargetInfo]
    public var entries: [Entry]
    /// The target the rollback plan was read on (estimates, applied-at); nil when none is configured.
    public var rollbackTarget: String?
    /// Why the rollback target could not be read, if it could not.
    public var rollbackTargetError: String?
    /// Newest first.
    public var rollbacks: [RollbackEntry]
    /// The command that runs the rollback with the configured ledger's tool.
    public var rollbackCommand: String?
    /// Each table the branch creates, as the rollback target's catalog has it (the checklist's `\\dt` and count).
    public var tables: [TableVerification]
    /// After the merge: close, then the reminders and after-merge steps from `.gitgate`.
    public var afterMerge: [String]
    /// The project's steps from main's `.gitgate` (`gitgate steps --run` runs the before-merge ones).
    public var steps: [ProjectStep] = []
    /// Each step's last result in this repository (`gitgate steps --run` keeps it), by name.
    public var stepResults: [String: StepRecord] = [:]

    /// READY TO MERGE, BLOCKED or COULD NOT CHECK, with the first reason.
    public var summary: String {
        switch verdict.decision {
        case .ready:
            return "READY TO MERGE" + (entries.isEmpty ? ": this branch adds no migrations" : ": every gated target has the \(entries.count) migration\(entries.count == 1 ? "" : "s") of this branch")
        case .blocked, .error:
            let word = verdict.decision == .blocked ? "BLOCKED" : "COULD NOT CHECK"
            let more = verdict.reasons.count > 1 ? " (and \(verdict.reasons.count - 1) more)" : ""
            return "\(word): \(verdict.reasons.first?.description ?? "no reason given")\(more)"
        }
    }

    /// - Parameter targetNames: the targets to show (default: every configured one). The verdict
    ///   is always the gate's, over every gated target.
    public static func make(at path: String, targets targetNames: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DeploymentPlan {
        let inspector = try Inspector(at: path)
        let inspection = try inspector.inspectWorktree()
        let configuration = inspector.configuration
        let shown = try targetNames.isEmpty ? configuration.targets : targetNames.map { try configuration.target(named: $0) }
        let report = StatusService.evaluate(inspection, configuration: configuration, environment: environment)
        let checks = Dictionary(report.checks.map { ($0.target, $0) }, uniquingKeysWith: { a, _ in a })

        let infos = shown.map { target in
            var error: String?
            if case .failure(let failure) = checks[target.name]?.outcome { error = failure.message }
            var info = TargetInfo(name: target.name, gate: target.gate, error: error,
                                  applyLockTimeoutMs: target.applyLockTimeoutMs, applyStatementTimeoutMs: target.applyStatementTimeoutMs)
            if let check = checks[target.name], let fleet = check.fleet {
                info.fleet = FleetSummary(check, fleet: fleet, migrations: inspection.migrations)
            }
            return info
        }
        // Each reachable target's rows, for the migrations still pending there.
        var preflight: [String: [Finding]] = [:]
        for target in shown where checks[target.name]?.states != nil {
            let pending = inspection.migrations.filter { checks[target.name]?.states?[$0.version]?.state == .pending }
            // A target that stopped answering already shows its error among the targets.
            guard let found = try? Review.preflightFindings(for: pending, configuration: configuration, target: target,
                                                             environment: environment) else { continue }
            for (path, findings) in found { preflight[path, default: []] += findings }
        }
        let entries = inspection.migrations.map { migration in
            var entry = Entry(migration: migration, findings: (report.findings[migration.path] ?? []) + (preflight[migration.path] ?? []),
                              states: shown.map { ($0.name, checks[$0.name]?.states?[migration.version]) },
                              transactional: true, runNote: nil)
            switch PreparedMigration.prepare(migration) {
            case .success(let prepared):
                entry.transactional = prepared.isTransactional
                if case .statements(let reason) = prepared.mode { entry.runNote = "statement by statement, outside a transaction (\(reason))" }
            case .failure(let refusal):
                entry.runNote = "apply refuses it as it is: \(refusal.message)"
            }
            return entry
        }

        // The rollback plan is read on one database: the first shown gated target, else the first
        // shown; never a fleet (gitgate rollback works on one database, and which member would it be?).
        let single = shown.filter { $0.fleet == nil }
        let rollbackTarget = single.first(where: \.gate) ?? single.first
        var session: TargetSession?
        var ledger: [String: Rollbacker.LedgerRow] = [:]
        var rollbackError: String?
        if let rollbackTarget, case .failure(let failure)? = checks[rollbackTarget.name]?.outcome {
            // Asking again would only wait for the same timeout.
            rollbackError = failure.message
        } else if let rollbackTarget {
            do {
                let opened = try TargetSession(rollbackTarget, readOnly: true, environment: environment)
                session = opened
                if configuration.ledger == .gitgate { ledger = try Rollbacker.ledgerRows(opened) }
            } catch let error as GitGateError {
                rollbackError = error.message
            }
        }
        let rollbacks = inspection.migrations.sortedByVersion().reversed().map { migration in
            let rollback = RollbackPlanner.rollback(for: migration, root: configuration.root, configuration: configuration)
            let rows: [String?] = rollback.steps.map { step in
                guard step.dataOf != nil, let session else { return nil }
                switch Rollbacker.rows(of: step, session: session) {
                case .absent: return "nothing: \(step.dataOf!) is not on \(rollbackTarget!.name)"
                case .empty: return step.column == nil ? "no rows: \(step.dataOf!) is empty on \(rollbackTarget!.name)"
                                                         : "no values: the column is empty on \(rollbackTarget!.name)"
                case .loses(let words): return words + " on \(rollbackTarget!.name)"
                }
            }
            return RollbackEntry(rollback: rollback, appliedAt: ledger[migration.version]?.appliedAt, rows: rows)
        }

        let tables = session.map { TableVerification.verify(TableVerification.tables(in: inspection.migrations), session: $0) } ?? []

        var afterMerge: [String] = []
        if !inspection.isMain {
            afterMerge.append("gitgate close \(inspection.branch): remove the worktree and the branch once merged")
        }
        afterMerge += configuration.reminders
        afterMerge += configuration.steps.filter { $0.when == .afterMerge }.map(\.afterMergeReminder)
        return DeploymentPlan(branch: inspection.branch, base: inspection.base, head: inspection.head,
                              mergeBase: inspection.mergeBase, verdict: report.verdict, targets: infos, entries: entries,
                              rollbackTarget: rollbackTarget?.name, rollbackTargetError: rollbackError,
                              rollbacks: rollbacks,
                              rollbackCommand: rollbackTarget.map { LedgerCommands(configuration).rollback(target: $0.name) },
                              tables: tables, afterMerge: afterMerge, steps: configuration.steps,
                              stepResults: configuration.steps.isEmpty ? [:] : StepRecords(repository: inspector.repository).load())
    }
}

extension MigrationRollback {
    /// "restore from the backup or point in time before …": what undoes a migration gitgate cannot reverse.
    package func restoreAdvice(appliedAt: String?) -> String {
        "restore from the backup or point in time before " + (appliedAt.map { "\($0) (when it was applied)" } ?? "it is applied")
    }
}
