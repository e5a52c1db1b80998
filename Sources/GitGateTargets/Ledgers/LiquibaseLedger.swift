import GitGateConfig
import GitGateLint
import GitGateMigrations

/// Liquibase formatted SQL (changelog/RanChangeSet.isSameAs, sqlgenerator/core/
/// CreateDatabaseChangeLogTableGenerator): `databasechangelog`, lowercase on PostgreSQL, in the
/// connection's default schema. A changeset is identified by id, author and changelog path: id and
/// author compared ignoring case, the path normalised (`\` as `/`, no `classpath:` prefix, no
/// leading `/`) and compared ignoring case. Liquibase writes a row only when a changeset ran
/// (EXECUTED, RERAN) or was marked ran (MARK_RAN); a FAILED row is a run that failed.
/// `md5sum` (`9:…`) is computed from the changeset's SQL after Liquibase's own parsing
/// (parameters, comments, attributes): gitgate does not recompute it, so it is not compared.
package struct LiquibaseLedger: LedgerFormat {
    package var kind: LedgerKind { .liquibase }
    package var table: String? { "databasechangelog" }

    package func query(for migrations: [Migration]) -> String? {
        let ids = Set(migrations.compactMap { $0.changeset?.id.lowercased() }).sorted()
        return """
        SELECT id, author, filename, exectype, dateexecuted::text FROM databasechangelog \
        WHERE lower(id) IN (\(sqlList(ids))) ORDER BY orderexecuted
        """
    }

    /// DatabaseChangeLog.normalizePath, for comparing: `classpath:db/x.sql` and `/db/x.sql` are `db/x.sql`.
    package static func normalized(_ path: String) -> String {
        var text = path.replacingOccurrences(of: "\\", with: "/")
        if text.hasPrefix("classpath:") { text.removeFirst("classpath:".count) }
        while text.hasPrefix("/") { text.removeFirst() }
        while text.hasPrefix("./") { text.removeFirst(2) }
        while text.contains("//") { text = text.replacingOccurrences(of: "//", with: "/") }
        return text.lowercased()
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        var result: [String: LedgerEntry] = [:]
        for migration in migrations {
            guard let changeset = migration.changeset else { continue }
            let file = Self.normalized(changeset.file)
            // Rows come in the order they ran: the newest decides.
            guard let row = rows.last(where: { row in
                row[0]?.lowercased() == changeset.id.lowercased() && row[1]?.lowercased() == changeset.author.lowercased()
                    && row[2].map(Self.normalized) == file
            }) else { continue }
            let type = row[3] ?? "?"
            let detail = "in databasechangelog as \(changeset.id)::\(changeset.author)::\(changeset.file), \(type) on \(shortTime(row[4])); its md5sum is not compared"
            result[migration.version] = LedgerEntry(
                checksum: .unknown, detail: detail,
                notApplied: type == "FAILED" ? "Liquibase recorded that run as FAILED" : nil)
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "liquibase update"
    }

    /// The row `liquibase changelog-sync` writes (MARK_RAN); an empty md5sum is filled in by
    /// Liquibase on its next run, as after `clear-checksums`.
    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        guard let changeset = migration.changeset else {
            return "nothing: \(migration.path) has no Liquibase changeset line (--changeset author:id)"
        }
        return "INSERT INTO databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype) "
            + "SELECT \(shownLiteral(changeset.id)), \(shownLiteral(changeset.author)), \(shownLiteral(changeset.file)), now(), "
            + "coalesce(max(orderexecuted), 0) + 1, 'MARK_RAN' FROM databasechangelog"
    }
}
