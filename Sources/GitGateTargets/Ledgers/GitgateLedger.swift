import GitGateConfig
import GitGateLint
import GitGateMigrations

/// gitgate's own ledger, `gitgate.migrations` (migrations/001_create_ledger.sql): the version as the
/// layout wrote it, and the SHA-256 of the up part.
package struct GitgateLedger: LedgerFormat {
    package var kind: LedgerKind { .gitgate }
    package var table: String? { "gitgate.migrations" }

    package func query(for migrations: [Migration]) -> String? {
        "SELECT version, checksum, how, applied_at::text, db_user FROM gitgate.migrations WHERE version IN (\(sqlList(migrations.map(\.version))))"
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        let byVersion = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        var result: [String: LedgerEntry] = [:]
        for row in rows {
            guard let version = row[0], let migration = byVersion[version] else { continue }
            let recorded = row[1] ?? ""
            let how = row[2] == "recorded" ? "recorded" : "applied"
            result[version] = LedgerEntry(
                checksum: recorded == migration.checksum ? .matches : .differs(recorded: recorded),
                detail: "\(how) \(row[3].map { "on " + String($0.prefix(19)) } ?? "") by \(row[4] ?? "?")")
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
