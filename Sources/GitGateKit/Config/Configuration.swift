import Foundation
import Git

/// The ledger a team's migrations are recorded in.
public enum LedgerKind: String, Sendable, CaseIterable, Codable {
    case gitgate
    case flyway
    case golangMigrate = "golang-migrate"
    case dbmate
    case sqitch
    /// No ledger: the catalog alone says whether a migration's objects exist.
    case none
}

/// gitgate's settings: `.gitgate` at the top of the worktree (committed, git-config syntax),
/// with the repository's own git config layered over it.
public struct Configuration: Sendable {
    public static let fileName = ".gitgate"

    /// The top of the worktree the configuration was read from.
    public var root: String
    /// `gitgate.mainBranch`, when set; otherwise `main`, else `master`.
    public var mainBranch: String?
    /// The migrations folder, relative to the repository root.
    public var migrations: String
    /// Nil means `auto`.
    public var layout: Layout?
    public var ledger: LedgerKind
    /// Printed by `gitgate close`.
    public var reminders: [String]
    public var targets: [Target]
    /// Tables with at least this many rows (estimated) turn lock warnings into errors.
    public var largeTableRows: Int
    /// Whether `.gitgate` exists; without it every setting is a default.
    public var hasFile: Bool
    /// `gitgate.closeDiscard` globs: ignored files `gitgate close` deletes instead of keeping.
    public var closeDiscard: [String] = []

    public var gatedTargets: [Target] { targets.filter(\.gate) }

    public init(root: String, mainBranch: String? = nil, migrations: String, layout: Layout? = nil,
                ledger: LedgerKind = .gitgate, reminders: [String] = [], targets: [Target] = [],
                largeTableRows: Int = 100_000, hasFile: Bool = false) {
        self.root = root
        self.mainBranch = mainBranch
        self.migrations = migrations
        self.layout = layout
        self.ledger = ledger
        self.reminders = reminders
        self.targets = targets
        self.largeTableRows = largeTableRows
        self.hasFile = hasFile
    }

    public func target(named name: String) throws -> Target {
        guard let target = targets.first(where: { $0.name == name }) else {
            let known = targets.map(\.name)
            let hint = known.isEmpty ? "no target is configured; add [gitgate \"\(name)\"] with a url to .gitgate"
                                     : "configured targets: \(known.joined(separator: ", "))"
            throw GitGateError(.usage, "unknown target '\(name)': \(hint)")
        }
        return target
    }
}

// MARK: - Loading

extension Configuration {
    /// Keys of the `[gitgate]` section (lowercased, as git reports them).
    static let topLevelKeys: [String: String] = [
        "mainbranch": "mainBranch", "migrations": "migrations", "layout": "layout", "ledger": "ledger",
        "reminder": "reminder", "largetablerows": "largeTableRows", "closediscard": "closeDiscard",
    ]
    /// Keys of a `[gitgate "TARGET"]` section.
    static let targetKeys: [String: String] = [
        "url": "url", "gate": "gate", "connecttimeout": "connectTimeout",
        "statementtimeout": "statementTimeout", "locktimeout": "lockTimeout",
        "applystatementtimeout": "applyStatementTimeout", "applylocktimeout": "applyLockTimeout",
    ]

    /// Folders where projects usually keep migrations, most specific first.
    public static let usualFolders = [
        "database_tools/migrations", "db/migrations", "database/migrations", "sql/migrations",
        "src/main/resources/db/migration", "prisma/migrations", "migrations", "db/migrate",
    ]

    /// Reads `.gitgate` from the top of `repository`'s worktree, layered under its git config.
    public static func load(from repository: Repository) throws -> Configuration {
        guard let root = repository.workdir else {
            throw GitGateError(.repository, "\(repository.gitDir) is a bare repository: run gitgate inside a worktree (gitgate check and the pre-receive hook take --base/--head instead)")
        }
        let filePath = root + "/" + fileName
        let hasFile = FileManager.default.fileExists(atPath: filePath)
        return try load(from: repository, root: root, file: hasFile ? filePath : nil,
                        folderExists: { isDirectory(root + "/" + $0) })
    }

