import Foundation
import Git

/// Finds the migrations a branch brings into main (libgit2: merge base, tree diff with rename
/// detection, and the worktree's uncommitted files) and the conflicts among them.
public struct Inspector {
    public let repository: Repository
    public let configuration: Configuration

    public init(repository: Repository, configuration: Configuration) {
        self.repository = repository
        self.configuration = configuration
    }

    /// Opens the repository around `path` and reads its configuration.
    public init(at path: String) throws {
        let repository = try Inspector.openRepository(at: path)
        self.init(repository: repository, configuration: try Configuration.load(from: repository))
    }

    public static func openRepository(at path: String) throws -> Repository {
        let repository: Repository
        do {
            repository = try Repository(discoveringFrom: path)
        } catch {
            throw GitGateError(.repository, "\(path) is not inside a git repository: run gitgate from a worktree of the repository (or pass -C PATH)")
        }
        return repository
    }

    /// main from config, else `main`, else `master`.
    public func mainBranch() throws -> String {
        if let configured = configuration.mainBranch {
            guard repository.branchExists(configured) else {
                throw GitGateError(.repository, "the main branch '\(configured)' (gitgate.mainBranch) does not exist; create it or fix gitgate.mainBranch in .gitgate")
            }
            return configured
        }
        for candidate in ["main", "master"] where repository.branchExists(candidate) { return candidate }
        throw GitGateError(.repository, "no branch named main or master: set gitgate.mainBranch in .gitgate to the branch merges go into")
    }

    /// The branch checked out here, or `branch` when given.
    public func inspectWorktree(branch explicitBranch: String? = nil) throws -> Inspection {
        let main = try mainBranch()
        let branch: String
        if let explicitBranch {
            guard repository.branchExists(explicitBranch) else {
                throw GitGateError(.usage, "no local branch named '\(explicitBranch)'; list them with 'git branch'")
            }
            branch = explicitBranch
        } else {
            if repository.isHeadUnborn {
                throw GitGateError(.repository, "this worktree has no commits yet: commit something first")
            }
            guard let current = try? repository.currentBranch() else {
                throw GitGateError(.repository, "HEAD is detached in \(repository.workdir ?? repository.gitDir): check out the branch to inspect (git switch NAME) or pass --branch NAME")
            }
            branch = current
        }
        let mainTip = try repository.resolve("refs/heads/" + main)
        let head = try repository.resolve("refs/heads/" + branch)
        // The working tree only speaks for the branch when it is the branch checked out here.
        let isCheckedOutHere = (try? repository.currentBranch()) == branch && branch != main
        return try inspect(base: main, baseTip: mainTip, branch: branch, head: head,
                           includeWorkingTree: isCheckedOutHere, compareWithOtherBranches: true)
    }

    /// What `head` would bring into `base` (used by `gitgate check` and the hooks). A nil
    /// `baseTip` means base does not exist yet (a push creating main): everything head has is new.
    public func inspect(base: String, baseTip: ObjectID?, branch: String, head: ObjectID,
                        includeWorkingTree: Bool, compareWithOtherBranches: Bool) throws -> Inspection {
        try inspect(base: base, baseTip: baseTip, branch: branch, incoming: .commit(head),
                    includeWorkingTree: includeWorkingTree, compareWithOtherBranches: compareWithOtherBranches)
    }

    /// What committing the index on top of `baseTip` would bring into `base`: the pre-commit and
    /// pre-merge-commit hooks, where the index already holds the merge result. `indexFile` is
    /// git's `GIT_INDEX_FILE` when it names another index (`git commit -a`, `git commit PATH`).
    public func inspectIndex(base: String, baseTip: ObjectID, branch: String, indexFile: String? = nil) throws -> Inspection {
        try inspect(base: base, baseTip: baseTip, branch: branch, incoming: .index(file: indexFile),
                    includeWorkingTree: false, compareWithOtherBranches: false)
    }

    /// Where the incoming side's files are read from.
    private enum Incoming {
        case commit(ObjectID)
        case index(file: String?)
    }

