import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// Flyway (SchemaHistory, MigrationVersion, ChecksumCalculator): `flyway_schema_history`, one row per
/// run (`installed_rank`), unqualified (Flyway's default schema is the connection's). A versioned
/// row's `version` is the file's version with `_` written as `.` (`V1_1__x` → `1.1`; `001` stays);
/// repeatable rows have no version and are found by description (`R__my_view` → "my view"); the
/// newest row wins. `checksum` is the CRC-32 of the file's lines; `success = false` is a failed run.
package struct FlywayLedger: LedgerFormat {
    package var kind: LedgerKind { .flyway }
    package var table: String? { "flyway_schema_history" }

    package func query(for migrations: [Migration]) -> String? {
        let versions = migrations.filter { !$0.isRepeatable }.map { Self.version($0.version) }
        let descriptions = migrations.map { Self.description($0.name) }
        return """
        SELECT coalesce(version, 'R__' || description), checksum::text, success::text, installed_on::text, installed_by \
        FROM flyway_schema_history WHERE version IN (\(sqlList(versions))) \
        OR (version IS NULL AND description IN (\(sqlList(descriptions)))) ORDER BY installed_rank
        """
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        let byKey = Dictionary(migrations.map { ($0.isRepeatable ? "R__" + Self.description($0.name) : Self.version($0.version), $0) },
                               uniquingKeysWith: { a, _ in a })
        var result: [String: LedgerEntry] = [:]
        // Rows come oldest first: a later run of the same key replaces the earlier one.
        for row in rows {
            guard let key = row[0], let migration = byKey[key] else { continue }
            let recorded = row[1] ?? ""
            let expected = String(FlywayChecksum.of(migration.file))
            result[migration.version] = LedgerEntry(
                checksum: recorded == expected ? .matches : .differs(recorded: recorded),
                detail: "in flyway_schema_history since \(shortTime(row[3]))",
                notApplied: row[2] == "false" ? "the ledger says that run did not finish" : nil)
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "flyway migrate"
    }

    /// Flyway (open source) has no command that marks one migration applied: the row it would write.
    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        let prefix = context.folder.isEmpty ? "" : context.folder + "/"
        let script = migration.path.hasPrefix(prefix) ? String(migration.path.dropFirst(prefix.count)) : migration.path
        let version = migration.isRepeatable ? "NULL" : shownLiteral(Self.version(migration.version))
        return "INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum, installed_by, execution_time, success) "
            + "SELECT coalesce(max(installed_rank), 0) + 1, \(version), \(shownLiteral(Self.description(migration.name))), 'SQL', "
            + "\(shownLiteral(script)), \(FlywayChecksum.of(migration.file)), current_user, 0, true FROM flyway_schema_history"
    }

    /// `1_1` → `1.1`, as MigrationVersion stores it.
    package static func version(_ text: String) -> String { text.replacingOccurrences(of: "_", with: ".") }

    /// Flyway writes `V3__add_index.sql`'s description as "add index".
    package static func description(_ name: String) -> String { name.replacingOccurrences(of: "_", with: " ") }
}

/// Flyway's checksum: CRC-32 of the file's lines without their line endings (and without a
/// leading byte-order mark), as a signed 32-bit integer.
package enum FlywayChecksum {
    package static func of(_ data: Data) -> Int32 {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes where byte != 0x0A && byte != 0x0D {
            crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
        }
        return Int32(bitPattern: crc ^ 0xFFFF_FFFF)
    }

    private static let table: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}