    /// Reads `.gitgate` as committed in the first of `commits` that has one, layered under the
    /// repository's git config: for a bare repository (a server's pre-receive hook) and for
    /// `gitgate check`, where the rules come from history rather than a working tree. Folders are
    /// looked up in those commits' trees.
    public static func load(from repository: Repository, committedIn commits: [ObjectID]) throws -> Configuration {
        let root = repository.workdir ?? repository.gitDir
        var blob: Data?
        for commit in commits {
            if let data = try? repository.contents(of: fileName, at: commit) { blob = data; break }
        }
        func folderExists(_ folder: String) -> Bool {
            commits.contains { !((try? repository.files(under: folder, at: $0)) ?? []).isEmpty }
        }
        guard let blob else { return try load(from: repository, root: root, file: nil, folderExists: folderExists) }
        // libgit2 reads configuration from files: hand it the committed bytes in a private temp file.
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("gitgate-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).gitgate")
        do {
            try blob.write(to: temporary, options: .withoutOverwriting)
        } catch {
            throw GitGateError(.io, "cannot write a temporary copy of \(fileName) to \(temporary.path): \(error.localizedDescription); check TMPDIR")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        return try load(from: repository, root: root, file: temporary.path, folderExists: folderExists)
    }

    private static func load(from repository: Repository, root: String, file filePath: String?,
                             folderExists: (String) -> Bool) throws -> Configuration {
        let hasFile = filePath != nil
        // libgit2 stops reading at a NUL byte, so a binary file would read as empty: every
        // setting silently default. Refuse what is not text.
        // An empty file is text; skip reading it (Foundation leaks its buffer for an empty file; found by fuzz/run).
        if let filePath, ((try? FileManager.default.attributesOfItem(atPath: filePath)[.size] as? Int) ?? 1) > 0,
           let bytes = FileManager.default.contents(atPath: filePath),
           bytes.contains(0) || String(data: bytes, encoding: .utf8) == nil {
            throw GitGateError(.configuration, "\(fileName) is not text (it holds NUL bytes or invalid UTF-8); restore it from git (git checkout -- .gitgate) or rewrite it in git-config syntax")
        }

        let fileConfig: Git.Config?
        let merged: Git.Config
        do {
            fileConfig = try filePath.map { try Git.Config.open(file: $0) }
            merged = try filePath.map { try repository.config(layering: $0) } ?? repository.config()
        } catch {
            throw GitGateError(.configuration, "\(fileName): cannot be read (\(error)); fix its syntax (it uses git-config syntax) or remove it")
        }

        func origin(_ key: String) -> String {
            if let fileConfig, fileConfig.string(key) != nil { return fileName }
            return "git config"
        }

        // Unknown keys are typos that would silently change what the gate does.
        var targetNames: [String] = []
        for entry in try merged.entries(matching: "^gitgate\\.") {
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 {
                guard topLevelKeys[parts[1]] != nil else {
                    throw unknownKey(entry.name, in: origin(entry.name), known: Array(topLevelKeys.values))
                }
            } else if parts.count >= 3 {
                let target = parts[1..<(parts.count - 1)].joined(separator: ".")
                let key = parts[parts.count - 1]
                guard targetKeys[key] != nil else {
                    throw unknownKey(entry.name, in: origin(entry.name), known: Array(targetKeys.values).map { "gitgate.\(target).\($0)" })
                }
                if !targetNames.contains(target) { targetNames.append(target) }
            }
        }

        var configuration = Configuration(root: root, migrations: "", hasFile: hasFile)
        configuration.mainBranch = merged.string("gitgate.mainbranch")?.nonEmpty

        if let value = merged.string("gitgate.layout"), value != "auto" {
            guard let layout = Layout(rawValue: value) else {
                throw GitGateError(.configuration, "\(origin("gitgate.layout")): gitgate.layout = '\(value)' is not a layout; use auto, flat, flyway, updown or directory")
            }
            configuration.layout = layout
        }
        if let value = merged.string("gitgate.ledger") {
            guard let ledger = LedgerKind(rawValue: value) else {
                throw GitGateError(.configuration, "\(origin("gitgate.ledger")): gitgate.ledger = '\(value)' is not a ledger; use \(LedgerKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.ledger = ledger
        }
        configuration.reminders = merged.strings("gitgate.reminder").filter { !$0.isEmpty }
        configuration.closeDiscard = merged.strings("gitgate.closediscard").filter { !$0.isEmpty }
        if let rows = try integer(merged, "gitgate.largetablerows", origin: origin) { configuration.largeTableRows = rows }

        // The migrations folder: configured, else the first usual folder that exists.
        if let folder = merged.string("gitgate.migrations")?.nonEmpty {
            let normalized = normalizeFolder(folder)
            guard folderExists(normalized) else {
                throw GitGateError(.configuration, "\(origin("gitgate.migrations")): gitgate.migrations = '\(folder)' is not a folder in \(root); create it or fix the path (relative to the repository root)")
            }
            configuration.migrations = normalized
        } else if let found = usualFolders.first(where: folderExists) {
            configuration.migrations = found
        } else {
            throw GitGateError(.configuration, "no migrations folder found in \(root): run 'gitgate init' or set gitgate.migrations in \(fileName)")
        }

        for name in targetNames {
            configuration.targets.append(try loadTarget(name, merged: merged, fileConfig: fileConfig, origin: origin))
        }
        return configuration
    }

    private static func loadTarget(_ name: String, merged: Git.Config, fileConfig: Git.Config?,
                                   origin: (String) -> String) throws -> Target {
        let prefix = "gitgate.\(name)."
        guard let url = merged.string(prefix + "url")?.nonEmpty else {
            throw GitGateError(.configuration, "\(origin(prefix + "gate")): target '\(name)' has no url; set gitgate.\(name).url (env:VAR, service=NAME, or a URI without a password)")
        }
        // A password in a committed file is a leaked password.
        if let fileURL = fileConfig?.string(prefix + "url"), ConnectionSource.containsPassword(fileURL) {
            throw GitGateError(.configuration, "\(fileName): gitgate.\(name).url holds a literal password; remove it and use env:VAR, ~/.pgpass or PGPASSWORD instead (and rotate that password: it may be in git history)")
        }
        var target = Target(name: name, connection: ConnectionSource(parsing: url))
        do {
            target.gate = try merged.bool(prefix + "gate") ?? true
        } catch {
            throw GitGateError(.configuration, "\(origin(prefix + "gate")): gitgate.\(name).gate = '\(merged.string(prefix + "gate") ?? "")' is not a boolean; use true or false")
        }
        if let seconds = try duration(merged, prefix + "connecttimeout", origin: origin) {
            target.connectTimeout = max(1, (seconds + 999) / 1000)
        }
        if let ms = try duration(merged, prefix + "statementtimeout", origin: origin) { target.statementTimeoutMs = ms }
        if let ms = try duration(merged, prefix + "locktimeout", origin: origin) { target.lockTimeoutMs = ms }
        if let ms = try duration(merged, prefix + "applystatementtimeout", origin: origin) { target.applyStatementTimeoutMs = ms }
        if let ms = try duration(merged, prefix + "applylocktimeout", origin: origin) { target.applyLockTimeoutMs = ms }
        return target
    }

    private static func unknownKey(_ key: String, in origin: String, known: [String]) -> GitGateError {
        let lowered = key.lowercased()
        let suggestion = known.min { editDistance($0.lowercased(), lowered) < editDistance($1.lowercased(), lowered) }
        let hint = suggestion.map { " (did you mean \($0.contains(".") ? $0 : "gitgate." + $0)?)" } ?? ""
        return GitGateError(.configuration, "\(origin): unknown key \(key)\(hint); fix or remove it")
    }

    private static func integer(_ config: Git.Config, _ key: String, origin: (String) -> String) throws -> Int? {
        guard let raw = config.string(key) else { return nil }
        guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw GitGateError(.configuration, "\(origin(key)): \(key) = '\(raw)' is not a whole number; write e.g. 100000")
        }
        return value
    }

    /// `10s`, `500ms`, `2m`, or a bare number of seconds → milliseconds.
    static func duration(_ config: Git.Config, _ key: String, origin: (String) -> String) throws -> Int? {
        guard let raw = config.string(key) else { return nil }
        guard let ms = parseDuration(raw) else {
            throw GitGateError(.configuration, "\(origin(key)): \(key) = '\(raw)' is not a duration; write e.g. 10s, 500ms or 2m")
        }
        return ms
    }

    public static func parseDuration(_ raw: String) -> Int? {
        let text = raw.trimmingCharacters(in: .whitespaces).lowercased()
        let units: [(String, Int)] = [("ms", 1), ("s", 1_000), ("m", 60_000), ("min", 60_000)]
        for (suffix, scale) in units.sorted(by: { $0.0.count > $1.0.count }) where text.hasSuffix(suffix) {
            guard let number = Int(text.dropLast(suffix.count).trimmingCharacters(in: .whitespaces)), number >= 0 else { return nil }
            return scaled(number, scale)
        }
        guard let seconds = Int(text), seconds >= 0 else { return nil }
        return scaled(seconds, 1_000)
    }

    /// Durations past PostgreSQL's limit for timeouts (int32 ms, ~24 days) are not durations
    /// anyone means; refusing them also keeps the arithmetic from overflowing (a crash).
    private static func scaled(_ number: Int, _ scale: Int) -> Int? {
        let (ms, overflow) = number.multipliedReportingOverflow(by: scale)
        return overflow || ms > Int(Int32.max) ? nil : ms
    }

    static func normalizeFolder(_ folder: String) -> String {
        var result = folder
        while result.hasPrefix("./") { result.removeFirst(2) }
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }
}

func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    var previous = Array(0...b.count)
    for (i, x) in a.enumerated() {
        var current = [i + 1]
        for (j, y) in b.enumerated() {
            current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (x == y ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}

extension String {
    var nonEmpty: String? {
        let trimmed = trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}
