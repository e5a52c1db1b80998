import GitGateConfig
import GitGateLint
import GitGateMigrations

/// gitgate's own ledger, `gitgate.migrations` (migrations/001_create_ledger.sql): the version as the
/// layout wrote it, and the SHA-256 of the up part.
package struct GitgateLedger: LedgerFormat {
    package var kind: LedgerKind { .gitgate }
    package var table: String? { "gitgate.migrations" }

    package func query(for migrations: [Migration]) -> String? {
        // Beyond version, checksum, how, applied_at and db_user, to_jsonb reads a column as null where
        // the ledger lacks it (the sign-off arrived with ledger step 003).
        """
        SELECT version, checksum, how, applied_at::text, db_user, pg_catalog.to_jsonb(m) ->> 'git_user_name', \
        pg_catalog.to_jsonb(m) ->> 'git_user_email', pg_catalog.to_jsonb(m) ->> 'os_user', \
        pg_catalog.to_char(applied_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') \
        FROM gitgate.migrations m WHERE version IN (\(sqlList(migrations.map(\.version))))
        """
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        let byVersion = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: LedgerEntry] = [:]
        for row in rows {
            guard let version = row[0], let migration = byVersion[version] else { continue }
            let recorded = row[1] ?? ""
            let how = row[2] == "recorded" ? "recorded" : "applied"
            var entry = LedgerEntry(
                checksum: recorded == migration.checksum ? .matches : .differs(recorded: recorded),
                detail: "\(how) \(row[3].map { "on " + String($0.prefix(19)) } ?? "") by \(row[4] ?? "?")")
            if row.count >= 9, let at = row[8] {
                entry.signOff = LedgerSignOff(how: how, person: LedgerSignOff.person(name: row[5], email: row[6], osUser: row[7], dbUser: row[4]),
                                              at: at)
            }
            result[version] = entry
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "gitgate apply --target \(context.target)"
    }

    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        "gitgate record \(migration.version) --target \(context.target)"
    }
}
