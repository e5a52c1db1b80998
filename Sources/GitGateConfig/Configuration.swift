import Foundation
import Git
import GitGateLint

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
    /// `gitgate.ignore` globs (repeatable): `.sql` files in the migrations folder that are not migrations.
    public var ignore: [String] = []
    /// `gitgate.dialect`: the database the targets run, `postgres` or `cockroach` (pop writes a file per database).
    public var dialect: String = "postgres"
    /// Whether `.gitgate` exists; without it every setting is a default.
    public var hasFile: Bool
    /// Where the policy (every key that decides a verdict) was read from.
    public var policy: PolicySource = .worktree
    /// Policy keys a person's git config sets: ignored, since only main's `.gitgate` decides them.
    public var ignoredOverrides: [String] = []
    /// The worktree's `.gitgate` differs from main's: its changes take effect when merged.
    public var pendingPolicyChange: Bool = false

    /// Where the policy comes from.
    public enum PolicySource: Sendable, Equatable {
        /// `.gitgate` as committed at the tip of the main branch.
        case main(branch: String, commit: String)
        /// The main branch has no `.gitgate` committed: no policy gates merges yet.
        case missingOnMain(branch: String)
        /// Read from a file or commits given explicitly (tests, `gitgate check`, a bare repository).
        case worktree
    }
    /// `gitgate.closeDiscard` globs: ignored files `gitgate close` deletes instead of keeping.
    public var closeDiscard: [String] = []
    /// `[gitgate "lint"]` and `[gitgate "lint.severity"]`: which review rules run, and how.
    public var lint = LintSettings()

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
    package static let topLevelKeys: [String: String] = [
        "mainbranch": "mainBranch", "migrations": "migrations", "layout": "layout", "ledger": "ledger",
        "reminder": "reminder", "largetablerows": "largeTableRows", "ignore": "ignore", "closediscard": "closeDiscard", "dialect": "dialect",
    ]
    /// Target keys a person's git config may set: how to connect, never whether the target gates.
    package static let connectionKeys: Set<String> = ["url", "connecttimeout", "statementtimeout", "locktimeout", "applystatementtimeout", "applylocktimeout"]

    /// Keys of a `[gitgate "TARGET"]` section.
    package static let targetKeys: [String: String] = [
        "url": "url", "gate": "gate", "connecttimeout": "connectTimeout",
        "statementtimeout": "statementTimeout", "locktimeout": "lockTimeout",
        "applystatementtimeout": "applyStatementTimeout", "applylocktimeout": "applyLockTimeout",
    ]

    /// Folders where projects usually keep migrations, most specific first.
    public static let usualFolders = [
        "database_tools/migrations", "db/migrations", "database/migrations", "sql/migrations",
        "src/main/resources/db/migration", "db/migration", "prisma/migrations", "migrations", "db/migrate",
    ]

    /// The configuration `gitgate` runs with in a worktree: the policy (every key that decides a
    /// verdict) from `.gitgate` as committed at the tip of the main branch, so that a branch or a
    /// person cannot loosen the gate that checks them; how to connect may come from git config.
    public static func load(from repository: Repository) throws -> Configuration {
        guard let root = repository.workdir else {
            throw GitGateError(.repository, "\(repository.gitDir) is a bare repository: run gitgate inside a worktree (gitgate check and the pre-receive hook take --base/--head instead)")
        }
        let top = root.hasSuffix("/") ? String(root.dropLast()) : root
        let filePath = top + "/" + fileName
        let worktreeFile = FileManager.default.fileExists(atPath: filePath) ? filePath : nil
        guard let (main, tip) = policyBranch(repository) else {
            // A repository with no commit on its main branch yet: nothing is merged, so the
            // worktree's file is all there is.
            return try load(from: repository, root: top, file: worktreeFile, folderExists: { isDirectory(top + "/" + $0) })
        }
        let committed = try? repository.contents(of: fileName, at: tip)
        func folderExists(_ folder: String) -> Bool {
            isDirectory(top + "/" + folder) || !((try? repository.files(under: folder, at: tip)) ?? []).isEmpty
        }
        var configuration: Configuration
        if let committed {
            configuration = try load(from: repository, root: top, blob: committed, folderExists: folderExists,
                                     describedAs: "\(main)'s \(fileName)")
            configuration.policy = .main(branch: main, commit: tip.hex)
            let here = worktreeFile.flatMap { FileManager.default.contents(atPath: $0) }
            configuration.pendingPolicyChange = here != committed
        } else {
            // Folders and layout still come from the worktree's file, so status can show the
            // branch's migrations; the gate blocks them until main has a policy.
            configuration = try load(from: repository, root: top, file: worktreeFile, folderExists: folderExists)
            configuration.targets = []
            configuration.policy = .missingOnMain(branch: main)
            configuration.pendingPolicyChange = worktreeFile != nil
        }
        configuration.root = top
        return configuration
    }

    /// Whether the repository has a `.gitgate` at all, committed on main or in this worktree: a
    /// repository without one has no policy to honour (lint of named files then uses defaults).
    public static func hasFile(in repository: Repository) -> Bool {
        if let root = repository.workdir, FileManager.default.fileExists(atPath: root + "/" + fileName) { return true }
        guard let (_, tip) = policyBranch(repository) else { return false }
        return (try? repository.contents(of: fileName, at: tip)) != nil
    }

    /// The main branch and its tip, found without trusting the branch being checked: the first
    /// of main, master and trunk that exists (else the main worktree's branch), then the branch
    /// its committed `.gitgate` names, if that one exists.
    package static func policyBranch(_ repository: Repository) -> (String, ObjectID)? {
        var candidates = ["main", "master", "trunk"].filter(repository.branchExists)
        if candidates.isEmpty, let path = try? repository.mainWorktreePath,
           let mainWorktree = try? Repository(discoveringFrom: path), let branch = try? mainWorktree.currentBranch() {
            candidates.append(branch)
        }
        guard let first = candidates.first, let tip = try? repository.resolve("refs/heads/" + first) else { return nil }
        if let blob = try? repository.contents(of: fileName, at: tip),
           let named = mainBranchLine(in: blob), named != first, repository.branchExists(named),
           let namedTip = try? repository.resolve("refs/heads/" + named) {
            return (named, namedTip)
        }
        return (first, tip)
    }

    /// `mainBranch = X` in a `.gitgate`'s `[gitgate]` section, read without libgit2 (this runs before the file is trusted).
    private static func mainBranchLine(in blob: Data) -> String? {
        var inSection = false
        for raw in String(decoding: blob, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("[") { inSection = line.lowercased().replacingOccurrences(of: " ", with: "") == "[gitgate]"; continue }
            guard inSection else { continue }
            let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, parts[0].lowercased() == "mainbranch" {
                return parts[1].split(separator: "#").first.map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
        return nil
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
        return try load(from: repository, root: root, blob: blob, folderExists: folderExists, describedAs: fileName)
    }

    /// Reads committed `.gitgate` bytes (libgit2 reads configuration from files: they go to a private temp file).
    private static func load(from repository: Repository, root: String, blob: Data, folderExists: (String) -> Bool,
                             describedAs name: String) throws -> Configuration {
        let temporary = FileManager.default.temporaryDirectory
            .appendingPathComponent("gitgate-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).gitgate")
        do {
            try blob.write(to: temporary, options: .withoutOverwriting)
        } catch {
            throw GitGateError(.io, "cannot write a temporary copy of \(fileName) to \(temporary.path): \(error.localizedDescription); check TMPDIR")
        }
        defer { try? FileManager.default.removeItem(at: temporary) }
        return try load(from: repository, root: root, file: temporary.path, folderExists: folderExists, shownAs: name)
    }

    /// - Parameter shownAs: how messages name the file (`main's .gitgate` when it was read from main).
    private static func load(from repository: Repository, root: String, file filePath: String?,
                             folderExists: (String) -> Bool, shownAs shown: String = fileName) throws -> Configuration {
        let hasFile = filePath != nil
        // libgit2 stops reading at a NUL byte, so a binary file would read as empty: every
        // setting silently default. Refuse what is not text.
        // An empty file is text; skip reading it (Foundation leaks its buffer for an empty file; found by fuzz/run).
        if let filePath, ((try? FileManager.default.attributesOfItem(atPath: filePath)[.size] as? Int) ?? 1) > 0,
           let bytes = FileManager.default.contents(atPath: filePath),
           bytes.contains(0) || String(data: bytes, encoding: .utf8) == nil {
            throw GitGateError(.configuration, "\(shown) is not text (it holds NUL bytes or invalid UTF-8); restore it from git (git checkout -- .gitgate) or rewrite it in git-config syntax")
        }

        let fileConfig: Git.Config?
        let merged: Git.Config
        do {
            fileConfig = try filePath.map { try Git.Config.open(file: $0) }
            merged = try filePath.map { try repository.config(layering: $0) } ?? repository.config()
        } catch {
            throw GitGateError(.configuration, "\(shown): cannot be read (\(error)); fix its syntax (it uses git-config syntax) or remove it")
        }

        func origin(_ key: String) -> String {
            if let fileConfig, fileConfig.string(key) != nil { return shown }
            return "git config"
        }

        // Unknown keys are typos that would silently change what the gate does.
        var targetNames: [String] = []
        var ignoredOverrides: [String] = []
        let fileTargets = Set((try fileConfig?.entries(matching: "^gitgate\\.") ?? []).compactMap { entry -> String? in
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false)
            return parts.count >= 3 ? parts[1..<(parts.count - 1)].joined(separator: ".") : nil
        })
        for entry in try merged.entries(matching: "^gitgate\\.") {
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            if parts.count == 2 {
                guard topLevelKeys[parts[1]] != nil else {
                    throw unknownKey(entry.name, in: origin(entry.name), known: Array(topLevelKeys.values))
                }
            } else if parts.count >= 3, let section = LintSection(parts) {
                try section.validate(entry.name, origin: origin(entry.name))
            } else if parts.count >= 3 {
                let target = parts[1..<(parts.count - 1)].joined(separator: ".")
                let key = parts[parts.count - 1]
                guard targetKeys[key] != nil else {
                    throw unknownKey(entry.name, in: origin(entry.name), known: Array(targetKeys.values).map { "gitgate.\(target).\($0)" })
                }
                // Targets are policy: only the file names them; git config may say how to reach one.
                if fileTargets.contains(target) && !targetNames.contains(target) { targetNames.append(target) }
            }
            if case .file = entry.origin { continue }
            let isConnection = parts.count >= 3 && connectionKeys.contains(parts[parts.count - 1])
                && fileTargets.contains(parts[1..<(parts.count - 1)].joined(separator: "."))
            if !isConnection && !ignoredOverrides.contains(entry.name) { ignoredOverrides.append(entry.name) }
        }
        // The file's settings; a person's git config decides none of them.
        let policy = fileConfig

        var configuration = Configuration(root: root, migrations: "", hasFile: hasFile)
        configuration.ignoredOverrides = ignoredOverrides
        configuration.mainBranch = policy?.string("gitgate.mainbranch")?.nonEmpty

        if let value = policy?.string("gitgate.layout"), value != "auto" {
            guard let layout = Layout(configured: value) else {
                throw GitGateError(.configuration, "\(origin("gitgate.layout")): gitgate.layout = '\(value)' is not a layout; use auto, \(Layout.allCases.map(\.rawValue).joined(separator: ", ")) (or the tool's name: golang-migrate, diesel, prisma)")
            }
            configuration.layout = layout
        }
        if let value = policy?.string("gitgate.ledger") {
            guard let ledger = LedgerKind(rawValue: value) else {
                throw GitGateError(.configuration, "\(origin("gitgate.ledger")): gitgate.ledger = '\(value)' is not a ledger; use \(LedgerKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            configuration.ledger = ledger
        }
        configuration.reminders = policy?.strings("gitgate.reminder").filter { !$0.isEmpty } ?? []
        configuration.ignore = policy?.strings("gitgate.ignore").compactMap(\.nonEmpty) ?? []
        if let value = policy?.string("gitgate.dialect")?.nonEmpty {
            guard let dialect = Dialect.aliases[value.lowercased()], dialect == "postgres" || dialect == "cockroach" else {
                throw GitGateError(.configuration, "\(origin("gitgate.dialect")): gitgate.dialect = '\(value)' is not a database gitgate checks; use postgres or cockroach")
            }
            configuration.dialect = dialect
        }
        configuration.closeDiscard = policy?.strings("gitgate.closediscard").filter { !$0.isEmpty } ?? []
        if let policy, let rows = try integer(policy, "gitgate.largetablerows", origin: origin) { configuration.largeTableRows = rows }
        if let policy { configuration.lint = try lintSettings(policy, shown: shown) }

        // The migrations folder: configured, else the first usual folder that exists.
        if let folder = policy?.string("gitgate.migrations")?.nonEmpty {
            let normalized = normalizeFolder(folder)
            guard folderExists(normalized) else {
                throw GitGateError(.configuration, "\(origin("gitgate.migrations")): gitgate.migrations = '\(folder)' is not a folder in \(root); create it or fix the path (relative to the repository root)")
            }
            configuration.migrations = normalized
        } else if let found = usualFolders.first(where: folderExists) {
            configuration.migrations = found
        } else {
            throw GitGateError(.configuration, "no migrations folder found in \(root): run 'gitgate init' or set gitgate.migrations in \(shown)")
        }

        for name in targetNames {
            configuration.targets.append(try loadTarget(name, merged: merged, fileConfig: fileConfig, origin: origin, shown: shown))
        }
        return configuration
    }

    private static func loadTarget(_ name: String, merged: Git.Config, fileConfig: Git.Config?,
                                   origin: (String) -> String, shown: String) throws -> Target {
        let prefix = "gitgate.\(name)."
        guard let url = merged.string(prefix + "url")?.nonEmpty else {
            throw GitGateError(.configuration, "\(origin(prefix + "gate")): target '\(name)' has no url; set gitgate.\(name).url (env:VAR, service=NAME, or a URI without a password)")
        }
        // A password in a committed file is a leaked password.
        if let fileURL = fileConfig?.string(prefix + "url"), ConnectionSource.containsPassword(fileURL) {
            throw GitGateError(.configuration, "\(shown): gitgate.\(name).url holds a literal password; remove it and use env:VAR, ~/.pgpass or PGPASSWORD instead (and rotate that password: it may be in git history)")
        }
        var target = Target(name: name, connection: ConnectionSource(parsing: url))
        do {
            target.gate = try fileConfig?.bool(prefix + "gate") ?? true
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
    package static func duration(_ config: Git.Config, _ key: String, origin: (String) -> String) throws -> Int? {
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

    package static func normalizeFolder(_ folder: String) -> String {
        var result = folder
        while result.hasPrefix("./") { result.removeFirst(2) }
        while result.hasSuffix("/") { result.removeLast() }
        return result
    }
}

package func isDirectory(_ path: String) -> Bool {
    var isDirectory: ObjCBool = false
    return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
}

extension String {
    package var nonEmpty: String? {
        let trimmed = trimmingCharacters(in: .whitespaces)
        return trimmed.isEmpty ? nil : trimmed
    }
}
