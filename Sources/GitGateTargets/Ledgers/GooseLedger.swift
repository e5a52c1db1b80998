import GitGateConfig
import GitGateLint
import GitGateMigrations

/// goose (migration.go, internal/dialect/dialectquery/postgres.go, migrate.go EnsureDBVersion):
/// `goose_db_version(id serial, version_id bigint, is_applied boolean, tstamp timestamp)`, unqualified.
/// The version is the file name's text before the first `_` read with ParseInt, so `00003_x.sql`
/// is stored as 3. goose appends a row per up (`is_applied = true`); the newest row of a version
/// (highest id) says whether it is applied. Creating the table inserts version 0: not a migration.
package struct GooseLedger: LedgerFormat {
    package var kind: LedgerKind { .goose }
    package var table: String? { "goose_db_version" }

    /// goose's version of a file: ParseInt of the text before the first `_`; goose refuses 0 and below.
    package static func version(_ text: String) -> Int64? {
        let head = text.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? text
        guard let value = Int64(head), value >= 1 else { return nil }
        return value
    }

    package func query(for migrations: [Migration]) -> String? {
        let versions = Set(migrations.compactMap { Self.version($0.version) }).sorted().map(String.init)
        return "SELECT version_id::text, is_applied::text, tstamp::text FROM goose_db_version WHERE version_id IN (\(versions.isEmpty ? "NULL" : versions.joined(separator: ", "))) ORDER BY id DESC"
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        // Newest first: the first row of each version decides.
        var newest: [Int64: [String?]] = [:]
        for row in rows {
            guard let text = row[0], let version = Int64(text), newest[version] == nil else { continue }
            newest[version] = row
        }
        var result: [String: LedgerEntry] = [:]
        for migration in migrations {
            guard let version = Self.version(migration.version), let row = newest[version] else { continue }
            let applied = row[1] == "true"
            result[migration.version] = LedgerEntry(
                checksum: .unknown,
                detail: "in goose_db_version as version \(version) since \(shortTime(row[2]))",
                notApplied: applied ? nil : "its newest row has is_applied = false: goose counts it as rolled back")
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "goose -dir \(shellWord(context.folder)) postgres URL up"
    }

    /// goose has no command that marks a version applied: the row `goose up` writes.
    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        guard let version = Self.version(migration.version) else {
            return "nothing: \(migration.path) has no goose version (goose reads the number before the first _)"
        }
        return "INSERT INTO goose_db_version (version_id, is_applied) VALUES (\(version), true)"
    }
}