    private func inspect(base: String, baseTip: ObjectID?, branch: String, incoming: Incoming,
                         includeWorkingTree: Bool, compareWithOtherBranches: Bool) throws -> Inspection {
        let folder = configuration.migrations
        let mergeBase: ObjectID?
        let branchChanges: [DiffEntry]
        switch incoming {
        case .commit(let head):
            mergeBase = try baseTip.flatMap { try repository.mergeBase($0, head) }
            branchChanges = try repository.diff(from: mergeBase, to: head, under: folder)
        case .index(let file):
            // The index is the next commit on top of baseTip.
            mergeBase = baseTip
            branchChanges = try baseTip.map { try repository.diffIndex(against: $0, under: folder, indexFile: file) } ?? []
        }
        var problems: [Problem] = []

        let mainChanges = try mergeBase.flatMap { mergeBase in
            try baseTip.map { mergeBase == $0 ? [] : try repository.diff(from: mergeBase, to: $0, under: folder) }
        } ?? []
        let mainFiles = try baseTip.map { try repository.files(under: folder, at: $0) } ?? []
        // A branch made from main's tip shares its tree: list it once.
        let mergeBaseFiles = try mergeBase.map { $0 == baseTip ? mainFiles : try repository.files(under: folder, at: $0) } ?? []
        let headPaths: Set<String>
        switch incoming {
        case .commit(let head):
            headPaths = Set(try repository.files(under: folder, at: head).map(\.path))
        case .index:
            var paths = Set(mergeBaseFiles.map(\.path))
            for change in branchChanges {
                if change.status == .deleted || change.status == .renamed, let old = change.oldPath { paths.remove(old) }
                if change.status != .deleted, let new = change.newPath { paths.insert(new) }
            }
            headPaths = paths
        }
        let uncommitted = includeWorkingTree ? try repository.status(under: folder) : []

        let layout = configuration.layout ?? Layout.detect(relativePaths:
            (headPaths.sorted() + mainFiles.map(\.path) + uncommitted.map(\.path)).map { relative($0, to: folder) })

        func classify(_ path: String) -> MigrationFile? {
            layout?.classify(relativePath: relative(path, to: folder), folder: folder)
        }

        // Files the branch adds, committed.
        var added: [(file: MigrationFile, source: Migration.Source, contents: Data)] = []
        var unrecognized: [String] = []
        let mergeBasePaths = Set(mergeBaseFiles.map(\.path))
        for change in branchChanges {
            switch change.status {
            case .added, .copied:
                guard let path = change.newPath, let id = change.newID else { continue }
                if let file = classify(path) {
                    added.append((file, .committed, try repository.blob(id)))
                } else if !Layout.isKnownCompanion(relativePath: path) {
                    unrecognized.append(path)
                }
            case .modified, .deleted, .renamed, .typeChange, .conflicted:
                // History that main already has must not change once merged.
                guard let oldPath = change.oldPath, mergeBasePaths.contains(oldPath), classify(oldPath) != nil else {
                    if change.status == .renamed, let path = change.newPath, let id = change.newID {
                        if let file = classify(path) { added.append((file, .committed, try repository.blob(id))) }
                    }
                    continue
                }
                let verb: String
                switch change.status {
                case .deleted: verb = "deletes"
                case .renamed: verb = "renames"
                default: verb = "modifies"
                }
                let detail = change.status == .renamed ? "\(oldPath) to \(change.newPath ?? "?")" : oldPath
                problems.append(Problem("history-changed", .error,
                    "the branch \(verb) \(detail), a migration main already has; revert that change and add a new migration instead",
                    paths: [oldPath] + (change.status == .renamed ? [change.newPath ?? ""] : [])))
            }
        }

        // Uncommitted files in this worktree: new migrations not yet committed, and edits to
        // committed ones (the gate checks what would be merged: the committed version).
        let addedPaths = Set(added.map(\.file.path))
        for entry in uncommitted where !entry.isIgnored {
            let source: Migration.Source = entry.isUntracked ? .untracked : (entry.unstaged != nil ? .unstaged : .staged)
            let deleted = entry.unstaged == .deleted || entry.staged == .deleted
            if headPaths.contains(entry.path) {
                if classify(entry.path) != nil {
                    let what = addedPaths.contains(entry.path) ? "the gate checks the committed version" : "main already has this migration; do not change it"
                    problems.append(Problem("uncommitted-change", addedPaths.contains(entry.path) ? .warning : .error,
                        "\(entry.path) has \(deleted ? "an uncommitted deletion" : "uncommitted changes") (\(source.rawValue)): \(what); commit or discard them",
                        paths: [entry.path]))
                }
                continue
            }
            guard !deleted else { continue }
            guard let file = classify(entry.path) else {
                if !Layout.isKnownCompanion(relativePath: entry.path) { unrecognized.append(entry.path) }
                continue
            }
            let absolute = configuration.root + "/" + entry.path
            guard let contents = FileManager.default.contents(atPath: absolute) else { continue }
            added.append((file, source, contents))
            problems.append(Problem("uncommitted", .warning,
                "\(entry.path) is not committed (\(source.rawValue)): it will not be merged until you commit it",
                paths: [entry.path]))
        }

        for path in unrecognized {
            problems.append(Problem("unrecognized-file", .warning,
                "\(path) fits no migration layout (\(layout?.rawValue ?? "none detected")); rename it to the layout's pattern or move it out of \(folder)",
                paths: [path]))
        }

        // Group up and down files into migrations.
        var byVersion: [String: [(file: MigrationFile, source: Migration.Source, contents: Data)]] = [:]
        for item in added where item.file.role != .undo { byVersion[item.file.version, default: []].append(item) }
        let mainVersions = Dictionary(grouping: mainFiles.compactMap { classify($0.path) }.filter { $0.role != .undo }, by: \.version)
        let mainGained = Set(mainChanges.filter { $0.status == .added || $0.status == .renamed || $0.status == .copied }
            .compactMap { $0.newPath }.compactMap { classify($0)?.version })

        var migrations: [Migration] = []
        for (version, items) in byVersion {
            let ups = items.filter { $0.file.role == .up }
            let downs = items.filter { $0.file.role == .down }
            if ups.count > 1 {
                problems.append(Problem("duplicate-version", .error,
                    "version \(version) is used by \(ups.count) files on the branch (\(ups.map(\.file.path).joined(separator: ", "))); give each migration its own version",
                    paths: ups.map(\.file.path)))
            }
            if let onMain = mainVersions[version]?.first(where: { $0.role == .up }) {
                if ups.isEmpty {
                    // Only a down file added to a migration main already has.
                    problems.append(Problem("history-changed", .warning,
                        "the branch adds \(downs.map(\.file.path).joined(separator: ", ")) to migration \(version), which main already has",
                        paths: downs.map(\.file.path)))
                    continue
                }
                let when = mainGained.contains(version) ? "main also gained version \(version) after the branch started" : "main already has version \(version)"
                problems.append(Problem("duplicate-version", .error,
                    "\(when) (\(onMain.path)) and the branch adds \(ups.map(\.file.path).joined(separator: ", ")); renumber the branch's migration after main's newest",
                    paths: [onMain.path] + ups.map(\.file.path)))
            }
            guard let up = ups.first else {
                problems.append(Problem("missing-up", .error,
                    "\(downs.map(\.file.path).joined(separator: ", ")) has no up migration; add it or remove the down file",
                    paths: downs.map(\.file.path)))
                continue
            }
            let source = items.map(\.source).max() ?? .committed
            migrations.append(Migration(version: version, name: up.file.name, path: up.file.path,
                                        downPath: downs.first?.file.path, isRepeatable: up.file.isRepeatable,
                                        source: max(up.source, source == .committed ? .committed : up.source),
                                        contents: up.contents))
        }
        migrations = migrations.sortedByVersion()

        // Out of order: tools such as golang-migrate silently skip versions older than the newest applied.
        let newestKey = mainVersions.values.flatMap { $0 }.filter { !$0.isRepeatable }.map { VersionKey($0.version) }.max()
        if let newestKey {
            let newestOnMain = newestKey.version
            for migration in migrations where !migration.isRepeatable && VersionKey(migration.version) < newestKey
                && mainVersions[migration.version] == nil {
                problems.append(Problem("out-of-order", .warning,
                    "version \(migration.version) is older than main's newest (\(newestOnMain)); some tools skip it silently: renumber it after \(newestOnMain)",
                    paths: [migration.path]))
            }
        }

        if compareWithOtherBranches, !migrations.isEmpty, let baseTip {
            problems += try sameVersionElsewhere(migrations, branch: branch, base: base, baseTip: baseTip, classify: classify)
        }

        let head: String
        switch incoming {
        case .commit(let id): head = id.hex
        case .index: head = "index"
        }
        return Inspection(branch: branch, base: base, mergeBase: mergeBase?.hex, head: head, layout: layout,
                          migrationsFolder: folder, migrations: migrations, problems: problems)
    }

