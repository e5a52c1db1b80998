import Digest
import Foundation

/// One migration the branch brings: its up file, its down file if the layout has one, and
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

    public var version: String
    public var name: String
    /// The up file, relative to the repository root.
    public var path: String
    public var downPath: String?
    public var isRepeatable: Bool
    public var source: Source
    /// The up file's bytes as the gate sees them (the newest of committed, staged, working tree).
    public var contents: Data

    public init(version: String, name: String, path: String, downPath: String? = nil,
                isRepeatable: Bool = false, source: Source, contents: Data) {
        self.version = version
        self.name = name
        self.path = path
        self.downPath = downPath
        self.isRepeatable = isRepeatable
        self.source = source
        self.contents = contents
    }

    /// SHA-256 of the up file: what gitgate's ledger records.
    public var checksum: String { SHA256.hex(contents) }

    /// The file as text; nil when it is not UTF-8 (the linter reports that).
    public var sql: String? { String(data: contents, encoding: .utf8) }
}

extension Array where Element == Migration {
    /// In the order migration tools apply them.
    public func sortedByVersion() -> [Migration] {
        map { (key: VersionKey($0.version), migration: $0) }.sorted { a, b in
            // Repeatables run last.
            if a.migration.isRepeatable != b.migration.isRepeatable { return !a.migration.isRepeatable }
            if a.key != b.key { return a.key < b.key }
            return a.migration.path < b.migration.path
        }.map(\.migration)
    }
}
