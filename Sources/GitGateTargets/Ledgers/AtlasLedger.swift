import GitGateConfig
import GitGateLint
import GitGateMigrations

/// Atlas (sql/migrate/migrate.go `Executor.Pending`/`Execute`, cmd/atlas/internal/migrate/migrate.go,
/// ent/schema/revision.go): `atlas_schema_revisions.atlas_schema_revisions` by default (another
/// schema only with `--revisions-schema` or a schema in the URL; gitgate reads the default). One
/// row per file: `version` is the file name up to the first `_`, as written; `applied` of `total`
/// statements ran; `error` is set when a statement failed. A file is done when applied = total.
/// `type` is a bit set: 1 baseline, 2 executed, 4 resolved (`atlas migrate set`); a baseline row
/// stands for every file up to its version. The row `.atlas_cloud_identifier` is not a migration.
/// `hash` is the running hash of atlas.sum, which needs every earlier file: not compared.
package struct AtlasLedger: LedgerFormat {
    package var kind: LedgerKind { .atlas }
    package var table: String? { "atlas_schema_revisions.atlas_schema_revisions" }

    package func query(for migrations: [Migration]) -> String? {
        """
        SELECT version, type::text, applied::text, total::text, executed_at::text, coalesce(error, '') \
        FROM atlas_schema_revisions.atlas_schema_revisions \
        WHERE version <> '.atlas_cloud_identifier' AND (version IN (\(sqlList(migrations.map(\.version)))) OR (type & 1) <> 0)
        """
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        var byVersion: [String: [String?]] = [:]
        var baseline: String?
        for row in rows {
            guard let version = row[0] else { continue }
            byVersion[version] = row
            // Versions compare as Go strings: byte order.
            if let type = row[1].flatMap(Int64.init), type & 1 != 0,
               baseline.map({ $0.utf8.lexicographicallyPrecedes(version.utf8) }) ?? true {
                baseline = version
            }
        }
        var result: [String: LedgerEntry] = [:]
        for migration in migrations {
            if let row = byVersion[migration.version] {
                let applied = row[2].flatMap(Int.init) ?? -1, total = row[3].flatMap(Int.init) ?? -2
                let error = row[5] ?? ""
                let detail = "in atlas_schema_revisions since \(shortTime(row[4])), \(applied) of \(total) statements applied"
                // `atlas migrate set` marks an errored revision resolved (bit 4) and leaves the error text.
                let resolved = (row[1].flatMap(Int64.init) ?? 0) & 4 != 0
                if applied != total || (!error.isEmpty && !resolved) {
                    let reason = error.isEmpty ? "Atlas continues it at the next statement on the next apply"
                                               : "its error: \(error.split(separator: "\n").first.map { String($0.prefix(160)) } ?? "")"
                    result[migration.version] = LedgerEntry(checksum: .unknown, detail: detail + "; that run did not finish",
                                                            notApplied: reason)
                } else {
                    result[migration.version] = LedgerEntry(checksum: .unknown, detail: detail)
                }
            } else if let baseline, !baseline.utf8.lexicographicallyPrecedes(migration.version.utf8) {
                result[migration.version] = LedgerEntry(
                    checksum: .unknown, detail: "covered by Atlas's baseline revision \(baseline)")
            }
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        context.folder == "migrations" ? "atlas migrate apply" : "atlas migrate apply --dir file://\(shellWord(context.folder))"
    }

    /// `migrate set V` records the files after the last revision up to V as resolved, and deletes
    /// the revisions of later versions (cmdapi/migrate.go migrateSetRun).
    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        let dir = context.folder == "migrations" ? "" : " --dir file://\(shellWord(context.folder))"
        return "atlas migrate set \(shellWord(migration.version))\(dir) (it records the files after the last revision up to \(migration.version), and deletes the revisions of later versions)"
    }
}
