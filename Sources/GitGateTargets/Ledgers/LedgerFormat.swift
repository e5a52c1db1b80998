import GitGateConfig
import GitGateLint
import GitGateMigrations

/// What a ledger says about one migration.
package struct LedgerEntry: Sendable, Equatable {
    package enum Checksum: Sendable, Equatable {
        /// The ledger's checksum equals the one computed from the file.
        case matches
        /// It differs: the file changed after it was applied.
        case differs(recorded: String)
        /// This ledger keeps no checksum that can be recomputed from the file.
        case unknown
    }

    package var checksum: Checksum
    /// Words for the state's detail: "recorded by gitgate apply on …".
    package var detail: String
    /// Set when the ledger has a row that its tool does not count as applied (golang-migrate's
    /// `dirty`, a failed Flyway or prisma run, a rolled-back goose row): why. The migration is pending.
    package var notApplied: String?

    package init(checksum: Checksum, detail: String, notApplied: String? = nil) {
        self.checksum = checksum
        self.detail = detail
        self.notApplied = notApplied
    }
}

/// Where a hint's command runs: the target and the repository's migrations folder.
package struct LedgerCommandContext: Sendable {
    package var target: String
    /// Relative to the repository root, as `gitgate.migrations` says.
    package var folder: String
}

/// One tool's ledger, read exactly as that tool reads it. Each ledger is one file in this folder,
/// listed in `LedgerKind.format`; adding a ledger touches that file, the list, its tests and the docs.
///
/// Each reader is one SQL query, sent in the same round trip as the catalog check; an absent
/// ledger table (or schema) means nothing is recorded. Unqualified table names resolve through
/// the session's search_path, as the tools do unless they fix a schema.
package protocol LedgerFormat: Sendable {
    var kind: LedgerKind { get }
    /// The table, as `to_regclass` resolves it: for messages and `gitgate doctor`; nil without a ledger.
    var table: String? { get }
    /// The query listing what the ledger knows about `migrations`; nil without a ledger.
    func query(for migrations: [Migration]) -> String?
    /// Interprets the query's rows: the entry for each migration version the ledger has.
    func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry]
    /// The tool's own command that applies the pending migrations (and writes this ledger).
    func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String
    /// How to record, as the tool would, a migration someone already applied by hand.
    func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String
}

extension LedgerFormat {
    /// The table for messages: "schema_migrations", or "(none)".
    package var tableName: String { table ?? "(none)" }
}

/// The words for applying and recording with the tool that owns the configured ledger. Every hint
/// and remedy that names a command (status, close, apply, record, doctor) takes it from here.
public struct LedgerCommands: Sendable {
    public var ledger: LedgerKind
    /// The migrations folder, relative to the repository root.
    public var folder: String

    public init(ledger: LedgerKind, folder: String) {
        self.ledger = ledger
        self.folder = folder
    }

    public init(_ configuration: Configuration) {
        self.init(ledger: configuration.ledger, folder: configuration.migrations)
    }

    /// "gitgate apply --target production", "dbmate up", "prisma migrate deploy", …
    public func apply(target: String, migrations: [Migration] = []) -> String {
        ledger.format.applyCommand(for: migrations, LedgerCommandContext(target: target, folder: folder))
    }

    /// "gitgate record 003 --target production", or the statement or command that writes the
    /// tool's row for `migration` exactly as the tool would.
    public func record(_ migration: Migration, target: String) -> String {
        ledger.format.recordCommand(for: migration, LedgerCommandContext(target: target, folder: folder))
    }
}

// MARK: - Shared by the ledger files

/// `E'a', E'b'` for an `IN (…)` list; `NULL` when empty (an empty list is a syntax error).
package func sqlList(_ values: [String]) -> String {
    values.isEmpty ? "NULL" : values.map(sqlLiteral).joined(separator: ", ")
}

/// A literal to show a person (who pastes it into psql): standard quotes, quotes doubled.
package func shownLiteral(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
}

/// `2024-01-01 12:00:00`: a timestamp's text without fractions or zone, for details.
package func shortTime(_ text: String?) -> String {
    text.map { String($0.prefix(19)) } ?? "?"
}

/// `folder` as a command-line argument: quoted when the shell would split or expand it.
package func shellWord(_ text: String) -> String {
    let plain = text.allSatisfy { $0.isLetter || $0.isNumber || "/._-+:@=,".contains($0) }
    return plain && !text.isEmpty ? text : "'" + text.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
