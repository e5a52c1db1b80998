import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// How a branch relates to main: where it left main, whether its work is on main, and which of
/// its commits are not. Read-only, except that a trial merge writes its tree to the object
/// database (as `git merge-tree --write-tree` does).
package struct BranchHistory {
    package let repository: Repository
    package let mainTip: ObjectID

    /// Walks over main's history stop here: a fork point further back is treated as unknown.
    package static let walkLimit = 5_000

    /// The commit the branch left main at, so that "what the branch added" is `diff(fork, tip)`;
    /// nil when it cannot be known, which makes callers look at everything the tip has.
    ///
    /// - Not contained in main (unmerged, squash- or rebase-merged): main never had these
    ///   commits, so the merge base of main and the tip is where the branch left.
    /// - Contained in main: the merge base is the tip itself and says nothing. Walk main's
    ///   first-parent line back to the oldest commit that contains the tip: the commit that
    ///   brought it in. For a merge commit, the branch left main at the merge base of that
    ///   commit's first parent (main just before the merge) and the tip.
    /// - That commit is the tip itself (a fast-forward, or a branch with no commits of its own):
    ///   the graph no longer records where the branch started; its reflog usually does.
    package func forkPoint(branch: String?, tip: ObjectID) throws -> ObjectID? {
        guard try repository.isAncestor(tip, of: mainTip) else {
            return try repository.mergeBase(mainTip, tip)
        }
        var entry = mainTip
        var steps = 0
        while let parent = try repository.firstParent(of: entry), try repository.isAncestor(tip, of: parent) {
            entry = parent
            steps += 1
            if steps > Self.walkLimit { return nil }
        }
        if entry != tip {
            guard let beforeMerge = try repository.firstParent(of: entry) else { return nil }
            return try repository.mergeBase(beforeMerge, tip)
        }
        if let branch, let start = try repository.branchStart(branch) {
            return try repository.mergeBase(start, tip)
        }
        return nil
    }

    /// How the work of `tip` reached main, or nil when some of it has not.
    package func mergeEvidence(tip: ObjectID, fork: ObjectID?) throws -> MergeEvidence? {
        if try repository.isAncestor(tip, of: mainTip) { return .ancestor }
        if try !repository.mergeWouldChange(tip, into: mainTip) { return .changesOnMain }
        if try mainHeldEveryFile(tip: tip, fork: fork) { return .filesOnMain }
        return nil
    }

    /// Whether, for every file the branch changed since `fork`, some commit on main's
    /// first-parent line since then had exactly the branch's version (or, for a file the branch
    /// deleted, no file there). Then every byte of the branch's work is in main's history, even
    /// though main has edited some of those files since (which makes a trial merge conflict).
    package func mainHeldEveryFile(tip: ObjectID, fork: ObjectID?) throws -> Bool {
        var wanted: [String: ObjectID?] = [:]
        for change in try repository.diff(from: fork, to: tip) {
            switch change.status {
            case .deleted:
                if let old = change.oldPath { wanted[old] = .some(nil) }
            case .renamed:
                if let old = change.oldPath { wanted[old] = .some(nil) }
                if let new = change.newPath { wanted[new] = .some(change.newID) }
            default:
                if let new = change.newPath { wanted[new] = .some(change.newID) }
            }
        }
        var pending = Set(wanted.keys)
        var commit: ObjectID? = mainTip
        var steps = 0
        while let current = commit, !pending.isEmpty, steps < Self.walkLimit {
            if let fork, try repository.isAncestor(current, of: fork) { break }
            for path in pending {
                if try repository.entryID(at: path, in: current) == wanted[path]! { pending.remove(path) }
            }
            commit = try repository.firstParent(of: current)
            steps += 1
        }
        return pending.isEmpty
    }

    /// The branch's newest commits whose work is not on main, newest first, following first
    /// parents from the tip and stopping at the first commit main has (or has the work of).
    package func commitsNotOnMain(tip: ObjectID, fork: ObjectID?, limit: Int = 10) throws -> (commits: [ObjectID], more: Bool) {
        var commits: [ObjectID] = []
        var commit: ObjectID? = tip
        while let current = commit {
            if try current == fork || repository.isAncestor(current, of: mainTip) { break }
            if try !repository.mergeWouldChange(current, into: mainTip) { break }
            if commits.count == limit { return (commits, true) }
            commits.append(current)
            commit = try repository.firstParent(of: current)
        }
        return (commits, false)
    }
}
