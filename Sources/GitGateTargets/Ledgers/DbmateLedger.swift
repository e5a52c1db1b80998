import GitGateConfig
import GitGateLint
import GitGateMigrations

/// dbmate (pkg/dbmate/db.go, pkg/driver/postgres/postgres.go): `schema_migrations(version varchar
/// primary key)`, unqualified unless `--migrations-table` names a schema. The version is the file
/// name's leading digits as text (`^(\d+).*\.sql$`), stored as written: no padding is removed.
/// A row means applied; dbmate keeps no checksum.
package struct DbmateLedger: LedgerFormat {
    package var kind: LedgerKind { .dbmate }
    package var table: String? { "schema_migrations" }

    package func query(for migrations: [Migration]) -> String? {
        "SELECT version::text FROM schema_migrations WHERE version IN (\(sqlList(migrations.map(\.version))))"
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        var result: [String: LedgerEntry] = [:]
        for row in rows {
            guard let version = row[0] else { continue }
            result[version] = LedgerEntry(checksum: .unknown, detail: "in schema_migrations (dbmate)")
        }
        return result
    }

    /// dbmate reads DATABASE_URL; its folder defaults to ./db/migrations.
    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        context.folder == "db/migrations" ? "dbmate up" : "dbmate --migrations-dir \(shellWord(context.folder)) up"
    }

    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        "INSERT INTO schema_migrations (version) VALUES (\(shownLiteral(migration.version)))"
    }
}
