import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// One step of gitgate's own ledger schema: a file of the repository's top-level `migrations/`
/// folder, embedded in the binary.
public struct LedgerSchemaStep: Sendable, Equatable {
    public var version: String
    public var name: String
    public var sql: String

    public init(version: String, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// gitgate manages its ledger's schema the way it manages yours: ordered steps, each applied
/// once in its own transaction and listed in `gitgate.ledger_schema`. Created on the first
/// apply (or record), upgraded by a newer gitgate.
public enum LedgerSchema {
    /// Every step this gitgate knows, oldest first. A new file in migrations/ needs its line here
    /// (SwiftPM names an embedded `001_x.sql` `_01_x_sql`), and must keep what
    /// `LedgerReader` reads working: `version, checksum, how, applied_at, db_user`.
    public static let embedded: [LedgerSchemaStep] = [
        LedgerSchemaStep(version: "001", name: "create_ledger",
                         sql: String(decoding: PackageResources._01_create_ledger_sql, as: UTF8.self)),
        LedgerSchemaStep(version: "002", name: "unverified_reason",
                         sql: String(decoding: PackageResources._02_unverified_reason_sql, as: UTF8.self)),
    ]

    /// What a database has of the ledger schema.
    package struct Status: Equatable {
        /// Step versions recorded in gitgate.ledger_schema.
        package var present: [String]
        /// Steps this gitgate would apply.
        package var missing: [LedgerSchemaStep]
        /// Versions the database has that this gitgate does not know: a newer gitgate made them.
        package var unknown: [String]
    }

    /// Reads which steps are there. Read-only, so a dry run can report what apply would create.
    package static func status(_ session: TargetSession, steps: [LedgerSchemaStep]) throws -> Status {
        let exists = try session.rows("SELECT pg_catalog.to_regclass('gitgate.ledger_schema') IS NOT NULL")
        var present: [String] = []
        if exists.first?.first == "t" {
            present = try session.rows("SELECT version FROM gitgate.ledger_schema ORDER BY version").compactMap { $0.first ?? nil }
        }
        let known = Set(steps.map(\.version))
        return Status(present: present,
                      missing: steps.filter { !present.contains($0.version) },
                      unknown: present.filter { !known.contains($0) })
    }

    /// Brings the ledger schema up to date; returns the versions applied. The caller holds the
    /// apply lock, so two gitgates never upgrade at once.
    package static func upgrade(_ session: TargetSession, steps: [LedgerSchemaStep]) throws -> [String] {
        let status = try status(session, steps: steps)
        guard status.unknown.isEmpty else {
            throw GitGateError(.refused, "target \(session.target.name): gitgate's ledger has schema version \(status.unknown.joined(separator: ", ")), newer than this gitgate knows (\(steps.last?.version ?? "none")); upgrade gitgate before applying or recording")
        }
        var applied: [String] = []
        for step in status.missing {
            let sql = "BEGIN;\n\(step.sql)\n;\nINSERT INTO gitgate.ledger_schema (version) VALUES (\(sqlLiteral(step.version))) ON CONFLICT DO NOTHING;\nCOMMIT"
            let (_, error) = try session.attempt(sql)
            if let error {
                session.rollback()
                let hint = error.sqlState == "42501"
                    ? "the user may not create schemas: have the database owner run migrations/\(step.version)_\(step.name).sql from gitgate's repository once, or GRANT CREATE ON DATABASE to this user"
                    : "run gitgate doctor, and report this if it persists"
                throw GitGateError(.target, "target \(session.target.name): could not create gitgate's ledger (schema step \(step.version)_\(step.name)): \(error.message)\(error.sqlState.map { " [\($0)]" } ?? ""); \(hint)")
            }
            applied.append(step.version)
        }
        return applied
    }

    /// PostgreSQL's default search_path is `"$user", public`: for a login role named gitgate,
    /// `$user` is the ledger's schema, and a migration's unqualified objects would land in it.
    /// Returns the session's path without that entry (nil when nothing needs changing).
    package static func searchPathAvoidingLedger(_ session: TargetSession) throws -> String? {
        guard let row = try session.rows("SELECT current_user, pg_catalog.current_setting('search_path')").first,
              row[0] == "gitgate", let path = row[1] else { return nil }
        let entries = path.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        let kept = entries.filter { $0 != "$user" && $0 != "\"$user\"" }
        guard kept.count < entries.count else { return nil }
        return kept.isEmpty ? "''" : kept.joined(separator: ", ")
    }
}
