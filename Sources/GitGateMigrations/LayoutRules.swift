import Foundation
import GitGateConfig
import GitGateLint

extension Layout {
    /// This layout's rules.
    package var rules: any LayoutRules { Layouts.all.first { $0.layout == self }! }
}

/// What one file in the migrations folder is, by its name, according to a layout.
public struct MigrationFile: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        /// The file that changes the schema forward (it may also hold the down part).
        case up
        /// The file that reverts it: part of its migration, never a migration of its own.
        case down
        /// Flyway's undo files: the rollback of the version of the same number.
        case undo
    }

    /// The version exactly as written in the name (flyway: the part after `V`).
    public var version: String
    /// The descriptive part of the name.
    public var name: String
    public var role: Role
    /// Flyway `R__` files: no version; they are identified by name and re-run when they change.
    public var isRepeatable: Bool
    /// Path relative to the repository root.
    public var path: String
    /// pop: the database the file is written for (`postgres`, `mysql`, …); nil for every database.
    public var dialect: String?
    /// False when the name says to run it outside a transaction (pop `.autocommit.`).
    public var transaction: Bool

    public init(version: String, name: String, role: Role, isRepeatable: Bool = false, path: String,
                dialect: String? = nil, transaction: Bool = true) {
        self.version = version
        self.name = name
        self.role = role
        self.isRepeatable = isRepeatable
        self.path = path
        self.dialect = dialect
        self.transaction = transaction
    }
}

/// One migration inside a file, as its tool reads it: byte ranges of the file.
package struct MigrationPart: Sendable, Hashable {
    /// Overrides the file name's version (Liquibase changesets).
    package var version: String?
    package var name: String?
    /// What runs forward.
    package var up: Range<Int>
    /// What reverts it, when the same file holds it.
    package var down: Range<Int>?
    package var transaction: Bool = true
    package var changeset: Migration.Changeset?
}

/// Why a file cannot be read as its layout says: a conflict that blocks the gate.
package struct LayoutProblem: Error, Sendable, Hashable {
    /// 1-based line of the file.
    package var line: Int
    package var message: String
}

/// The rules of one layout. Adding a layout is one file conforming to this, and one line in `Layouts.all`.
package protocol LayoutRules: Sendable {
    var layout: Layout { get }
    /// What the file is by its name (path relative to the migrations folder), or nil.
    func claim(_ relativePath: String) -> MigrationFile?
    /// Whether the file's content carries this layout's markers (layouts whose names look like
    /// flat files are told apart by these).
    func recognizes(_ contents: Data) -> Bool
    /// The migrations in a file this layout claimed, as byte ranges of `contents`.
    /// `sibling` reads another file of the same folder, by its path relative to the folder.
    func parts(of file: MigrationFile, contents: Data, sibling: (String) -> Data?) -> Result<[MigrationPart], LayoutProblem>
    /// The file's name once renumbered to `version` (for the `git mv` that resolves a collision).
    func renamed(_ relativePath: String, from version: String, to newVersion: String) -> String
    /// The name a stray `.sql` file should have to be claimed, as an example.
    func example(for stem: String, nextVersion: String) -> String
    /// Why a file is a migration of this tool that gitgate cannot read (goose's Go migrations,
    /// pop's fizz files), or nil: such a file fails closed rather than passing unseen.
    func unreadable(_ relativePath: String) -> String?
}

extension LayoutRules {
    package func recognizes(_ contents: Data) -> Bool { false }

    package func unreadable(_ relativePath: String) -> String? { nil }

    package func parts(of file: MigrationFile, contents: Data, sibling: (String) -> Data?) -> Result<[MigrationPart], LayoutProblem> {
        .success([MigrationPart(up: 0..<contents.count, transaction: file.transaction)])
    }

    package func renamed(_ relativePath: String, from version: String, to newVersion: String) -> String {
        guard let range = relativePath.range(of: version) else { return relativePath }
        return relativePath.replacingCharacters(in: range, with: newVersion)
    }
}

