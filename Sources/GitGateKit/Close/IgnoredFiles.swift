import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// Why an ignored file is deleted with its worktree instead of kept.
public enum DiscardRule: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `gitgate close --discard-ignored` (or its old name `--include-ignored`).
    case discardIgnoredFlag
    /// A `closeDiscard` glob in main's `.gitgate`.
    case closeDiscard(String)

    public var description: String {
        switch self {
        case .discardIgnoredFlag: return "--discard-ignored"
        case .closeDiscard(let glob): return "closeDiscard = \(glob)"
        }
    }

    /// The first rule that says to delete `path` (worktree-relative; a folder ends with "/"),
    /// or nil when it is kept. A glob is matched by fnmatch(3) against the whole path, `*`
    /// matching "/" too (`node_modules/*`, `*.log`); a glob ending in "/" means everything under it.
    public static func rule(for path: String, flag: Bool, globs: [String]) -> DiscardRule? {
        if flag { return .discardIgnoredFlag }
        let bare = path.hasSuffix("/") ? String(path.dropLast()) : path
        for glob in globs {
            let pattern = glob.hasSuffix("/") ? glob + "*" : glob
            if fnmatch(pattern, path, 0) == 0 || fnmatch(pattern, bare, 0) == 0 { return .closeDiscard(glob) }
        }
        return nil
    }

    // One string in JSON: "--discard-ignored" or "closeDiscard = GLOB".
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        let prefix = "closeDiscard = "
        self = text.hasPrefix(prefix) ? .closeDiscard(String(text.dropFirst(prefix.count))) : .discardIgnoredFlag
    }
}

/// Ignored files in a worktree, gathered by the folder a person recognises (`node_modules/`,
/// `pgdata/`) rather than file by file, with what `gitgate close` does with them.
public struct IgnoredGroup: Sendable, Hashable, Codable {
    /// Relative to the top of the worktree; a folder ends with "/".
    public var path: String
    public var files: Int
    public var bytes: Int64
    /// Why these files look like data worth keeping; nil when they look regenerable.
    public var data: String?
    /// Why they are deleted; nil when they are kept (moved to the keep folder).
    public var discard: DiscardRule?

    public init(path: String, files: Int, bytes: Int64, data: String?, discard: DiscardRule? = nil) {
        self.path = path
        self.files = files
        self.bytes = bytes
        self.data = data
        self.discard = discard
    }

    public var description: String {
        let size = ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)
        let count = path.hasSuffix("/") ? " (\(files) file\(files == 1 ? "" : "s"), \(size))" : " (\(size))"
        return path + count + (data.map { ": looks like data: \($0)" } ?? "")
    }
}

/// Tells data (a database folder, an environment file, a large file) from build output.
/// `git worktree remove` deletes ignored files silently; these are the ones people miss.
public enum IgnoredFiles {
    /// Files at least this big are data until someone says otherwise.
    public static let largeFileBytes: Int64 = 10 * 1024 * 1024

    /// Folders that tools rebuild on demand: nothing in them counts as data.
    package static let regenerable: Set<String> = [
        "node_modules", ".build", "build", "dist", "target", "__pycache__", ".venv", "venv", ".tox",
        ".gradle", ".next", ".nuxt", ".cache", "DerivedData", ".pytest_cache", ".mypy_cache", ".swiftpm",
        "coverage", ".parcel-cache", ".turbo",
    ]

    /// Folder names local databases are usually kept in.
    package static let databaseFolders: Set<String> = [
        "pgdata", ".pgdata", "pg_data", "postgres-data", "postgres_data", "postgresql-data", "pgsql",
        "mysql", "mysql-data", "mysql_data", "mariadb", "mariadb-data", "mongo-data", "mongodb", "mongo_data",
        "dbdata", "db-data", "db_data", "redis-data", "elasticsearch-data", "minio-data", "clickhouse-data",
    ]

    package static let databaseExtensions: Set<String> = [
        "db", "sqlite", "sqlite3", "db3", "mdb", "accdb", "duckdb", "realm", "dump", "bak", "backup", "tfstate",
    ]

