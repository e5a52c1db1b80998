import Digest
import Foundation

/// What a ledger says about one migration.
struct LedgerEntry: Sendable, Equatable {
    enum Checksum: Sendable, Equatable {
        /// The ledger's checksum equals the one computed from the file.
        case matches
        /// It differs: the file changed after it was applied.
        case differs(recorded: String)
        /// This ledger keeps no checksum that can be recomputed from the file.
        case unknown
    }

    var checksum: Checksum
    /// Words for the state's detail: "recorded by gitgate apply on …".
    var detail: String
    /// golang-migrate's `dirty` flag, Flyway's failed rows: the run did not finish.
    var failed: Bool = false
}

/// Reads the ledgers of gitgate and of the tools teams already use, so gitgate can gate a team
/// without making it switch. Each reader is one SQL query, sent in the same round trip as the
/// catalog check; an absent ledger table means "nothing recorded".
struct LedgerReader: Sendable {
    var kind: LedgerKind

    /// The query listing what the ledger knows about `migrations`; nil for `ledger = none`.
    func query(for migrations: [Migration]) -> String? {
        let versions = migrations.map { sqlLiteral($0.version) }.joined(separator: ", ")
        let list = versions.isEmpty ? "NULL" : versions
        switch kind {
        case .gitgate:
            return "SELECT version, checksum, how, applied_at::text, db_user FROM gitgate.migrations WHERE version IN (\(list))"
        case .flyway:
            let descriptions = migrations.map { sqlLiteral(flywayDescription($0.name)) }.joined(separator: ", ")
            // Versioned rows by version; repeatable rows (version NULL) by description; the newest row wins.
            return """
            SELECT coalesce(version, 'R__' || description), checksum::text, success::text, installed_on::text, installed_by \
            FROM flyway_schema_history WHERE version IN (\(list)) \
            OR (version IS NULL AND description IN (\(descriptions.isEmpty ? "NULL" : descriptions))) ORDER BY installed_rank
            """
        case .golangMigrate:
            return "SELECT version::text, dirty::text FROM schema_migrations"
        case .dbmate:
            return "SELECT version::text FROM schema_migrations WHERE version IN (\(list))"
        case .sqitch:
            let names = migrations.flatMap { [sqlLiteral($0.name), sqlLiteral($0.version + "_" + $0.name)] }.joined(separator: ", ")
            return "SELECT change, script_hash, committed_at::text, committer_name FROM sqitch.changes WHERE change IN (\(names.isEmpty ? "NULL" : names)) ORDER BY committed_at"
        case .none:
            return nil
        }
    }

    /// The table this ledger lives in, for messages.
    var tableName: String {
        switch kind {
        case .gitgate: return "gitgate.migrations"
        case .flyway: return "flyway_schema_history"
        case .golangMigrate, .dbmate: return "schema_migrations"
        case .sqitch: return "sqitch.changes"
        case .none: return "(none)"
        }
    }

    /// Interprets the query's rows: the entry for each migration version the ledger has.
    func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        var result: [String: LedgerEntry] = [:]
        switch kind {
        case .gitgate:
            let byVersion = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
            for row in rows {
                guard let version = row[0], let migration = byVersion[version] else { continue }
                let recorded = row[1] ?? ""
                let how = row[2] == "recorded" ? "recorded" : "applied"
                result[version] = LedgerEntry(
                    checksum: recorded == migration.checksum ? .matches : .differs(recorded: recorded),
                    detail: "\(how) \(row[3].map { "on " + String($0.prefix(19)) } ?? "") by \(row[4] ?? "?")")
            }

        case .flyway:
            let byKey = Dictionary(migrations.map { ($0.isRepeatable ? "R__" + flywayDescription($0.name) : $0.version, $0) },
                                   uniquingKeysWith: { a, _ in a })
            for row in rows {
                guard let key = row[0], let migration = byKey[key] else { continue }
                let recorded = row[1] ?? ""
                let expected = String(FlywayChecksum.of(migration.contents))
                result[migration.version] = LedgerEntry(
                    checksum: recorded == expected ? .matches : .differs(recorded: recorded),
                    detail: "in flyway_schema_history since \(row[3].map { String($0.prefix(19)) } ?? "?")",
                    failed: row[2] == "false")
            }

        case .golangMigrate:
            // golang-migrate keeps one row: the newest version applied. Older versions count as
            // applied, which is why out-of-order versions are a warning (and the catalog is checked).
            guard let row = rows.first, let current = row[0] else { break }
            let dirty = row[1] == "true"
            for migration in migrations {
                guard let version = UInt64(migration.version), let newest = UInt64(current), version <= newest else { continue }
                let isDirty = dirty && version == newest
                result[migration.version] = LedgerEntry(
                    checksum: .unknown,
                    detail: isDirty ? "schema_migrations is at \(current) and marked dirty: that run failed part-way"
                                    : "schema_migrations is at version \(current)",
                    failed: isDirty)
            }

        case .dbmate:
            for row in rows {
                guard let version = row[0] else { continue }
                result[version] = LedgerEntry(checksum: .unknown, detail: "in schema_migrations (dbmate)")
            }

        case .sqitch:
            for row in rows {
                guard let change = row[0],
                      let migration = migrations.first(where: { $0.name == change || $0.version + "_" + $0.name == change }) else { continue }
                let recorded = row[1] ?? ""
                result[migration.version] = LedgerEntry(
                    checksum: recorded.isEmpty ? .unknown : (recorded == SHA1.hex(migration.contents) ? .matches : .differs(recorded: recorded)),
                    detail: "deployed by sqitch \(row[2].map { "on " + String($0.prefix(19)) } ?? "")")
            }

        case .none:
            break
        }
        return result
    }

    /// Flyway writes `V3__add_index.sql`'s description as "add index".
    private func flywayDescription(_ name: String) -> String { name.replacingOccurrences(of: "_", with: " ") }
}

/// Flyway's checksum: CRC-32 of the file's lines without their line endings (and without a
/// leading byte-order mark), as a signed 32-bit integer.
enum FlywayChecksum {
    static func of(_ data: Data) -> Int32 {
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

/// A string as an SQL literal for the batched check (the simple protocol takes no parameters).
/// An `E''` literal reads the same whatever `standard_conforming_strings` is, so escaping the
/// backslash and the quote is enough; NUL is dropped (libpq cannot send it).
func sqlLiteral(_ value: String) -> String {
    "E'" + ASCIIEscapes.sqlLiteral.apply(to: value) + "'"
}

/// Replacements for single ASCII bytes. The catalog query quotes every probed name, and
/// Foundation's `replacingOccurrences` (an NSString round trip) was a sixth of `status`'s time.
struct ASCIIEscapes: Sendable {
    private var table: [[UInt8]?] = Array(repeating: nil, count: 128)

    init(_ replacements: [Unicode.Scalar: String]) {
        for (scalar, replacement) in replacements where scalar.isASCII {
            table[Int(scalar.value)] = Array(replacement.utf8)
        }
    }

    func apply(to text: String) -> String {
        guard text.utf8.contains(where: { $0 < 0x80 && table[Int($0)] != nil }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if byte < 0x80, let replacement = table[Int(byte)] { bytes += replacement } else { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Inside `E'…'`; NUL is dropped.
    static let sqlLiteral = ASCIIEscapes(["\u{0}": "", "\\": "\\\\", "'": "''"])
    /// Inside a quoted element of an array literal.
    static let arrayElement = ASCIIEscapes(["\\": "\\\\", "\"": "\\\""])
    /// Inside `"…"`.
    static let identifier = ASCIIEscapes(["\"": "\"\""])
}