    /// Another local branch (and its worktree) that adds one of the same versions.
    private func sameVersionElsewhere(_ migrations: [Migration], branch: String, base: String, baseTip: ObjectID,
                                      classify: (String) -> MigrationFile?) throws -> [Problem] {
        let versions = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        let worktreePaths = Dictionary((try? repository.worktrees())?.compactMap { info in info.branch.map { ($0, info.path) } } ?? [],
                                       uniquingKeysWith: { a, _ in a })
        var problems: [Problem] = []
        for other in try repository.localBranches() where other != branch && other != base {
            guard let tip = try? repository.resolve("refs/heads/" + other),
                  let otherBase = try repository.mergeBase(baseTip, tip) else { continue }
            for change in try repository.diff(from: otherBase, to: tip, under: configuration.migrations)
            where change.status == .added || change.status == .renamed {
                guard let path = change.newPath, let file = classify(path), file.role == .up,
                      let mine = versions[file.version] else { continue }
                let location = worktreePaths[other].map { " (worktree \($0))" } ?? ""
                problems.append(Problem("same-version-elsewhere", .warning,
                    "branch \(other)\(location) also adds version \(file.version) (\(path)); agree on numbering before either merges",
                    paths: [mine.path, path]))
            }
        }
        return problems
    }
}

func relative(_ path: String, to folder: String) -> String {
    guard !folder.isEmpty, path.hasPrefix(folder + "/") else { return path }
    return String(path.dropFirst(folder.count + 1))
}
