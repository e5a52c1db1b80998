import Foundation
import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// How one migration is undone: its down part (a file of its own or a section of its file),
/// the reverse gitgate derives from its SQL, or nothing but a restore.
public struct MigrationRollback: Sendable {
    public enum Kind: String, Sendable, Codable {
        /// golang-migrate `.down.sql`, diesel `down.sql`, Flyway `U` file.
        case downFile = "down-file"
        /// dbmate `-- migrate:down`, goose `-- +goose Down`.
        case downSection = "down-section"
        /// No down part: DROP … IF EXISTS for what the migration created.
        case derived
        /// No down part and something gitgate cannot reverse: restore from a backup.
        case irreversible
    }

    public var migration: Migration
    public var kind: Kind
    /// The file the down part comes from (for a section, the migration's own file).
    public var downPath: String?
    /// What a rollback runs: the down part (lines kept as in its file), or the derived statements.
    public var sql: String
    /// Derived only, in the order they run.
    public var steps: [RollbackStep]
    /// What the down part drops or deletes, from the review's destructive rules: expected in a down.
    public var drops: [String]
    /// The down part's other review findings (an error nobody allowed refuses the rollback).
    public var findings: [Finding]
    /// Irreversible only: each statement gitgate cannot reverse.
    public var irreversible: [String]
    /// The down part cannot run at all (it does not parse, cannot be read, manages its own transaction).
    public var problem: String?
    public var transactional: Bool

    /// Whether a rollback can run it (data loss and main aside).
    public var isRunnable: Bool {
        kind != .irreversible && problem == nil && !findings.contains(where: \.blocks)
    }

    /// Why it cannot run, in words; nil when it can.
    public var refusal: String? {
        if let problem { return problem }
        if kind == .irreversible {
            return "\(migration.path) cannot be reversed (\(irreversible.first ?? "no down part"))\(irreversible.count > 1 ? " and \(irreversible.count - 1) more" : ""); restore from the backup or point in time before it was applied"
        }
        if let blocking = findings.first(where: \.blocks) {
            return "\(blocking.path):\(blocking.line): \(blocking.message) (\(blocking.rule)) in the down part; \(blocking.fix), or add '-- gitgate:allow \(blocking.rule) because <reason>' above the statement"
        }
        return nil
    }

    /// The same text as a migration gitgate can prepare and review.
    package var asMigration: Migration {
        Migration(version: migration.version, name: migration.name, path: downPath ?? migration.path, source: migration.source,
                  contents: Data(sql.utf8), transaction: migration.transaction)
    }
}

