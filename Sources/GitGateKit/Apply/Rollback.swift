import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// Settings of one `gitgate rollback` run.
public struct RollbackOptions: Sendable {
    public var dryRun: Bool
    public var lockWait: Duration
    public var environment: [String: String]
    /// Derived steps that delete rows (DROP TABLE of a table with rows, DROP COLUMN with values) may run.
    public var allowDataLoss: Bool
    /// Migrations main already contains may be rolled back (the code on main may use them).
    public var merged: Bool

    public init(dryRun: Bool = false, lockWait: Duration = .seconds(60),
                environment: [String: String] = ProcessInfo.processInfo.environment,
                allowDataLoss: Bool = false, merged: Bool = false) {
        self.dryRun = dryRun
        self.lockWait = lockWait
        self.environment = environment
        self.allowDataLoss = allowDataLoss
        self.merged = merged
    }
}

/// What `gitgate rollback` would do on one target, newest migration first.
public struct RollbackPlan: Sendable {
    public struct Item: Sendable {
        public var rollback: MigrationRollback
        /// When the target's ledger says it was applied (UTC), for the restore advice.
        public var appliedAt: String?
        /// Per derived step that deletes data: what it would delete, in words ("about 1200 rows of x").
        public var losses: [String]
        /// Why this one cannot be rolled back now; nil when it can.
        public var refusal: String?

        public var migration: Migration { rollback.migration }
    }

    public var target: Target
    public var place: String
    public var branch: String
    public var items: [Item]
    public var dryRun: Bool

    public var refusals: [String] { items.compactMap(\.refusal) }
    public var isRefused: Bool { !refusals.isEmpty }
    public var needsConfirmation: Bool { !items.isEmpty && !dryRun }
}

/// What happened during `gitgate rollback`.
public struct RollbackResult: Sendable {
    public struct Step: Sendable {
        public enum Outcome: String, Sendable, Codable {
            case rolledBack = "rolled-back"
            /// Another session rolled it back (or it left the ledger) while this one waited for the lock.
            case skipped
            case failed
            case notRun = "not-run"
        }

        public var migration: Migration
        public var outcome: Outcome
        public var durationMs: Int?
        public var note: String?
    }

    public var target: String
    public var steps: [Step]
    public var failure: ApplyFailure?

    public var rolledBack: [Step] { steps.filter { $0.outcome == .rolledBack } }

    public var exitCode: Int32 {
        guard let failure else { return ExitStatus.success }
        return failure.connectionLost ? ExitStatus.couldNotCheck : ExitStatus.blocked
    }
}

/// `gitgate rollback`: undoes migrations on one target with apply's guarantees: the apply lock,
/// one transaction per migration together with the removal of its ledger row, the apply timeouts.
public struct Rollbacker: Sendable {
    public let inspection: Inspection
    /// What main already contains (the same as `inspection` on main).
    public let mainMigrations: [Migration]
    public let configuration: Configuration
    public let target: Target
    /// Asked for on the command line; empty: every migration of the branch the target has.
    public let versions: [String]
    public var options: RollbackOptions

    public init(at path: String, target name: String?, versions: [String], options: RollbackOptions = RollbackOptions()) throws {
        let inspector = try Inspector(at: path)
        let inspection = try inspector.inspectWorktree()
        let configuration = inspector.configuration
        self.inspection = inspection
        mainMigrations = inspection.isMain ? inspection.migrations : try inspector.inspectWorktree(branch: inspection.base).migrations
        self.configuration = configuration
        target = try Applier.chooseTarget(name, in: configuration, command: "rollback")
        self.versions = versions
        self.options = options
    }

