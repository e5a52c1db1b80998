import Foundation
import Git
import GitGateConfig
import GitGateLint

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
            // A HEAD git cannot read is an error of its own, not a detached HEAD.
            guard let current = try repository.currentBranch() else {
                throw GitGateError(.repository, "HEAD is detached in \(repository.workdir ?? repository.gitDir): check out the branch to inspect (git switch NAME) or pass --branch NAME")
            }
            branch = current
        }
        let mainTip = try repository.resolve("refs/heads/" + main)
        let head = try repository.resolve("refs/heads/" + branch)
        // The working tree only speaks for the branch when it is the branch checked out here.
        let isCheckedOutHere = (try? repository.currentBranch()) == branch
        if branch == main {
            // On main itself, every migration main has must be on each gated target: one that
            // reached main around the gate, or a database adopted late, shows here.
            return try inspect(base: main, baseTip: nil, branch: main, head: mainTip, includeWorkingTree: isCheckedOutHere,
                               compareWithOtherBranches: false, from: .commit(nil))
        }
        return try inspect(base: main, baseTip: mainTip, branch: branch, head: head,
                           includeWorkingTree: isCheckedOutHere, compareWithOtherBranches: true)
    }

    /// Where the branch's changes are counted from.
    public enum ForkPoint: Sendable {
        /// The merge base of main's tip and the branch: what a merge would bring.
        case mergeBase
        /// A given commit (nil: the empty tree): `gitgate close` asks what the branch added since it forked.
        case commit(ObjectID?)
    }

    /// What `head` would bring into `base` (used by `gitgate check` and the hooks). A nil
    /// `baseTip` means base does not exist yet (a push creating main): everything head has is new.
    public func inspect(base: String, baseTip: ObjectID?, branch: String, head: ObjectID,
                        includeWorkingTree: Bool, compareWithOtherBranches: Bool,
                        from forkPoint: ForkPoint = .mergeBase) throws -> Inspection {
        try inspect(base: base, baseTip: baseTip, branch: branch, incoming: .commit(head), forkPoint: forkPoint,
                    includeWorkingTree: includeWorkingTree, compareWithOtherBranches: compareWithOtherBranches)
    }

    /// What committing the index on top of `baseTip` would bring into `base`: the pre-commit and
    /// pre-merge-commit hooks, where the index already holds the merge result. `indexFile` is
    /// git's `GIT_INDEX_FILE` when it names another index (`git commit -a`, `git commit PATH`).
    public func inspectIndex(base: String, baseTip: ObjectID, branch: String, indexFile: String? = nil) throws -> Inspection {
        try inspect(base: base, baseTip: baseTip, branch: branch, incoming: .index(file: indexFile), forkPoint: .mergeBase,
                    includeWorkingTree: false, compareWithOtherBranches: false)
    }

    /// Where the incoming side's files are read from.
    private enum Incoming {
        case commit(ObjectID)
        case index(file: String?)
    }

    /// A file the branch brings, read only if the gate needs it (pop's other dialects never are).
    private struct Candidate {
        package var file: MigrationFile
        package var source: Migration.Source
        package var load: () throws -> Data
    }

    private func inspect(base: String, baseTip: ObjectID?, branch: String, incoming: Incoming, forkPoint: ForkPoint,
                         includeWorkingTree: Bool, compareWithOtherBranches: Bool) throws -> Inspection {
        let reader = MigrationFolder(configuration)
        let folder = reader.folder
        let mergeBase: ObjectID?
        let branchChanges: [DiffEntry]
        switch incoming {
        case .commit(let head):
            switch forkPoint {
            case .mergeBase: mergeBase = try baseTip.flatMap { try repository.mergeBase($0, head) }
            case .commit(let fork): mergeBase = fork
            }
            branchChanges = try repository.diff(from: mergeBase, to: head, under: folder)
        case .index(let file):
            // The index is the next commit on top of baseTip.
            mergeBase = baseTip
            branchChanges = try baseTip.map { try repository.diffIndex(against: $0, under: folder, indexFile: file) } ?? []
        }
        var problems: [Problem] = []

        // The migrations folder is listed once per tree: a branch made from main's tip, or one
        // whose commits leave the folder alone, shares main's (or the merge base's) listing.
        var listings: [ObjectID: [TreeFile]] = [:]
        func files(at commit: ObjectID) throws -> [TreeFile] {
            guard let tree = try repository.treeID(of: folder, at: commit) else { return [] }
            if let known = listings[tree] { return known }
            let found = try repository.files(under: folder, at: commit)
            listings[tree] = found
            return found
        }
        let mainFiles = try baseTip.map { try files(at: $0) } ?? []
        let mergeBaseFiles = try mergeBase.map { try files(at: $0) } ?? []
        // The incoming side's files and their blobs.
        var headIDs: [String: ObjectID] = [:]
        switch incoming {
        case .commit(let head):
            for file in try files(at: head) { headIDs[file.path] = file.id }
        case .index:
            for file in mergeBaseFiles { headIDs[file.path] = file.id }
            for change in branchChanges {
                if change.status == .deleted || change.status == .renamed, let old = change.oldPath { headIDs[old] = nil }
                if change.status != .deleted, let new = change.newPath, let id = change.newID { headIDs[new] = id }
            }
        }
        let headPaths = Set(headIDs.keys)
        let uncommitted = includeWorkingTree ? try repository.status(under: folder) : []
        let mainIDs = Dictionary(mainFiles.map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })

        func workingTree(_ path: String) -> Data? {
            includeWorkingTree ? FileManager.default.contents(atPath: configuration.root + "/" + path) : nil
        }
        // What a file holds on the incoming side (else main's copy, else the working tree's).
        func contents(_ path: String) -> Data? {
            if let id = headIDs[path] ?? mainIDs[path] { return try? repository.blob(id) }
            return workingTree(path)
        }
        // A configured layout needs no list of paths (sorting thousands of them showed).
        let layout = reader.configured ?? reader.layout(paths: headPaths.sorted() + mainFiles.map(\.path) + uncommitted.map(\.path), sample: contents)
        // A path is asked about several times (main's tree, the diff, the working tree): claim it once.
        var claims: [String: MigrationFolder.Claim] = [:]
        func claim(_ path: String) -> MigrationFolder.Claim {
            if let known = claims[path] { return known }
            let found = reader.claim(path, layout: layout)
            claims[path] = found
            return found
        }
        func migrationFile(_ path: String) -> MigrationFile? {
            if case .migration(let file) = claim(path) { return file }
            return nil
        }

        // Files the branch adds, committed.
        var candidates: [Candidate] = []
        var unclaimed: [(path: String, committed: Bool, unreadable: String?)] = []
        // Liquibase changesets appended to a changelog main already has.
        var appended: [Migration] = []
        let mergeBaseIDs = Dictionary(mergeBaseFiles.map { ($0.path, $0.id) }, uniquingKeysWith: { a, _ in a })
        for change in branchChanges {
            switch change.status {
            case .added, .copied:
                guard let path = change.newPath, let id = change.newID else { continue }
                switch claim(path) {
                case .migration(let file): candidates.append(Candidate(file: file, source: .committed) { try repository.blob(id) })
                case .unclaimed: unclaimed.append((path, true, nil))
                case .unreadable(let why): unclaimed.append((path, true, why))
                case .companion, .ignored: break
                }
            case .modified, .deleted, .renamed, .typeChange, .conflicted:
                // History that main already has must not change once merged.
                guard let oldPath = change.oldPath, let oldID = mergeBaseIDs[oldPath], let oldFile = migrationFile(oldPath) else {
                    if change.status == .renamed, let path = change.newPath, let id = change.newID {
                        switch claim(path) {
                        case .migration(let file): candidates.append(Candidate(file: file, source: .committed) { try repository.blob(id) })
                        case .unclaimed: unclaimed.append((path, true, nil))
                case .unreadable(let why): unclaimed.append((path, true, why))
                        case .companion, .ignored: break
                        }
                    }
                    continue
                }
                if layout == .liquibase, change.status == .modified, let layout, let newID = change.newID {
                    let (added, changed) = try appendedChangesets(oldFile, old: try repository.blob(oldID), new: try repository.blob(newID),
                                                                  layout: layout, reader: reader)
                    appended += added
                    problems += changed
                    continue
                }
                let verb: String
                switch change.status {
                case .deleted: verb = "deletes"
                case .renamed: verb = "renames"
                default: verb = "modifies"
                }
                let detail = change.status == .renamed ? "\(oldPath) to \(change.newPath ?? "?")" : oldPath
                problems.append(Problem(.historyChanged, .error,
                    "the branch \(verb) \(detail), a migration main already has; revert that change and add a new migration instead",
                    paths: [oldPath] + (change.status == .renamed ? [change.newPath ?? ""] : [])))
            }
        }

        // Uncommitted files in this worktree: new migrations not yet committed, and edits to
        // committed ones (the gate checks what would be merged: the committed version).
        let addedPaths = Set(candidates.map(\.file.path))
        for entry in uncommitted where !entry.isIgnored {
            let source: Migration.Source = entry.isUntracked ? .untracked : (entry.unstaged != nil ? .unstaged : .staged)
            let deleted = entry.unstaged == .deleted || entry.staged == .deleted
            if headPaths.contains(entry.path) {
                if migrationFile(entry.path) != nil {
                    let what = addedPaths.contains(entry.path) ? "the gate checks the committed version" : "main already has this migration; do not change it"
                    problems.append(Problem(.uncommittedChange, addedPaths.contains(entry.path) ? .warning : .error,
                        "\(entry.path) has \(deleted ? "an uncommitted deletion" : "uncommitted changes") (\(source.rawValue)): \(what); commit or discard them",
                        paths: [entry.path]))
                }
                continue
            }
            guard !deleted else { continue }
            switch claim(entry.path) {
            case .migration(let file):
                let path = entry.path
                candidates.append(Candidate(file: file, source: source) {
                    guard let data = FileManager.default.contents(atPath: configuration.root + "/" + path) else {
                        throw GitGateError(.io, "cannot read \(path) in the worktree; check its permissions")
                    }
                    return data
                })
                problems.append(Problem(.uncommitted, .warning,
                    "\(entry.path) is not committed (\(source.rawValue)): it will not be merged until you commit it",
                    paths: [entry.path]))
            case .unclaimed: unclaimed.append((entry.path, false, nil))
            case .unreadable(let why): unclaimed.append((entry.path, false, why))
            case .companion, .ignored: break
            }
        }

        // main's versions, as a PostgreSQL target sees them (other dialects and undo files aside).
        // Claiming each of main's files is most of the inspection on a long history: done only
        // when the branch brings something to compare with them.
        lazy var mainVersions: [String: [MigrationFile]] = {
            let mainClaims = mainFiles.compactMap { migrationFile($0.path) }.filter { $0.role == .up }
            return Dictionary(grouping: reader.runs(mainClaims), by: \.version)
        }()
        // What main gained since the branch started.
        lazy var mainGained: Result<Set<String>, any Error> = Result {
            guard let mergeBase, let baseTip, mergeBase != baseTip else { return [] }
            let changes = try repository.diff(from: mergeBase, to: baseTip, under: folder)
            return Set(changes.filter { $0.status == .added || $0.status == .renamed || $0.status == .copied }
                .compactMap { $0.newPath }.compactMap { migrationFile($0)?.version })
        }
        lazy var newestKey: VersionKey? = layout == .liquibase ? nil
            : mainVersions.values.flatMap { $0 }.filter { !$0.isRepeatable }.map { VersionKey($0.version) }.max()
        let branchNewest = candidates.filter { !$0.file.isRepeatable && $0.file.role == .up }.map { VersionKey($0.file.version) }.max()
        lazy var renumberAfter: String? = [newestKey, branchNewest].compactMap { $0 }.max()?.version

        for (path, committed, unreadable) in unclaimed {
            if let unreadable {
                problems.append(Problem(.unreadableMigration, committed ? .error : .warning,
                    "\(path) \(unreadable), which gitgate cannot read, so it cannot tell whether production has it; write it as SQL, or check it by hand and list it in .gitgate under gitgate.ignore",
                    paths: [path]))
                continue
            }
            let example = reader.example(for: path, layout: layout, newest: renumberAfter)
            problems.append(Problem(.unclaimedFile, committed ? .error : .warning,
                "\(path) is a .sql file that no migration layout claims (layout \(layout?.rawValue ?? "none detected")), so gitgate cannot tell whether production needs it; rename it like \(example), or list it in .gitgate under gitgate.ignore if it is not a migration",
                paths: [path]))
        }

        // Group up and down files into migrations.
        var byVersion: [String: [Candidate]] = [:]
        var undo: [String: String] = [:]
        for item in candidates {
            if item.file.role == .undo { undo[item.file.version] = item.file.path } else { byVersion[item.file.version, default: []].append(item) }
        }
        var migrations: [Migration] = appended
        for (version, items) in byVersion {
            let allUps = items.filter { $0.file.role == .up }
            let ups = reader.runs(allUps.map(\.file)).compactMap { file in allUps.first { $0.file == file } }
            let downs = reader.runs(items.filter { $0.file.role == .down }.map(\.file))
            if !allUps.isEmpty && ups.isEmpty {
                let dialects = Set(allUps.compactMap(\.file.dialect)).sorted().joined(separator: ", ")
                problems.append(Problem(.noPostgresFile, .error,
                    "version \(version) has files only for \(dialects) (\(allUps.map(\.file.path).joined(separator: ", "))), none a \(reader.dialect) target runs; add \(version)_\(allUps[0].file.name).\(reader.dialect).up.sql or one with no dialect",
                    paths: allUps.map(\.file.path)))
                continue
            }
            if ups.count > 1 {
                problems.append(Problem(.duplicateVersion, .error,
                    "version \(version) is used by \(ups.count) files on the branch (\(ups.map(\.file.path).joined(separator: ", "))); give each migration its own version",
                    paths: ups.map(\.file.path)))
            }
            if let onMain = mainVersions[version]?.first {
                if ups.isEmpty {
                    // Only a down file added to a migration main already has.
                    problems.append(Problem(.historyChanged, .warning,
                        "the branch adds \(downs.map(\.path).joined(separator: ", ")) to migration \(version), which main already has",
                        paths: downs.map(\.path)))
                    continue
                }
                let when = try mainGained.get().contains(version) ? "main also gained version \(version) after the branch started" : "main already has version \(version)"
                let fix = layout.map { layout in
                    ups.map { reader.renumbering($0.file.path, version: version, after: renumberAfter ?? version, layout: layout) }.joined(separator: " && ")
                } ?? "renumber the branch's migration after main's newest"
                problems.append(Problem(.duplicateVersion, .error,
                    "\(when) (\(onMain.path)) and the branch adds \(ups.map(\.file.path).joined(separator: ", ")); renumber the branch's migration after main's newest: \(fix)",
                    paths: [onMain.path] + ups.map(\.file.path)))
            }
            guard let up = ups.first, let layout else {
                problems.append(Problem(.missingUp, .error,
                    "\(downs.map(\.path).joined(separator: ", ")) has no up migration; add it or remove the down file",
                    paths: downs.map(\.path)))
                continue
            }
            let source = items.map(\.source).max() ?? .committed
            let bytes = try up.load()
            switch reader.read(up.file, contents: bytes, layout: layout,
                               source: max(up.source, source == .committed ? .committed : up.source),
                               downPath: downs.first?.path ?? undo[version], sibling: contents) {
            case .success(let read):
                migrations += read
            case .failure(let problem):
                problems.append(Problem(.unreadableMigration, .error, "\(up.file.path):\(problem.line): \(problem.message)", paths: [up.file.path]))
            }
        }
        migrations = migrations.sortedByVersion()

        // Atlas refuses a folder whose atlas.sum does not match: so does the gate.
        if layout == .atlas, case .commit = incoming, !branchChanges.isEmpty || !uncommitted.isEmpty {
            let names = headPaths.map(reader.relative)
            if let problem = AtlasLayout.validate(files: names, read: { contents(folder.isEmpty ? $0 : folder + "/" + $0) }) {
                let sum = folder.isEmpty ? "atlas.sum" : folder + "/atlas.sum"
                problems.append(Problem(.atlasSum, .error, "\(sum):\(problem.line): \(problem.message)", paths: [sum]))
            }
        }

        // Out of order: tools such as golang-migrate silently skip versions older than the newest applied.
        if !migrations.isEmpty, let newestKey {
            let newestOnMain = newestKey.version
            for migration in migrations where !migration.isRepeatable && VersionKey(migration.version) < newestKey
                && mainVersions[migration.version] == nil {
                problems.append(Problem(.outOfOrder, .warning,
                    "version \(migration.version) is older than main's newest (\(newestOnMain)); some tools skip it silently: renumber it after \(newestOnMain)",
                    paths: [migration.path]))
            }
        }

        if compareWithOtherBranches, !migrations.isEmpty, let baseTip {
            problems += try sameVersionElsewhere(migrations, branch: branch, base: base, baseTip: baseTip, claim: migrationFile)
        }

        let head: String
        switch incoming {
        case .commit(let id): head = id.hex
        case .index: head = "index"
        }
        return Inspection(branch: branch, base: base, mergeBase: mergeBase?.hex, head: head, layout: layout,
                          migrationsFolder: folder, migrations: migrations, problems: problems, dialect: reader.dialect)
    }

    /// A Liquibase changelog main already has, edited on the branch: changesets appended are new
    /// migrations (Liquibase's usual way); a changeset changed or removed is history changed.
    private func appendedChangesets(_ file: MigrationFile, old: Data, new: Data, layout: Layout,
                                    reader: MigrationFolder) throws -> ([Migration], [Problem]) {
        guard case .success(let before) = reader.read(file, contents: old, layout: layout, source: .committed) else {
            return ([], [Problem(.historyChanged, .error, "the branch modifies \(file.path), a changelog main already has and gitgate cannot read; add the changes as new changesets", paths: [file.path])])
        }
        switch reader.read(file, contents: new, layout: layout, source: .committed) {
        case .failure(let problem):
            return ([], [Problem(.unreadableMigration, .error, "\(file.path):\(problem.line): \(problem.message)", paths: [file.path])])
        case .success(let after):
            let old = Dictionary(before.map { ($0.version.lowercased(), $0.checksum) }, uniquingKeysWith: { a, _ in a })
            let kept = Set(after.map { $0.version.lowercased() })
            var problems: [Problem] = []
            for migration in after where old[migration.version.lowercased()].map({ $0 != migration.checksum }) == true {
                problems.append(Problem(.historyChanged, .error,
                    "the branch changes changeset \(migration.version) in \(file.path), which main already has; revert it and add a new changeset instead",
                    paths: [file.path]))
            }
            for migration in before where !kept.contains(migration.version.lowercased()) {
                problems.append(Problem(.historyChanged, .error,
                    "the branch removes changeset \(migration.version) from \(file.path), which main already has; put it back",
                    paths: [file.path]))
            }
            return (after.filter { old[$0.version.lowercased()] == nil }, problems)
        }
    }

    /// Another local branch (and its worktree) that adds one of the same versions.
    private func sameVersionElsewhere(_ migrations: [Migration], branch: String, base: String, baseTip: ObjectID,
                                      claim: (String) -> MigrationFile?) throws -> [Problem] {
        let versions = Dictionary(migrations.map { ($0.version, $0) }, uniquingKeysWith: { a, _ in a })
        let worktreePaths = Dictionary((try? repository.worktrees())?.compactMap { info in info.branch.map { ($0, info.path) } } ?? [],
                                       uniquingKeysWith: { a, _ in a })
        var problems: [Problem] = []
        for other in try repository.localBranches() where other != branch && other != base {
            guard let tip = try? repository.resolve("refs/heads/" + other),
                  let otherBase = try repository.mergeBase(baseTip, tip) else { continue }
            for change in try repository.diff(from: otherBase, to: tip, under: configuration.migrations)
            where change.status == .added || change.status == .renamed {
                guard let path = change.newPath, let file = claim(path), file.role == .up, file.dialect == nil || file.dialect == configuration.dialect,
                      let mine = versions[file.version] else { continue }
                let location = worktreePaths[other].map { " (worktree \($0))" } ?? ""
                problems.append(Problem(.sameVersionElsewhere, .warning,
                    "branch \(other)\(location) also adds version \(file.version) (\(path)); agree on numbering before either merges",
                    paths: [mine.path, path]))
            }
        }
        return problems
    }
}
