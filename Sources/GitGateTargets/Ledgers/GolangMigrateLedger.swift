import GitGateConfig
import GitGateLint
import GitGateMigrations

/// golang-migrate (database/postgres/postgres.go): `schema_migrations(version bigint, dirty boolean)`
/// in the current schema, one row: the newest version applied. The version is the file name's
/// leading digits read with ParseUint, so `003` is 3. Every version up to that row's counts as
/// applied; `dirty` means the run of that version failed part-way.
package struct GolangMigrateLedger: LedgerFormat {
    package var kind: LedgerKind { .golangMigrate }
    package var table: String? { "schema_migrations" }

    package func query(for migrations: [Migration]) -> String? {
        "SELECT version::text, dirty::text FROM schema_migrations"
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        // Older versions count as applied, which is why out-of-order versions are a warning (and the catalog is checked).
        guard let row = rows.first, let current = row[0], let newest = UInt64(current) else { return [:] }
        let dirty = row[1] == "true"
        var result: [String: LedgerEntry] = [:]
        for migration in migrations {
            guard let version = UInt64(migration.version), version <= newest else { continue }
            let isDirty = dirty && version == newest
            result[migration.version] = LedgerEntry(
                checksum: .unknown,
                detail: isDirty ? "schema_migrations is at \(current) and marked dirty: that run failed part-way"
                                : "schema_migrations is at version \(current)",
                notApplied: isDirty ? "the ledger says that run did not finish" : nil)
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "migrate -path \(shellWord(context.folder)) -database URL up"
    }

    /// `force V` sets the one row to V, clean: every version up to V then counts as applied.
    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        let version = UInt64(migration.version).map(String.init) ?? migration.version
        return "migrate -path \(shellWord(context.folder)) -database URL force \(version) (every version up to \(version) then counts as applied)"
    }
}