    /// `.env`, `.env.local`, `.env.production`, but not the committed-by-convention examples.
    package static func isEnvironmentFile(_ name: String) -> Bool {
        guard name == ".env" || name.hasPrefix(".env.") else { return false }
        return ![".env.example", ".env.sample", ".env.template", ".env.dist", ".env.defaults"].contains(name)
    }

    /// Why the ignored file at `path` (worktree-relative) looks like data; nil when it does not.
    /// `isRepository` says the path is a folder holding its own `.git`.
    public static func dataReason(path: String, bytes: Int64, isRepository: Bool = false) -> String? {
        let components = path.split(separator: "/").map(String.init)
        if components.contains(where: regenerable.contains) { return nil }
        if isRepository { return "a git repository: its unpushed commits would be lost" }
        if let folder = components.dropLast().first(where: databaseFolders.contains) {
            return "a database folder (\(folder)/)"
        }
        guard let name = components.last else { return nil }
        if name == "PG_VERSION" { return "a PostgreSQL data directory" }
        if isEnvironmentFile(name) { return "an environment file (often holds secrets)" }
        if let dot = name.lastIndex(of: "."), dot != name.startIndex {
            let ext = name[name.index(after: dot)...].lowercased()
            if databaseExtensions.contains(ext) { return "a database or backup file (.\(ext))" }
        }
        if bytes >= largeFileBytes {
            return "a large file (\(ByteCountFormatter.string(fromByteCount: bytes, countStyle: .file)))"
        }
        return nil
    }

    /// Groups `paths` (ignored, relative to `root`) by the folder that explains them (a
    /// regenerable or database folder where there is one, else the top-level entry) and by
    /// what `discard` says happens to them.
    public static func groups(_ paths: [String], root: String,
                              discard: (String) -> DiscardRule? = { _ in nil }) -> [IgnoredGroup] {
        struct Key: Hashable { var path: String; var discard: DiscardRule? }
        var order: [Key] = []
        var byKey: [Key: IgnoredGroup] = [:]
        for raw in paths {
            let isFolder = raw.hasSuffix("/")
            let path = isFolder ? String(raw.dropLast()) : raw
            let absolute = root + "/" + path
            let isRepository = isFolder && FileManager.default.fileExists(atPath: absolute + "/.git")
            let (files, bytes) = isFolder ? folderSize(absolute) : (1, fileSize(absolute))
            let reason = dataReason(path: path, bytes: bytes, isRepository: isRepository)
            let rule = discard(raw)
            let key = Key(path: groupKey(path, isFolder: isFolder), discard: rule)
            if byKey[key] == nil {
                order.append(key)
                byKey[key] = IgnoredGroup(path: key.path, files: 0, bytes: 0, data: nil, discard: rule)
            }
            byKey[key]!.files += files
            byKey[key]!.bytes += bytes
            if byKey[key]!.data == nil { byKey[key]!.data = reason }
        }
        return order.map { byKey[$0]! }
    }

    package static func groupKey(_ path: String, isFolder: Bool) -> String {
        let components = path.split(separator: "/").map(String.init)
        if let index = components.firstIndex(where: { regenerable.contains($0) || databaseFolders.contains($0) }),
           index < components.count - 1 || isFolder {
            return components[...index].joined(separator: "/") + "/"
        }
        if components.count > 1 { return components[0] + "/" }
        return isFolder ? path + "/" : path
    }

    /// The size of a file as stored; a symlink counts as itself, never its target.
    package static func fileSize(_ path: String) -> Int64 {
        var info = stat()
        guard lstat(path, &info) == 0 else { return 0 }
        return Int64(info.st_size)
    }

    package static func folderSize(_ path: String) -> (files: Int, bytes: Int64) {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return (0, 0) }
        var files = 0
        var bytes: Int64 = 0
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            guard lstat(path + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) != S_IFDIR else { continue }
            files += 1
            bytes += Int64(info.st_size)
        }
        return (files, bytes)
    }
}