    /// Reads the target (read-only) and decides what would run. Throws for what makes no sense
    /// to plan at all: another tool's ledger, a version that is not there.
    public func plan() throws -> RollbackPlan {
        let ledger = configuration.ledger
        guard ledger == .gitgate else {
            let uses = ledger == .none ? "this repository has gitgate.ledger = none"
                : "this repository uses \(ledger.tool)'s (gitgate.ledger = \(ledger.rawValue))"
            throw GitGateError(.refused, "gitgate rollback writes only gitgate's own ledger: \(uses); roll back with: \(LedgerCommands(configuration).rollback(target: target.name)). Nothing was changed")
        }
        let branchMigrations = inspection.isMain ? [] : inspection.migrations
        let branchVersions = Set(branchMigrations.map(\.version))
        let session = try TargetSession(target, readOnly: true, environment: options.environment)
        let rows = try Rollbacker.ledgerRows(session)

        var chosen: [Migration] = []
        if versions.isEmpty && inspection.isMain {
            throw GitGateError(.usage, "on \(inspection.base) every migration is merged: name the versions to roll back, with --merged (gitgate rollback --target \(target.name) --merged VERSION)")
        }
        if versions.isEmpty {
            chosen = branchMigrations.filter { rows[$0.version] != nil }
        } else {
            for version in versions {
                guard let migration = branchMigrations.first(where: { $0.version == version })
                        ?? mainMigrations.first(where: { $0.version == version }) else {
                    throw GitGateError(.usage, "\(version) is not a migration of branch \(inspection.branch) or \(inspection.base); name one that gitgate status lists")
                }
                guard rows[version] != nil else {
                    throw GitGateError(.refused, "target \(target.name) does not have \(migration.path): \(version) is not in its ledger (gitgate.migrations); nothing was rolled back (gitgate status shows what it has)")
                }
                if !chosen.contains(where: { $0.version == version }) { chosen.append(migration) }
            }
        }

        var items: [RollbackPlan.Item] = []
        for migration in chosen.sortedByVersion().reversed() {
            let rollback = RollbackPlanner.rollback(for: migration, root: configuration.root, configuration: configuration)
            let row = rows[migration.version]
            var item = RollbackPlan.Item(rollback: rollback, appliedAt: row?.appliedAt, losses: [], refusal: nil)
            if !branchVersions.contains(migration.version) && !options.merged {
                item.refusal = "\(migration.path) is on \(inspection.base) already and the code there may use it; pass --merged to roll it back anyway"
            } else if let checksum = row?.checksum, checksum != migration.checksum {
                item.refusal = "\(migration.path) was applied to \(target.name) with checksum \(checksum.prefix(12))…, not this file's: its down part may not match what ran; restore the applied version of the file first"
            } else if rollback.kind == .irreversible {
                let before = row?.appliedAt.map { " before \($0) (when the ledger says it was applied)" } ?? " before it was applied"
                item.refusal = "\(migration.path) cannot be reversed (\(rollback.irreversible.first ?? "no down part")); restore from the backup or point in time\(before)"
            } else if let refusal = rollback.refusal {
                item.refusal = refusal
            }
            if rollback.kind == .derived {
                for step in rollback.steps where step.dataOf != nil {
                    if let loss = try Rollbacker.loss(of: step, session: session) { item.losses.append("\(step.sql) deletes \(loss)") }
                }
                if item.refusal == nil, !item.losses.isEmpty, !options.allowDataLoss {
                    item.refusal = "rolling back \(migration.path) would delete data: \(item.losses.joined(separator: "; ")); back it up, then pass --allow-data-loss"
                }
            }
            items.append(item)
        }
        return RollbackPlan(target: target, place: session.place, branch: inspection.branch, items: items, dryRun: options.dryRun)
    }