/// Every layout gitgate reads. Detection tries them in this order; the first ones are the most specific.
package enum Layouts {
    package static let all: [any LayoutRules] = [
        AtlasLayout(), PopLayout(), DirectoryLayout(), UpDownLayout(), FlywayLayout(),
        LiquibaseLayout(), DbmateLayout(), GooseLayout(), FlatLayout(),
    ]

    /// Layouts told apart from flat files by their content.
    package static var byContent: [any LayoutRules] { all.filter { $0.layout == .liquibase || $0.layout == .dbmate || $0.layout == .goose } }
}

extension Layout {
    /// Classifies a file by its path relative to the migrations folder. Returns nil when the
    /// file does not fit this layout.
    public func classify(relativePath: String, folder: String) -> MigrationFile? {
        guard var file = rules.claim(relativePath) else { return nil }
        file.path = folder.isEmpty ? relativePath : folder + "/" + relativePath
        return file
    }

    /// Files that tools keep beside their migrations and that are not migrations.
    public static func isKnownCompanion(relativePath: String) -> Bool {
        let fileName = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        if fileName.hasPrefix(".") { return true }  // .gitkeep, .keep
        return ["migration_lock.toml", "atlas.sum", "sqitch.plan", "sqitch.conf", "metadata.toml"].contains(fileName)
            || !fileName.lowercased().hasSuffix(".sql")
    }

    /// Picks the layout by the names alone: `atlas.sum` means Atlas; a dialect infix means pop;
    /// otherwise the layout that explains most of the files (ties go to the more specific).
    /// `sample` reads a file's content (path relative to the folder) to tell flat files from
    /// dbmate, goose and Liquibase ones; without it those read as flat.
    public static func detect(relativePaths: [String], sample: ((String) -> Data?)? = nil) -> Layout? {
        if relativePaths.contains("atlas.sum") { return .atlas }
        if relativePaths.contains(where: PopLayout.hasDialectOrAutocommit) { return .pop }
        var best: (layout: Layout, count: Int)?
        for layout in [Layout.directory, .updown, .flyway, .flat] {
            let rules = layout.rules
            let count = relativePaths.reduce(0) { $0 + (rules.claim($1) == nil ? 0 : 1) }
            if count > 0, count > (best?.count ?? 0) { best = (layout, count) }
        }
        guard best == nil || best?.layout == .flat, let sample else { return best?.layout }
        // Flat-looking names: the newest few files' markers decide (a folder converted to a
        // tool keeps its old files as they were).
        let candidates = relativePaths.filter { $0.lowercased().hasSuffix(".sql") }.sorted().suffix(12)
        var votes: [Layout: Int] = [:]
        for path in candidates.reversed() {
            guard let contents = sample(path) else { continue }
            if let layout = Layouts.byContent.first(where: { $0.recognizes(contents) })?.layout { votes[layout, default: 0] += 1 }
        }
        if let (layout, _) = votes.max(by: { $0.value < $1.value }) { return layout }
        return best?.layout
    }

    /// `001_create_users` → ("001", "create_users"). The version is everything before the
    /// first `_`, as written; it must start with a digit so that `README_x` is not a migration.
    package static func splitVersion(_ stem: String) -> (String, String)? {
        guard let underscore = stem.firstIndex(of: "_") else {
            // A bare version such as `0001.sql` is still a migration, with no name.
            guard let first = stem.first, first.isASCII, first.isNumber else { return nil }
            return (stem, "")
        }
        let version = String(stem[..<underscore])
        let name = String(stem[stem.index(after: underscore)...])
        guard let first = version.first, first.isASCII, first.isNumber else { return nil }
        return (version, name)
    }

    package static func isFlywayVersion(_ version: String) -> Bool {
        guard let first = version.first, first.isASCII, first.isNumber else { return false }
        return version.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "_" }
    }

    /// The version after `newest`, written the same way: `009` → `010`, `20240101120000` → `20240101120001`.
    package static func next(after newest: String) -> String {
        let digits = newest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let number = UInt64(digits) else { return newest + "1" }
        let next = String(number + 1)
        return String(repeating: "0", count: max(0, digits.count - next.count)) + next
    }
}

/// Orders versions the way migration tools do: numerically when both are numbers, segment by
/// segment for dotted or dashed versions, then as text.
public func versionPrecedes(_ a: String, _ b: String) -> Bool {
    VersionKey(a) < VersionKey(b)
}

