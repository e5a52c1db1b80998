import Foundation
import Git
import GitGateConfig
import GitGateLint

/// Where the source files of given commits name what a contract migration takes away: read
/// through git (the committed trees of main's tip and the branch, never the working tree).
public struct CodeSearch: Sendable {
    /// A line of a source file.
    public struct Place: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var path: String
        public var line: Int
        public var description: String { "\(path):\(line)" }
        public static func < (a: Place, b: Place) -> Bool { (a.path, a.line) < (b.path, b.line) }
    }

    package let repository: Repository
    package let commits: [ObjectID]
    /// `gitgate.codePaths` globs; empty: files with a usual source extension.
    package let globs: [String]
    /// The migrations folder: migrations name what they drop.
    package let migrations: String

    public init(repository: Repository, commits: [ObjectID], globs: [String], migrations: String) {
        self.repository = repository
        self.commits = commits
        self.globs = globs
        self.migrations = migrations
    }

    /// The tip of `base` (main) and `head` (the branch's commit; nil: the checked-out HEAD).
    public static func mainAndHead(of repository: Repository, base: String, head: String? = nil,
                                   configuration: Configuration) -> CodeSearch? {
        var commits: [ObjectID] = []
        if let main = try? repository.resolve("refs/heads/" + base) { commits.append(main) }
        let tip = head.flatMap { try? repository.resolve($0) } ?? (try? repository.head()) ?? nil
        if let tip, !commits.contains(tip) { commits.append(tip) }
        guard !commits.isEmpty else { return nil }
        return CodeSearch(repository: repository, commits: commits, globs: configuration.codePaths,
                          migrations: configuration.migrations)
    }

    /// Extensions of source files searched when `codePaths` is not set.
    package static let sourceExtensions: Set<String> = [
        "swift", "go", "rb", "erb", "haml", "slim", "py", "js", "jsx", "mjs", "cjs", "ts", "tsx", "vue", "svelte",
        "java", "kt", "kts", "scala", "groovy", "cs", "fs", "vb", "php", "rs", "ex", "exs", "eex", "heex", "erl",
        "hs", "ml", "clj", "cljs", "dart", "c", "h", "cc", "cpp", "hpp", "m", "mm", "lua", "pl", "pm", "r", "jl",
        "sql", "graphql", "gql", "prisma",
    ]
    /// Schema dumps that a tool rewrites after migrating: they name every column until then.
    package static let schemaDumps: Set<String> = ["db/schema.rb", "db/structure.sql"]

    package func isSearched(_ path: String) -> Bool {
        let folder = migrations.isEmpty ? "" : (migrations.hasSuffix("/") ? migrations : migrations + "/")
        if !folder.isEmpty && path.hasPrefix(folder) { return false }
        if !globs.isEmpty { return globs.contains { fnmatch($0, path, 0) == 0 } }
        if Self.schemaDumps.contains(path) { return false }
        let name = path.split(separator: "/").last.map(String.init) ?? path
        guard let dot = name.lastIndex(of: ".") else { return false }
        return Self.sourceExtensions.contains(name[name.index(after: dot)...].lowercased())
    }

    /// For each contraction, the lines that name what it removes (sorted, each once). A column
    /// counts only in a file that also names its table (its name, or without a trailing s).
    public func places(naming contractions: [Contraction]) throws -> [[Place]] {
        var words: [String] = []
        func index(_ word: String) -> Int {
            let lowered = word.lowercased()
            if let found = words.firstIndex(of: lowered) { return found }
            words.append(lowered)
            return words.count - 1
        }
        let wanted: [(name: Int, tables: [Int])?] = contractions.map { contraction in
            guard let name = contraction.removedName else { return nil }
            var tables: [Int] = []
            if contraction.isColumn {
                let table = contraction.table.name
                tables.append(index(table))
                if table.count > 2, table.lowercased().hasSuffix("s") { tables.append(index(String(table.dropLast()))) }
            }
            return (index(name), tables)
        }
        guard !words.isEmpty else { return contractions.map { _ in [] } }

        // Each blob once, however many commits hold it.
        var paths: [ObjectID: [String]] = [:]
        var order: [ObjectID] = []
        for commit in commits {
            for file in try repository.files(at: commit) where file.kind != .symlink && isSearched(file.path) {
                if paths[file.id] == nil { order.append(file.id) }
                if !(paths[file.id]?.contains(file.path) ?? false) { paths[file.id, default: []].append(file.path) }
            }
        }
        let needles = words.map { Array($0.utf8) }
        let scans = try repository.mapBlobs(order) { data in Self.scan(data, for: needles) }

        var found: [Set<Place>] = contractions.map { _ in [] }
        for (id, lines) in zip(order, scans) {
            guard let lines else { continue }
            for (item, want) in wanted.enumerated() {
                guard let want, let hits = lines[want.name], !hits.isEmpty else { continue }
                if !want.tables.isEmpty && !want.tables.contains(where: { lines[$0] != nil }) { continue }
                for path in paths[id] ?? [] { found[item].formUnion(hits.map { Place(path: path, line: $0) }) }
            }
        }
        return found.map { $0.sorted() }
    }

    /// The 1-based lines where each word appears as a whole identifier (ASCII case ignored);
    /// nil for a binary file.
    package static func scan(_ data: Data, for words: [[UInt8]]) -> [Int: [Int]]? {
        let bytes = [UInt8](data)
        if bytes.prefix(8000).contains(0) { return nil }
        var hits: [Int: [Int]] = [:]
        func isWord(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F
        }
        @inline(__always) func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
        var line = 1
        var start = 0
        while start <= bytes.count {
            let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
            for (number, word) in words.enumerated() where !word.isEmpty && end - start >= word.count {
                var at = start
                while at + word.count <= end {
                    if lower(bytes[at]) == word[0], (at == start || !isWord(bytes[at - 1])),
                       (at + word.count == end || !isWord(bytes[at + word.count])),
                       (1..<word.count).allSatisfy({ lower(bytes[at + $0]) == word[$0] }) {
                        if hits[number]?.last != line { hits[number, default: []].append(line) }
                        at += word.count
                    } else {
                        at += 1
                    }
                }
            }
            line += 1
            start = end + 1
        }
        return hits
    }
}
