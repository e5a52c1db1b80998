import GitGateConfig
import GitGateLint
import GitGateMigrations

/// diesel (migrations_internals/src/lib.rs `version_from_string`, setup_migration_table.sql):
/// `__diesel_schema_migrations(version varchar(50) primary key, run_on timestamp)`, unqualified.
/// The version is the migration folder's name up to the first `_` with every `-` removed:
/// `2019-02-26-002946_create_users` → `20190226002946`. A row means applied; no checksum.
package struct DieselLedger: LedgerFormat {
    package var kind: LedgerKind { .diesel }
    package var table: String? { "__diesel_schema_migrations" }

    package static func version(_ text: String) -> String {
        let head = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        return head.replacingOccurrences(of: "-", with: "")
    }

    package func query(for migrations: [Migration]) -> String? {
        "SELECT version, run_on::text FROM __diesel_schema_migrations WHERE version IN (\(sqlList(migrations.map { Self.version($0.version) })))"
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        var runOn: [String: String?] = [:]
        for row in rows { if let version = row[0] { runOn[version] = row[1] } }
        var result: [String: LedgerEntry] = [:]
        for migration in migrations {
            let version = Self.version(migration.version)
            guard let when = runOn[version] else { continue }
            result[migration.version] = LedgerEntry(
                checksum: .unknown, detail: "in __diesel_schema_migrations as \(version) since \(shortTime(when))")
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "diesel migration run --migration-dir \(shellWord(context.folder))"
    }

    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        "INSERT INTO __diesel_schema_migrations (version) VALUES (\(shownLiteral(Self.version(migration.version))))"
    }
}
