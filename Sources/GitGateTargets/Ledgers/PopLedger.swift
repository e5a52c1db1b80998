import GitGateConfig
import GitGateLint
import GitGateMigrations

/// pop: gobuffalo/pop (migrator.go, schema_migrations.go) and ory/x popx (popx/migrator.go).
/// `schema_migration`, unqualified: gobuffalo creates `version varchar(14)` (primary key, unique
/// index); popx creates `version varchar(48), version_self int`. The version is the file name's
/// leading digits as written (`^(\d+)_`), stored as text. A row with that version means applied.
/// popx also counts a version longer than 14 characters as applied when a row holds its first 14
/// (a "legacy" row from before the wider column); gobuffalo does not, and its column cannot hold more.
package struct PopLedger: LedgerFormat {
    package var kind: LedgerKind { .pop }
    package var table: String? { "schema_migration" }

    package func query(for migrations: [Migration]) -> String? {
        let versions = migrations.map(\.version)
        let legacy = versions.filter { $0.count > 14 }.map { String($0.prefix(14)) }
        // popx's table has version_self: it decides whether the 14-character match applies.
        return """
        SELECT s.version::text, EXISTS (SELECT 1 FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass('schema_migration') \
        AND attname = 'version_self' AND attnum > 0 AND NOT attisdropped)::text FROM schema_migration s WHERE s.version IN (\(sqlList(versions + legacy)))
        """
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        let present = Set(rows.compactMap { $0[0] })
        let popx = rows.first.map { $0.count > 1 && $0[1] == "true" } ?? false
        var result: [String: LedgerEntry] = [:]
        for migration in migrations {
            if present.contains(migration.version) {
                result[migration.version] = LedgerEntry(checksum: .unknown, detail: "in schema_migration (pop)")
            } else if popx, migration.version.count > 14, present.contains(String(migration.version.prefix(14))) {
                result[migration.version] = LedgerEntry(
                    checksum: .unknown,
                    detail: "in schema_migration (popx) as \(migration.version.prefix(14)), its first 14 characters")
            }
        }
        return result
    }

    /// soda reads database.yml; its folder defaults to ./migrations.
    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        context.folder == "migrations" ? "soda migrate" : "soda migrate -p \(shellWord(context.folder))"
    }

    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        "INSERT INTO schema_migration (version) VALUES (\(shownLiteral(migration.version)))"
    }
}