/// A version split into its segments once, so sorting thousands of migrations does not split
/// each version again on every comparison.
package struct VersionKey: Comparable, Sendable {
    package let version: String
    private let segments: [(text: Substring, number: UInt64?)]

    package init(_ version: String) {
        self.version = version
        segments = version.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map { segment in
            // Leading zeros do not change a number's place: 003 sorts with 3.
            let trimmed = segment.drop(while: { $0 == "0" })
            let text = trimmed.isEmpty ? Substring("0") : trimmed
            return (text, UInt64(text))
        }
    }

    package static func < (a: VersionKey, b: VersionKey) -> Bool {
        for (x, y) in zip(a.segments, b.segments) where x.text != y.text {
            if let m = x.number, let n = y.number { return m < n }
            return x.text < y.text
        }
        if a.segments.count != b.segments.count { return a.segments.count < b.segments.count }
        return a.version < b.version
    }

    package static func == (a: VersionKey, b: VersionKey) -> Bool { a.version == b.version }
}

extension String.UTF8View {
    /// A byte-wise suffix test: file names are bytes, and this is the hot path of classification.
    package func hasSuffix(_ suffix: StaticString) -> Bool {
        let tail = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
        return count >= tail.count && self.suffix(tail.count).elementsEqual(tail)
    }
}

extension Data {
    /// The file as one part of it runs: bytes before `range` blanked (newlines kept, so line
    /// numbers stay the file's), the range as it is, nothing after it.
    package func keeping(_ range: Range<Int>) -> Data {
        var bytes = [UInt8](self.prefix(range.upperBound))
        for index in 0..<Swift.min(range.lowerBound, bytes.count) where bytes[index] != 0x0A && bytes[index] != 0x0D {
            bytes[index] = 0x20
        }
        return Data(bytes)
    }

    /// Lines of the file as (byte range without its line ending, 1-based number).
    package func lineRanges() -> [(range: Range<Int>, number: Int)] {
        var result: [(Range<Int>, Int)] = []
        var start = 0
        var number = 1
        withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            for index in 0..<bytes.count where bytes[index] == 0x0A {
                let end = index > start && bytes[index - 1] == 0x0D ? index - 1 : index
                result.append((start..<end, number))
                start = index + 1
                number += 1
            }
            if start < bytes.count { result.append((start..<bytes.count, number)) }
        }
        return result.map { (range: $0.0, number: $0.1) }
    }

    /// The lines a layout's marker reader recognises: its value for each, with the line's number and
    /// first byte. Only lines that begin with the bytes of `prefix` are read (the others are never
    /// made into strings: most lines of most files are not markers).
    package func markers<T>(prefix: String, _ read: (String) -> T?) -> [(value: T, line: Int, start: Int)] {
        let needle = Array(prefix.utf8)
        var found: [(value: T, line: Int, start: Int)] = []
        withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            _ = firstLine { range, number in
                if range.count >= needle.count, needle.indices.allSatisfy({ bytes[range.lowerBound + $0] == needle[$0] }),
                   let value = read(text(range)) {
                    found.append((value, number, range.lowerBound))
                }
                return false
            }
        }
        return found
    }

    /// The first line (as `lineRanges()` gives it: range without its line ending, 1-based number)
    /// for which `matches` holds, reading no further.
    package func firstLine(where matches: (Range<Int>, Int) -> Bool) -> (range: Range<Int>, number: Int)? {
        withUnsafeBytes { raw -> (range: Range<Int>, number: Int)? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var start = 0
            var number = 1
            for index in 0..<bytes.count where bytes[index] == 0x0A {
                let end = index > start && bytes[index - 1] == 0x0D ? index - 1 : index
                if matches(start..<end, number) { return (start..<end, number) }
                start = index + 1
                number += 1
            }
            if start < bytes.count, matches(start..<bytes.count, number) { return (start..<bytes.count, number) }
            return nil
        }
    }

    package func text(_ range: Range<Int>) -> String {
        String(decoding: self[(startIndex + range.lowerBound)..<(startIndex + range.upperBound)], as: UTF8.self)
    }
}
