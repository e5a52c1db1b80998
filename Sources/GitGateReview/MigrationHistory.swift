import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateTargets

/// The migrations that run before the files under review: for a branch, main's. Read only when a
/// foreign key or an index needs them, and then only the files that mention the tables asked about.
public struct MigrationHistory: Sendable {
    /// The files in the order they run, keeping only those whose bytes pass the filter.
    private let load: @Sendable (_ keep: @escaping @Sendable (Data) -> Bool) throws -> [ReviewFile]
    /// Where parses of the history's files are kept between runs, if anywhere.
    private var cache: ParseCache?

    /// Files in the order they run.
    public init(files: [ReviewFile]) {
        load = { keep in files.filter { keep($0.contents) } }
    }

    /// Main's migrations at its tip (up files, in the order migration tools run them): what the
    /// branch's migrations will run after once merged.
    public static func main(of inspection: Inspection, in repository: Repository, cache: ParseCache? = nil) -> MigrationHistory {
        MigrationHistory(cache: cache) { keep in
            guard let layout = inspection.layout else { return [] }
            let reader = MigrationFolder(folder: inspection.migrationsFolder, configured: layout, dialect: inspection.dialect)
            let tip = try repository.resolve("refs/heads/" + inspection.base)
            let files = try repository.files(under: reader.folder, at: tip)
            var claimed: [(file: MigrationFile, id: ObjectID)] = []
            for file in files {
                guard case .migration(let migration) = reader.claim(file.path, layout: layout), migration.role == .up else { continue }
                claimed.append((migration, file.id))
            }
            // One version, one file: pop's other dialects never run on PostgreSQL.
            let selected = Set(Dictionary(grouping: claimed.map(\.file), by: \.version).values.flatMap(reader.runs))
            claimed = claimed.filter { selected.contains($0.file) }
            let ids = Dictionary(files.map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })
            // Thousands of blobs on a long history: read and filtered on all cores; each kept
            // file is then read as its tool reads it (dbmate's and goose's down parts never count).
            let kept = try repository.mapBlobs(claimed.map(\.id)) { contents in keep(contents) ? contents : nil }
            var migrations: [Migration] = []
            for (item, contents) in zip(claimed, kept) {
                guard let contents else { continue }
                let read = reader.read(item.file, contents: contents, layout: layout, source: .committed,
                                       sibling: { path in ids[path].flatMap { try? repository.blob($0) } })
                if case .success(let parts) = read { migrations += parts }
            }
            return migrations.sortedByVersion().map { ReviewFile(path: $0.path, contents: $0.contents) }
        }
    }

    private init(cache: ParseCache?, load: @escaping @Sendable (_ keep: @escaping @Sendable (Data) -> Bool) throws -> [ReviewFile]) {
        self.cache = cache
        self.load = load
    }

    /// The schema the history builds, as far as the tables named in `names` go: files that never
    /// mention one of them (case-insensitively) are not parsed.
    package func schema(mentioning names: Set<String>) throws -> SchemaState {
        var state = SchemaState()
        let mentions = Mentions(names)
        // Parsed on all cores, applied in order.
        let relevant = try load { mentions.found(in: $0) }
        for parsed in ParsedFile.parse(relevant.map(\.contents), cache: cache) {
            for effect in parsed.effects ?? [] { state.apply(effect, markNew: false) }
        }
        return state
    }
}

/// Whether a file mentions one of a set of names, ASCII case-insensitively. A name made only of
/// identifier characters is looked up among the file's words (one pass over the bytes, no matter
/// how many names: `Data.range(of:)` per name was most of `gitgate status`'s time on a long
/// history); any other name (one a quoted identifier allows, such as `"my table"`) is searched as a substring.
package struct Mentions: Sendable {
    private var words: Set<[UInt8]> = []
    private var lengths: Set<Int> = []
    private var others: [[UInt8]] = []

    package init(_ names: Set<String>) {
        for name in names {
            let needle = Array(name.lowercased().utf8)
            if !needle.isEmpty && needle.allSatisfy(Self.isWordByte) {
                words.insert(needle)
                lengths.insert(needle.count)
            } else {
                others.append(needle)
            }
        }
    }

    package func found(in contents: Data) -> Bool {
        contents.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if !words.isEmpty {
                var start = 0
                while start < bytes.count {
                    guard Self.isWordByte(bytes[start]) else { start += 1; continue }
                    var end = start + 1
                    while end < bytes.count && Self.isWordByte(bytes[end]) { end += 1 }
                    if lengths.contains(end - start) && words.contains(bytes[start..<end].map(Self.lowered)) { return true }
                    start = end
                }
            }
            guard !others.isEmpty else { return false }
            let lowered = bytes.map(Self.lowered)
            return others.contains { needle in needle.isEmpty || Self.firstRange(of: needle, in: lowered) != nil }
        }
    }

    private static func lowered(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }

    /// Letters, digits, `_`, `$` and any non-ASCII byte: what PostgreSQL allows in an unquoted identifier.
    package static func isWordByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x5F || byte == 0x24 || byte >= 0x80
            || (byte >= 0x41 && byte <= 0x5A)
    }

    private static func firstRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if haystack[start..<(start + needle.count)].elementsEqual(needle) { return start }
        }
        return nil
    }
}