    /// Runs the plan, newest first; the first failure stops it (the ones before stay rolled back).
    public func run(_ plan: RollbackPlan, waiting: (String) -> Void = { _ in },
                    progress: (RollbackResult.Step) -> Void = { _ in }) throws -> RollbackResult {
        if let first = plan.refusals.first {
            let more = plan.refusals.count > 1 ? " (and \(plan.refusals.count - 1) more)" : ""
            throw GitGateError(.refused, "nothing rolled back: \(first)\(more)")
        }
        guard !plan.dryRun, !plan.items.isEmpty else { return RollbackResult(target: target.name, steps: [], failure: nil) }
        let session = try TargetSession(target, readOnly: false, environment: options.environment)
        try ApplyLock.acquire(session, wait: options.lockWait, waiting: waiting)
        defer { ApplyLock.release(session) }
        let runner = RollbackRunner(session: session, searchPath: try LedgerSchema.searchPathAvoidingLedger(session),
                                    allowDataLoss: options.allowDataLoss)
        var steps: [RollbackResult.Step] = []
        var failure: ApplyFailure?
        for item in plan.items {
            var step = RollbackResult.Step(migration: item.migration, outcome: .notRun, durationMs: nil, note: nil)
            if failure != nil {
                step.note = "not run: an earlier rollback failed"
                steps.append(step)
                continue
            }
            switch try runner.run(item.rollback) {
            case .success(let ms?):
                step.outcome = .rolledBack
                step.durationMs = ms
                step.note = item.rollback.transactional ? nil : "outside a transaction"
            case .success(nil):
                step.outcome = .skipped
                step.note = "no longer in the ledger: rolled back meanwhile by another session"
            case .failure(var failed):
                let earlier = steps.filter { $0.outcome == .rolledBack }.count
                if earlier > 0 {
                    failed.consequence += "; the \(earlier) rolled back before it in this run stay\(earlier == 1 ? "s" : "") rolled back"
                }
                step.outcome = .failed
                step.note = failed.message
                failure = failed
            }
            steps.append(step)
            progress(step)
        }
        return RollbackResult(target: target.name, steps: steps, failure: failure)
    }

    // MARK: Reading the target

    package struct LedgerRow: Sendable {
        package var checksum: String
        package var appliedAt: String?
    }

    /// gitgate's ledger, by version; empty when the target has no ledger yet.
    package static func ledgerRows(_ session: TargetSession) throws -> [String: LedgerRow] {
        guard try session.rows("SELECT pg_catalog.to_regclass('gitgate.migrations') IS NOT NULL").first?.first == "t" else { return [:] }
        var rows: [String: LedgerRow] = [:]
        for row in try session.rows("SELECT version, checksum, to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS') || ' UTC' FROM gitgate.migrations") {
            if let version = row[0] { rows[version] = LedgerRow(checksum: row[1] ?? "", appliedAt: row[2] ?? nil) }
        }
        return rows
    }

    /// What a derived step finds on the target now.
    package enum Rows: Sendable, Equatable {
        /// The table is not there: nothing to delete.
        case absent
        /// It holds no rows (or the column no values).
        case empty
        /// What it would delete, in words.
        case loses(String)
    }

    /// The exact answer to "is there data" is one row away; a query that fails or times out
    /// counts as data (fail closed). The size is the catalog's estimate.
    package static func rows(of step: RollbackStep, session: TargetSession) -> Rows {
        guard let table = step.dataOf else { return .empty }
        let found = try? session.rows("SELECT c.reltuples::bigint FROM pg_catalog.pg_class c WHERE c.oid = pg_catalog.to_regclass(\(sqlLiteral(table)))")
        guard let found else { return .loses(describeLoss(step, estimate: nil, known: false)) }
        guard let row = found.first else { return .absent }
        let condition = step.column.map { " WHERE \(Expectations.quoteIdent($0)) IS NOT NULL" } ?? ""
        let has = (try? session.rows("SELECT EXISTS (SELECT 1 FROM \(table)\(condition))").first?.first) ?? nil
        if has == "f" { return .empty }
        return .loses(describeLoss(step, estimate: row.first?.flatMap { Int64($0) }, known: has == "t"))
    }

    /// What a derived step would delete, or nil when it deletes nothing.
    package static func loss(of step: RollbackStep, session: TargetSession) throws -> String? {
        if case .loses(let words) = rows(of: step, session: session) { return words }
        return nil
    }

    /// "about 1200 rows of "x" (the catalog's estimate)", or a column's values in them.
    package static func describeLoss(_ step: RollbackStep, estimate: Int64?, known: Bool) -> String {
        let rows: String
        if let estimate, estimate > 0 {
            rows = "about \(estimate) row\(estimate == 1 ? "" : "s") of \(step.dataOf ?? "?") (the catalog's estimate)"
        } else {
            rows = "the rows of \(step.dataOf ?? "?") " + (known ? "(it has some; the catalog has no estimate yet)" : "(if any: they could not be counted)")
        }
        if let column = step.column { return "the values of column \(column) in \(rows)" }
        return rows
    }
}
