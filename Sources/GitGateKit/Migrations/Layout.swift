import Foundation

/// How a project names its migration files. `auto` in `.gitgate` picks one by looking at the folder.
public enum Layout: String, Sendable, CaseIterable, Codable {
    /// `001_create_users.sql`
    case flat
    /// `V3__add_index.sql`, `R__views.sql` (repeatable); `U3__…` undo files are not migrations.
    case flyway
    /// `20240101120000_add_x.up.sql` with `.down.sql`
    case updown
    /// `2019-02-26-002946_create_user/up.sql` + `down.sql` (diesel), `20230101_x/migration.sql` (prisma)
    case directory
}

/// What one file in the migrations folder is, according to a layout.
public struct MigrationFile: Sendable, Hashable {
    public enum Role: String, Sendable, Hashable {
        /// The file that changes the schema forward.
        case up
        /// The file that reverts it: part of its migration, never a migration of its own.
        case down
        /// Flyway's undo files: neither gated nor applied.
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
}

extension Layout {
    /// Classifies a file by its path relative to the migrations folder. Returns nil when the
    /// file does not fit this layout.
    public func classify(relativePath: String, folder: String) -> MigrationFile? {
        // Called for every file on main (thousands per status): no splitting unless there is a folder.
        let components = relativePath.utf8.contains(UInt8(ascii: "/"))
            ? relativePath.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            : relativePath.isEmpty ? [] : [relativePath]
        guard let fileName = components.last, fileName.utf8.hasSuffix(".sql") else { return nil }
        let fullPath = folder.isEmpty ? relativePath : folder + "/" + relativePath
        switch self {
        case .flat:
            guard components.count == 1, !fileName.hasSuffix(".up.sql"), !fileName.hasSuffix(".down.sql") else { return nil }
            let stem = String(fileName.dropLast(4))
            guard let (version, name) = Layout.splitVersion(stem) else { return nil }
            return MigrationFile(version: version, name: name, role: .up, isRepeatable: false, path: fullPath)

        case .flyway:
            // Flyway scans folders recursively; the name alone carries the version.
            let stem = String(fileName.dropLast(4))
            guard let separator = stem.range(of: "__") else { return nil }
            let prefix = stem[..<separator.lowerBound]
            let description = String(stem[separator.upperBound...])
            guard !description.isEmpty, let kind = prefix.first else { return nil }
            let version = String(prefix.dropFirst())
            switch kind {
            case "V", "U":
                guard Layout.isFlywayVersion(version) else { return nil }
                return MigrationFile(version: version, name: description, role: kind == "V" ? .up : .undo,
                                     isRepeatable: false, path: fullPath)
            case "R":
                guard version.isEmpty else { return nil }
                return MigrationFile(version: "R__" + description, name: description, role: .up,
                                     isRepeatable: true, path: fullPath)
            default:
                return nil
            }

        case .updown:
            guard components.count == 1 else { return nil }
            let role: MigrationFile.Role
            let stem: String
            if fileName.hasSuffix(".up.sql") {
                role = .up; stem = String(fileName.dropLast(7))
            } else if fileName.hasSuffix(".down.sql") {
                role = .down; stem = String(fileName.dropLast(9))
            } else {
                return nil
            }
            guard let (version, name) = Layout.splitVersion(stem) else { return nil }
            return MigrationFile(version: version, name: name, role: role, isRepeatable: false, path: fullPath)

        case .directory:
            guard components.count == 2 else { return nil }
            let role: MigrationFile.Role
            switch fileName {
            case "up.sql", "migration.sql": role = .up
            case "down.sql": role = .down
            default: return nil
            }
            guard let (version, name) = Layout.splitVersion(components[0]) else { return nil }
            return MigrationFile(version: version, name: name, role: role, isRepeatable: false, path: fullPath)
        }
    }

    /// Files that tools keep beside their migrations and that are not migrations.
    public static func isKnownCompanion(relativePath: String) -> Bool {
        let fileName = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        if fileName.hasPrefix(".") { return true }  // .gitkeep, .keep
        return ["migration_lock.toml", "atlas.sum", "sqitch.plan", "sqitch.conf"].contains(fileName)
    }

    /// Picks the layout that explains most of the files; ties go to the more specific layout.
    public static func detect(relativePaths: [String]) -> Layout? {
        let order: [Layout] = [.directory, .updown, .flyway, .flat]
        var best: (layout: Layout, count: Int)?
        for layout in order {
            let count = relativePaths.reduce(0) { $0 + (layout.classify(relativePath: $1, folder: "") == nil ? 0 : 1) }
            if count > 0, count > (best?.count ?? 0) { best = (layout, count) }
        }
        return best?.layout
    }

    /// `001_create_users` → ("001", "create_users"). The version is everything before the
    /// first `_`, as written; it must start with a digit so that `README_x` is not a migration.
    static func splitVersion(_ stem: String) -> (String, String)? {
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

    static func isFlywayVersion(_ version: String) -> Bool {
        guard let first = version.first, first.isASCII, first.isNumber else { return false }
        return version.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "." || $0 == "_" }
    }
}

/// Orders versions the way migration tools do: numerically when both are numbers, segment by
/// segment for dotted or dashed versions, then as text.
public func versionPrecedes(_ a: String, _ b: String) -> Bool {
    VersionKey(a) < VersionKey(b)
}

/// A version split into its segments once, so sorting thousands of migrations does not split
/// each version again on every comparison.
struct VersionKey: Comparable, Sendable {
    let version: String
    private let segments: [(text: Substring, number: UInt64?)]

    init(_ version: String) {
        self.version = version
        segments = version.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" }).map { segment in
            // Leading zeros do not change a number's place: 003 sorts with 3.
            let trimmed = segment.drop(while: { $0 == "0" })
            let text = trimmed.isEmpty ? Substring("0") : trimmed
            return (text, UInt64(text))
        }
    }

    static func < (a: VersionKey, b: VersionKey) -> Bool {
        for (x, y) in zip(a.segments, b.segments) where x.text != y.text {
            if let m = x.number, let n = y.number { return m < n }
            return x.text < y.text
        }
        if a.segments.count != b.segments.count { return a.segments.count < b.segments.count }
        return a.version < b.version
    }

    static func == (a: VersionKey, b: VersionKey) -> Bool { a.version == b.version }
}

extension String.UTF8View {
    /// A byte-wise suffix test: file names are bytes, and this is the hot path of classification.
    func hasSuffix(_ suffix: StaticString) -> Bool {
        let tail = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
        return count >= tail.count && self.suffix(tail.count).elementsEqual(tail)
    }
}
