import Digest
import Foundation
import GitGateConfig
import GitGateLint

/// One migration the branch brings: the SQL a PostgreSQL target runs (a whole file, or the up
/// section of a file that also holds its down section), its down part if any, how it runs, and
/// where its current content comes from.
public struct Migration: Sendable, Hashable {
    /// Where the content the gate looks at lives. Only `committed` content is merged.
    public enum Source: String, Sendable, Codable, Comparable {
        case committed, staged, unstaged, untracked

        public static func < (a: Source, b: Source) -> Bool { a.rank < b.rank }
        private var rank: Int {
            switch self {
            case .committed: 0
            case .staged: 1
            case .unstaged: 2
            case .untracked: 3
            }
        }
    }

    /// A Liquibase changeset's identity: the ledger keys a row by id, author and file.
    public struct Changeset: Sendable, Hashable {
        public var id: String
        public var author: String
        /// The changelog file's path as Liquibase records it.
        public var file: String
        /// Its place in the file: changesets run in file order.
        public var index: Int

        public init(id: String, author: String, file: String, index: Int = 0) {
            self.id = id
            self.author = author
            self.file = file
            self.index = index
        }
    }

    public var version: String
    public var name: String
    /// The file that holds the up part, relative to the repository root.
    public var path: String
    /// The file that holds the down part: a file of its own, or `path` itself for sections.
    public var downPath: String?
    public var isRepeatable: Bool
    public var source: Source
    /// What a PostgreSQL target runs, lint reviews and the catalog check reads: the up part,
    /// with every other part of the file blanked (newlines kept) so lines stay the file's lines.
    public var contents: Data
    /// The down part, blanked the same way; nil when the layout keeps no down part in the file
    /// (a separate down file is read when a rollback needs it).
    public var down: Data?
    /// The whole file's bytes, for tools whose checksum covers the file (Flyway, sqitch, prisma).
    public var file: Data
    /// False when the framework runs it outside a transaction (dbmate `transaction:false`,
    /// goose `NO TRANSACTION`, pop `.autocommit.`, diesel `run_in_transaction = false`).
    public var transaction: Bool
    /// Liquibase only.
    public var changeset: Changeset?
    /// SHA-256 of the up part: what gitgate's ledger records. For a whole-file migration, of the file.
    public var checksum: String

    public init(version: String, name: String, path: String, downPath: String? = nil,
                isRepeatable: Bool = false, source: Source, contents: Data, down: Data? = nil,
                file: Data? = nil, upBytes: Data? = nil, transaction: Bool = true, changeset: Changeset? = nil) {
        self.version = version
        self.name = name
        self.path = path
        self.downPath = downPath
        self.isRepeatable = isRepeatable
        self.source = source
        self.contents = contents
        self.down = down
        self.file = file ?? contents
        self.transaction = transaction
        self.changeset = changeset
        self.checksum = SHA256.hex(upBytes ?? contents)
    }

    /// The up part as text; nil when it is not UTF-8 (the linter reports that).
    public var sql: String? { String(data: contents, encoding: .utf8) }
}

extension Array where Element == Migration {
    /// In the order migration tools apply them.
    public func sortedByVersion() -> [Migration] {
        map { (key: VersionKey($0.version), migration: $0) }.sorted { a, b in
            // Liquibase changesets run in file order, then in their order within the file.
            if let x = a.migration.changeset, let y = b.migration.changeset {
                return x.file != y.file ? x.file.utf8.lexicographicallyPrecedes(y.file.utf8) : x.index < y.index
            }
            // Repeatables run last.
            if a.migration.isRepeatable != b.migration.isRepeatable { return !a.migration.isRepeatable }
            if a.key != b.key { return a.key < b.key }
            return a.migration.path < b.migration.path
        }.map(\.migration)
    }
}
