import Digest
import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// prisma (schema-engine: sql_migration_persistence.rs, flavour/postgres.rs, checksum.rs,
/// commands/apply_migrations.rs): `_prisma_migrations`, unqualified (prisma sets the search_path to
/// the URL's schema, public by default). A row per attempt, keyed by `migration_name`, the
/// migration's folder name. `migrate deploy` counts a migration applied when a row of that name
/// has no `rolled_back_at`; a row with neither `finished_at` nor `rolled_back_at` is a failed run,
/// and deploy refuses to run anything until it is resolved. `checksum` is the lowercase hex
/// SHA-256 of migration.sql; prisma also accepts the file with CRLF turned to LF or LF to CRLF,
/// and old checksums written without zero padding.
package struct PrismaLedger: LedgerFormat {
    package var kind: LedgerKind { .prisma }
    package var table: String? { "_prisma_migrations" }

    /// The folder that holds migration.sql: prisma's migration name.
    package static func name(_ migration: Migration) -> String {
        let parts = migration.path.split(separator: "/").map(String.init)
        if parts.count >= 2, parts.last == "migration.sql" { return parts[parts.count - 2] }
        return migration.name.isEmpty ? migration.version : migration.version + "_" + migration.name
    }

    package func query(for migrations: [Migration]) -> String? {
        """
        SELECT migration_name, checksum, finished_at::text, (rolled_back_at IS NOT NULL)::text, started_at::text, logs \
        FROM _prisma_migrations WHERE migration_name IN (\(sqlList(migrations.map(Self.name)))) ORDER BY started_at
        """
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        var byName: [String: [[String?]]] = [:]
        for row in rows { if let name = row[0] { byName[name, default: []].append(row) } }
        var result: [String: LedgerEntry] = [:]
        for migration in migrations {
            let name = Self.name(migration)
            guard let rows = byName[name] else { continue }
            let live = rows.filter { $0[3] != "true" }
            if let failed = live.last(where: { $0[2] == nil }) {
                let log = failed[5].flatMap { $0.split(separator: "\n").first.map(String.init) }.map { ": \($0.prefix(120))" } ?? ""
                result[migration.version] = LedgerEntry(
                    checksum: .unknown, detail: "in _prisma_migrations as \(name), started \(shortTime(failed[4])) and failed\(log)",
                    notApplied: "prisma migrate deploy refuses to run until it is resolved (prisma migrate resolve)")
            } else if let done = live.last {
                let recorded = done[1] ?? ""
                result[migration.version] = LedgerEntry(
                    checksum: Self.matches(migration.file, recorded) ? .matches : .differs(recorded: recorded),
                    detail: "in _prisma_migrations as \(name), finished \(shortTime(done[2]))")
            } else {
                result[migration.version] = LedgerEntry(
                    checksum: .unknown, detail: "in _prisma_migrations as \(name)",
                    notApplied: "every row of it has rolled_back_at set: prisma migrate deploy runs it again")
            }
        }
        return result
    }

    /// prisma's `script_matches_checksum`: the file as it is, with CRLF as LF, with LF as CRLF.
    package static func matches(_ file: Data, _ recorded: String) -> Bool {
        let bytes = [UInt8](file)
        var toLF: [UInt8] = [], toCRLF: [UInt8] = []
        var index = 0
        while index < bytes.count {
            if bytes[index] == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A {
                toLF.append(0x0A); index += 2; continue
            }
            toLF.append(bytes[index]); index += 1
        }
        for byte in bytes {
            if byte == 0x0A { toCRLF += [0x0D, 0x0A] } else { toCRLF.append(byte) }
        }
        return [bytes, toLF, toCRLF].contains { variant in
            let hex = SHA256.hex(variant)
            // A checksum that is not 64 characters was written unpadded (prisma-engines#1887).
            return (recorded.count == 64 || recorded.isEmpty ? hex : unpadded(hex)) == recorded
        }
    }

    /// `{byte:x}` per byte: `0a` → `a`, `00` → `0`.
    private static func unpadded(_ hex: String) -> String {
        var result = ""
        var characters = hex.makeIterator()
        while let high = characters.next(), let low = characters.next() {
            if high != "0" { result.append(high) }
            result.append(low)
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "prisma migrate deploy"
    }

    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        "prisma migrate resolve --applied \(shellWord(Self.name(migration)))"
    }
}
