import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate close`: finds out whether a worktree and its branch can go without losing anything,
/// and removes them when they can. Assessing never changes anything; `close` re-checks what may
/// have changed in the meantime, then removes the folder, git's record of it, and the branch.
public final class Closer: Sendable {
    /// The repository as seen from its common directory (the main worktree, or a bare
    /// repository): it outlives any worktree removed through it.
    public let repository: Repository
    public let configuration: Configuration
    public let mainBranch: String
    /// The top of the main worktree; nil when the repository is bare.
    public let mainWorktree: String?
    /// Where gitgate was started (the worktree you are in, or `-C`).
    public let invokedAt: String
    package let invokedRepository: Repository
    package let environment: [String: String]
    /// `closeDiscard` globs from `.gitgate` as committed on main: the ignored files close deletes.
    public let closeDiscard: [String]

    public init(at path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        let here = try Inspector.openRepository(at: path)
        configuration = try Configuration.load(from: here)
        do {
            repository = try Repository(discoveringFrom: here.commonDir)
        } catch {
            throw GitGateError(.repository, "cannot open the repository at \(here.commonDir): \(error)")
        }
        mainBranch = try Inspector(repository: repository, configuration: configuration).mainBranch()
        mainWorktree = repository.isBare ? nil : repository.workdir
        invokedAt = canonical(path)
        invokedRepository = here
        self.environment = environment
        // What to throw away is main's decision: the configuration is main's policy already
        // (an unreadable one stops close above, with nothing touched).
        closeDiscard = configuration.closeDiscard
    }

    // MARK: Choosing what to close

    /// What `gitgate close [argument]` would close: a worktree path, a branch name, or (nil)
    /// the worktree gitgate was started in. Throws a usage error for a name that is neither,
    /// and refuses the main worktree.
    /// With `discardIgnored`, every ignored file is to be deleted rather than kept.
    public func assess(_ argument: String?, discardIgnored: Bool = false) throws -> CloseCandidate {
        let worktrees = try repository.worktrees()
        func assess(worktree info: WorktreeInfo) throws -> CloseCandidate {
            try self.assess(branch: info.branch, worktree: info, discardIgnored: discardIgnored)
        }
        guard let argument, !argument.isEmpty else {
            guard invokedRepository.isLinkedWorktree, let top = invokedRepository.workdir,
                  let info = worktrees.first(where: { canonical($0.path) == canonical(top) }) else {
                throw refuseMainWorktree(invokedRepository.workdir ?? invokedAt)
            }
            return try assess(worktree: info)
        }

        let absolute = canonical(argument.hasPrefix("/") ? argument : invokedAt + "/" + argument)
        // A folder of the main worktree that shares its name with a branch means the branch.
        if isDirectory(absolute), let other = try? Repository(discoveringFrom: absolute),
           canonical(other.commonDir) == canonical(repository.commonDir),
           other.isLinkedWorktree || !repository.branchExists(argument) {
            guard other.isLinkedWorktree, let top = other.workdir,
                  let info = worktrees.first(where: { canonical($0.path) == canonical(top) }) else {
                throw refuseMainWorktree(other.workdir ?? absolute)
            }
            return try assess(worktree: info)
        }
        // A worktree whose folder is already gone is known by its recorded path.
        if let info = worktrees.first(where: { canonical($0.path) == absolute }) {
            return try assess(worktree: info)
        }
        if repository.branchExists(argument) {
            if let info = worktrees.first(where: { $0.branch == argument }) { return try assess(worktree: info) }
            return try self.assess(branch: argument, worktree: nil, discardIgnored: discardIgnored)
        }
        throw GitGateError(.usage, "'\(argument)' is neither a worktree of this repository nor a local branch; list them with 'git worktree list' and 'git branch'")
    }

    /// Every linked worktree, assessed: the closable ones are the merged ones.
    public func assessAllWorktrees(discardIgnored: Bool = false) throws -> [CloseCandidate] {
        try repository.worktrees().map { info in
            guard info.branch != nil else {
                return CloseCandidate(
                    branch: nil, worktree: info.path, worktreeName: info.name, tip: info.head?.hex ?? "",
                    tipSummary: (try? info.head.map(repository.summary(of:)) ?? "") ?? "",
                    refusals: [CloseRefusal(.detached, "its HEAD is detached (no branch): close it by path if you mean to")])
            }
            return try assess(branch: info.branch, worktree: info, discardIgnored: discardIgnored)
        }
    }

    private func refuseMainWorktree(_ path: String) -> GitGateError {
        GitGateError(.refused, "\(path) is the main worktree: gitgate close never removes it; name the worktree or branch to close (gitgate close PATH|BRANCH) or use --all-merged")
    }

    // MARK: Assessing

    private func assess(branch: String?, worktree info: WorktreeInfo?, discardIgnored: Bool) throws -> CloseCandidate {
        let tipID: ObjectID?
        if let branch {
            tipID = try? repository.resolve("refs/heads/" + branch)
        } else {
            tipID = info?.head
        }
        guard let tipID else {
            return CloseCandidate(branch: branch, worktree: info?.path, worktreeName: info?.name, tip: "", tipSummary: "",
                                  refusals: [CloseRefusal(.unborn, "\(branch ?? "its HEAD") has no commits yet: there is nothing to close")])
        }
        var candidate = CloseCandidate(branch: branch, worktree: info?.path, worktreeName: info?.name,
                                       tip: tipID.hex, tipSummary: (try? repository.summary(of: tipID)) ?? "")

        if let branch, branch == mainBranch {
            candidate.refusals.append(CloseRefusal(.mainBranch, "\(branch) is the main branch: gitgate close never deletes it"))
        }
        if info == nil, let branch, let mainWorktree,
           (try? Repository(discoveringFrom: mainWorktree).currentBranch()) == branch {
            candidate.refusals.append(CloseRefusal(
                .checkedOut, "\(branch) is checked out in the main worktree \(mainWorktree): switch that to \(mainBranch) first"))
        }
        if let info {
            if info.isLocked {
                let reason = info.lockReason.map { ": \"\($0)\"" } ?? " (no reason given)"
                candidate.refusals.append(CloseRefusal(
                    .locked, "the worktree is locked\(reason); if it is really done, unlock it with: git worktree unlock \(info.path)"))
            }
            candidate.folderExists = isDirectory(info.path)
            if candidate.folderExists {
                try inspectFolder(info, discardIgnored: discardIgnored, into: &candidate)
            } else {
                candidate.notes.append("its folder is already gone; only git's record of it is left")
            }
        } else if branch != nil {
            candidate.notes.append("no worktree has it checked out: only the branch is deleted")
        }

        let mainTip = try repository.resolve("refs/heads/" + mainBranch)
        let history = BranchHistory(repository: repository, mainTip: mainTip)
        let fork = try history.forkPoint(branch: branch, tip: tipID)
        if let evidence = try history.mergeEvidence(tip: tipID, fork: fork) {
            candidate.merge = evidence
            try checkMigrations(fork: fork, tip: tipID, mainTip: mainTip, into: &candidate)
        } else {
            let (commits, more) = try history.commitsNotOnMain(tip: tipID, fork: fork)
            let details = commits.map { "\($0.short) \((try? repository.summary(of: $0)) ?? "")" } + (more ? ["…"] : [])
            candidate.refusals.append(CloseRefusal(
                .notMerged,
                "\(branch ?? "its HEAD") has work that is not on \(mainBranch)\(commits.isEmpty ? "" : " (newest first below)"): merge it first, or delete it yourself if you mean to throw it away",
                details: details))
        }

        if let branch { candidate.afterwards += remoteBranchSteps(branch) }
        if branch == nil { candidate.notes.append("its HEAD is detached: there is no branch to delete") }
        return candidate
    }

    /// The worktree's own files: an operation in progress, submodules, uncommitted and
    /// untracked files (refused), ignored files (kept, or deleted where the person or main's
    /// `closeDiscard` says; kept files that cannot be renamed into the keep folder refuse).
    private func inspectFolder(_ info: WorktreeInfo, discardIgnored: Bool, into candidate: inout CloseCandidate) throws {
        let worktree: Repository
        do {
            worktree = try Repository(discoveringFrom: info.path)
        } catch {
            candidate.refusals.append(CloseRefusal(.unreadable, "cannot open the worktree at \(info.path) (\(error)); look at it with git status there"))
            return
        }
        if worktree.state != .none {
            candidate.refusals.append(CloseRefusal(
                .inProgress, "\(describe(worktree.state)) is in progress in the worktree: finish or abort it first"))
        }
        // Initialised submodules keep their repositories inside the worktree's git dir: their
        // unpushed commits would go with it (git worktree remove refuses these too).
        if FileManager.default.fileExists(atPath: worktree.gitDir + "/modules") {
            candidate.refusals.append(CloseRefusal(
                .submodules, "the worktree has initialised submodules, whose own commits would be lost: check them, then remove it with git worktree remove --force"))
        }
        let status = try worktree.status(includeIgnored: true)
        let changes = status.filter { !$0.isIgnored }
        if !changes.isEmpty {
            let listed = changes.prefix(20).map(\.description) + (changes.count > 20 ? ["… and \(changes.count - 20) more"] : [])
            candidate.refusals.append(CloseRefusal(
                .uncommitted,
                "\(changes.count) file\(changes.count == 1 ? " is" : "s are") modified, staged or untracked in the worktree: commit, stash or remove \(changes.count == 1 ? "it" : "them") first",
                details: listed))
        }
        let ignored = status.filter(\.isIgnored).map(\.path)
        guard !ignored.isEmpty else { return }
        let globs = closeDiscard
        let discard = { (path: String) in DiscardRule.rule(for: path, flag: discardIgnored, globs: globs) }
        candidate.ignored = IgnoredFiles.groups(ignored, root: info.path, discard: discard)
        candidate.ignoredPaths = Set(ignored)
        // Whole ignored folders move in one rename, as `git status --ignored` lists them.
        let roots = try worktree.status(includeIgnored: true, recurseIgnoredDirectories: false).filter(\.isIgnored).map(\.path)
        candidate.keepMoves = KeepFolder.moves(files: ignored, roots: roots, discard: discard)
        candidate.keepBase = KeepFolder.base(commonDir: repository.commonDir)
        if let problem = KeepFolder.problem(base: candidate.keepBase, worktree: info.path, moves: candidate.keepMoves) {
            let count = candidate.keptGroups.reduce(0) { $0 + $1.files }
            candidate.refusals.append(CloseRefusal(
                .keepFolder,
                "\(count) ignored file\(count == 1 ? "" : "s") to keep cannot be moved into the keep folder \(candidate.keepBase): \(problem.explanation); move \(count == 1 ? "it" : "them") out of the worktree yourself, or delete \(count == 1 ? "it" : "them") with --discard-ignored (or a closeDiscard glob in \(mainBranch)'s .gitgate)",
                details: candidate.keptGroups.map(\.description)))
        }
    }

    /// Every migration the branch added is on main with the same content, and every gated
    /// target has it. Checked only for merged branches: for the others it is not the question yet.
    private func checkMigrations(fork: ObjectID?, tip: ObjectID, mainTip: ObjectID,
                                 into candidate: inout CloseCandidate) throws {
        let added = try BranchMigrations(repository: repository, configuration: configuration, fork: fork, tip: tip)
        let notOnMain = try added.notOnMain(repository: repository, mainTip: mainTip)
        if !notOnMain.isEmpty {
            candidate.refusals.append(CloseRefusal(
                "migration-not-on-main",
                "\(notOnMain.count) migration file\(notOnMain.count == 1 ? "" : "s") of the branch \(notOnMain.count == 1 ? "is" : "are") not on \(mainBranch) with the same content: merge \(notOnMain.count == 1 ? "it" : "them"), or check that \(mainBranch)'s version is the one you meant",
                details: notOnMain))
        }
        guard !added.migrations.isEmpty else { return }
        let gated = configuration.gatedTargets
        candidate.migrations = added.migrations.map { CloseMigration(version: $0.version, path: $0.path, states: [:]) }
        guard !gated.isEmpty else {
            candidate.notes.append("no gated target is configured, so no database was checked for \(added.migrations.map(\.path).joined(separator: ", "))")
            return
        }

        var missing: [String] = []
        var pending: [Migration] = []
        let commands = LedgerCommands(configuration)
        let checks = TargetChecker(ledger: configuration.ledger, environment: environment).check(gated, migrations: added.migrations)
        for check in checks {
            switch check.outcome {
            case .failure(let error):
                candidate.refusals.append(CloseRefusal("could-not-check", "\(check.target): could not check: \(error.message)"))
            case .success(let states):
                for (index, migration) in added.migrations.enumerated() {
                    guard let status = states[migration.version] else {
                        candidate.refusals.append(CloseRefusal("could-not-check", "\(check.target): no state for \(migration.path)"))
                        continue
                    }
                    candidate.migrations[index].states[check.target] = status
                    if !status.state.passes {
                        missing.append("\(check.target): \(migration.path) is \(status.state.rawValue) (\(status.detail))")
                        if !pending.contains(migration) { pending.append(migration) }
                    } else if status.state == .appliedByHand {
                        candidate.afterwards.append("record \(migration.path), applied by hand on \(check.target): \(commands.record(migration, target: check.target))")
                    }
                }
            }
        }
        if !missing.isEmpty {
            let targets = Array(Set(missing.map { String($0.prefix { $0 != ":" }) })).sorted()
            candidate.refusals.append(CloseRefusal(
                "migration-not-in-production",
                "\(missing.count) of the branch's migrations \(missing.count == 1 ? "is" : "are") not on every gated target yet: apply \(missing.count == 1 ? "it" : "them") (\(commands.apply(target: targets.joined(separator: "|"), migrations: pending))) before closing",
                details: missing))
        }
    }

    /// The remote branch outlives the local one: say how to delete it too.
    private func remoteBranchSteps(_ branch: String) -> [String] {
        guard let config = try? repository.config(),
              let remote = config.string("branch.\(branch).remote"), remote != ".",
              let merge = config.string("branch.\(branch).merge") else { return [] }
        let name = merge.hasPrefix("refs/heads/") ? String(merge.dropFirst("refs/heads/".count)) : merge
        guard (try? repository.resolve("refs/remotes/\(remote)/\(name)")) != nil else { return [] }
        return ["delete the remote branch too, once nobody needs it: git push \(remote) --delete \(name)"]
    }

    // MARK: Closing

    /// Moves the ignored files to keep into a new keep folder, removes the worktree (folder and
    /// git's record) and deletes the branch. Re-checks first that nothing changed since
    /// `candidate` was assessed: the tip, and the worktree's files. Returns where the kept files are.
    @discardableResult
    public func close(_ candidate: CloseCandidate, now: Date = Date()) throws -> KeptFiles? {
        guard candidate.isClosable else {
            throw GitGateError(.refused, "not closing \(candidate.title): \(candidate.refusalSummary); nothing was changed")
        }
        let changed = "changed since it was checked; run gitgate close again. Nothing was changed"
        if let branch = candidate.branch {
            guard (try? repository.resolve("refs/heads/" + branch))?.hex == candidate.tip else {
                throw GitGateError(.refused, "branch \(branch) \(changed)")
            }
        }
        if let path = candidate.worktree, candidate.folderExists {
            let status = try Repository(discoveringFrom: path).status(includeIgnored: true)
            let unexpected = status.filter { !$0.isIgnored || !candidate.ignoredPaths.contains($0.path) }
            guard unexpected.isEmpty else {
                throw GitGateError(.refused, "the worktree \(path) \(changed) (\(unexpected.prefix(3).map(\.path).joined(separator: ", ")))")
            }
        }
        var kept: KeptFiles?
        if let path = candidate.worktree, candidate.folderExists, !candidate.keepMoves.isEmpty {
            let label = candidate.branch ?? candidate.worktreeName ?? String(candidate.tip.prefix(7))
            let folder = try KeepFolder.move(candidate.keepMoves, from: path, base: candidate.keepBase, label: label,
                                             refusing: candidate.title, now: now)
            kept = KeptFiles(folder: folder, worktree: path, files: candidate.keptGroups.reduce(0) { $0 + $1.files })
        }
        // Once files are moved, every error says where they are.
        let whereKept = kept.map { "; its ignored files are in \($0.folder) (bring them back with: \($0.restoreCommand))" } ?? ""
        if let name = candidate.worktreeName {
            do {
                try repository.pruneWorktree(named: name)
            } catch {
                throw GitGateError(.repository, "could not remove the worktree \(candidate.worktree ?? name): \(error); look at it with git worktree list\(whereKept)")
            }
        }
        if let branch = candidate.branch {
            do {
                try repository.deleteBranch(branch)
            } catch {
                let removed = candidate.worktreeName == nil ? "" : "removed the worktree but "
                throw GitGateError(.repository, "\(removed)could not delete branch \(branch): \(error); delete it with: git branch -D \(branch)\(whereKept)")
            }
        }
        return kept
    }

    // MARK: Afterwards

    /// Steps that follow a merge and close: pushing main when it is ahead of its upstream.
    public func postMergeSteps() -> [String] {
        guard let config = try? repository.config(), let mainTip = try? repository.resolve("refs/heads/" + mainBranch) else { return [] }
        if let remote = config.string("branch.\(mainBranch).remote"), remote != ".",
           let merge = config.string("branch.\(mainBranch).merge") {
            let name = merge.hasPrefix("refs/heads/") ? String(merge.dropFirst("refs/heads/".count)) : merge
            guard let upstream = try? repository.resolve("refs/remotes/\(remote)/\(name)") else {
                return ["push \(mainBranch): git push \(remote) \(mainBranch)"]
            }
            let pushed = (try? repository.isAncestor(mainTip, of: upstream)) ?? false
            return pushed ? [] : ["push \(mainBranch), which is ahead of \(remote)/\(name): git push \(remote) \(mainBranch)"]
        }
        let remotes = ((try? config.entries(matching: "^remote\\..*\\.url$")) ?? []).map { entry in
            String(entry.name.dropFirst("remote.".count).dropLast(".url".count))
        }
        guard let remote = remotes.contains("origin") ? "origin" : remotes.first else { return [] }
        return ["push \(mainBranch) if the merge is not there yet: git push \(remote) \(mainBranch)"]
    }

    /// Where to `cd` when gitgate was started inside `worktree`, which is now gone.
    public func directoryAfterRemoving(_ worktree: String) -> String? {
        let removed = canonical(worktree)
        guard invokedAt == removed || invokedAt.hasPrefix(removed + "/") else { return nil }
        return mainWorktree ?? repository.commonDir
    }
}

private func describe(_ state: Repository.State) -> String {
    switch state {
    case .merge: return "a merge"
    case .revert: return "a revert"
    case .cherryPick: return "a cherry-pick"
    case .bisect: return "a bisect"
    case .rebase: return "a rebase"
    case .applyMailbox: return "a git am"
    case .none: return "nothing"
    }
}

/// An absolute path with symlinks resolved and no `.`/`..`, for comparing paths git and
/// people write differently. A path that no longer exists is only standardised.
package func canonical(_ path: String) -> String {
    let url = URL(fileURLWithPath: path).standardizedFileURL
    return (FileManager.default.fileExists(atPath: url.path) ? url.resolvingSymlinksInPath() : url).path
}