/// Builds each migration's rollback from the files alone (no database).
package enum RollbackPlanner {
    /// Rules that flag what a down part is for: dropping and deleting.
    private static let expectedInDown: Set<String> = [
        Rule.destructiveDrop.rawValue, Rule.destructiveDelete.rawValue, Rule.destructiveTruncate.rawValue,
        Rule.deleteWithoutWhere.rawValue, Rule.updateWithoutWhere.rawValue,
        // A down that recreates what the up dropped is reviewed for its drops, not its style.
        Rule.missingIfNotExists.rawValue, Rule.tableWithoutComment.rawValue, Rule.foreignKeyUnknownTable.rawValue,
    ]

    /// - Parameter root: the worktree's top folder, where a separate down file is read.
    package static func rollback(for migration: Migration, root: String, configuration: Configuration) -> MigrationRollback {
        var rollback = MigrationRollback(migration: migration, kind: .derived, downPath: nil, sql: "", steps: [], drops: [],
                                         findings: [], irreversible: [], problem: nil, transactional: true)
        // The down part: a section already read with the file, or a file of its own.
        var down: (text: String, kind: MigrationRollback.Kind, path: String)?
        if let data = migration.down {
            guard let text = String(data: data, encoding: .utf8) else {
                rollback.problem = "\(migration.path): the down section is not UTF-8 text; save it as UTF-8"
                return rollback
            }
            down = (text, .downSection, migration.downPath ?? migration.path)
        } else if let path = migration.downPath, path != migration.path {
            let url = URL(fileURLWithPath: root).appendingPathComponent(path)
            guard let data = FileManager.default.contents(atPath: url.path), let text = String(data: data, encoding: .utf8) else {
                rollback.problem = "\(path): cannot read the down file as UTF-8 text; restore it from git"
                return rollback
            }
            down = (text, .downFile, path)
        }

        if let down {
            let script: SQLScript
            do {
                script = try SQLScript.parse(down.text)
            } catch {
                rollback.kind = down.kind
                rollback.downPath = down.path
                rollback.problem = "\(down.path):\(error.line): the down part of \(migration.path) does not parse: \(error.message); fix it before rolling back"
                return rollback
            }
            // An empty down part (a dbmate file with only the marker) undoes nothing: derive instead.
            if !script.statements.isEmpty {
                rollback.kind = down.kind
                rollback.downPath = down.path
                rollback.sql = down.text
                review(&rollback, configuration: configuration)
                prepare(&rollback)
                return rollback
            }
        }

        guard let sql = migration.sql, let script = try? SQLScript.parse(sql) else {
            rollback.kind = .irreversible
            rollback.irreversible = ["\(migration.path) does not parse"]
            return rollback
        }
        let derived = RollbackDerivation.derive(script)
        if !derived.irreversible.isEmpty || derived.steps.isEmpty {
            rollback.kind = .irreversible
            rollback.irreversible = derived.irreversible.isEmpty ? ["it creates nothing gitgate can drop"] : derived.irreversible
            return rollback
        }
        rollback.steps = derived.steps
        rollback.sql = derived.steps.map { $0.sql + ";\n" }.joined()
        prepare(&rollback)
        return rollback
    }

    /// Reviews the down part with the same linter as an up migration; its drops are listed, not refused.
    private static func review(_ rollback: inout MigrationRollback, configuration: Configuration) {
        let found = Review.findings(for: [rollback.asMigration], configuration: configuration)[rollback.asMigration.path] ?? []
        for finding in found {
            if expectedInDown.contains(finding.rule) {
                if finding.rule != Rule.missingIfNotExists.rawValue && finding.rule != Rule.tableWithoutComment.rawValue
                    && finding.rule != Rule.foreignKeyUnknownTable.rawValue {
                    rollback.drops.append("line \(finding.line): \(finding.message)")
                }
            } else {
                rollback.findings.append(finding)
            }
        }
    }

    private static func prepare(_ rollback: inout MigrationRollback) {
        switch PreparedMigration.prepare(rollback.asMigration) {
        case .success(let prepared): rollback.transactional = prepared.isTransactional
        case .failure(let refusal): rollback.problem = refusal.message
        }
    }
}

extension LedgerCommands {
    /// The command that rolls back the newest migration with the configured ledger's own tool.
    public func rollback(target: String) -> String {
        let dir = shellWord(folder)
        switch ledger {
        case .gitgate: return "gitgate rollback --target \(target)"
        case .flyway: return "flyway undo (Flyway Teams), or a new migration that reverts it"
        case .golangMigrate: return "migrate -path \(dir) -database URL down 1"
        case .dbmate: return folder == "db/migrations" ? "dbmate rollback" : "dbmate --migrations-dir \(dir) rollback"
        case .sqitch: return "sqitch revert --to @HEAD^"
        case .goose: return "goose -dir \(dir) postgres URL down"
        case .diesel: return "diesel migration revert --migration-dir \(dir)"
        case .prisma: return "a new migration that reverts it (prisma migrate has no down), then prisma migrate deploy"
        case .pop: return "soda migrate down"
        case .atlas: return "atlas migrate down --dir file://\(folder) --url URL"
        case .liquibase: return "liquibase rollback-count 1"
        case .none: return "the down SQL by hand (gitgate.ledger = none keeps no ledger to update)"
        }
    }
}
