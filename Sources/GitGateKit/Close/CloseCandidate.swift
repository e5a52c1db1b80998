import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// How a branch's work reached main.
public enum MergeEvidence: String, Sendable, Codable {
    /// main contains the branch's tip: a merge commit or a fast-forward.
    case ancestor = "merged"
    /// The commits are not on main but merging them would change nothing: a squash or rebase merge.
    case changesOnMain = "changes-on-main"
    /// main has held the branch's version of every file the branch changed (main changed some
    /// of them since, so a merge would conflict, but no work of the branch is missing).
    case filesOnMain = "files-on-main"

    public var explanation: String {
        switch self {
        case .ancestor: return "main contains its tip"
        case .changesOnMain: return "its changes are on main (squash or rebase merge)"
        case .filesOnMain: return "main has held its version of every file it changed (main has changed some since)"
        }
    }
}

/// Why a worktree or branch is not closed (or, for `close --check`, not safe to remove).
public struct CloseRefusal: Sendable, Hashable, Codable {
    /// A stable code for scripts; one string in JSON. A string literal is a code, so callers
    /// written against the old `String` field still compile.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
        public let rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        public init(from decoder: Decoder) throws { rawValue = try decoder.singleValueContainer().decode(String.self) }
        public func encode(to encoder: Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        public static let mainWorktree: Code = "main-worktree"
        public static let mainBranch: Code = "main-branch"
        public static let checkedOut: Code = "checked-out"
        public static let locked: Code = "locked"
        public static let inProgress: Code = "in-progress"
        public static let submodules: Code = "submodules"
        public static let uncommitted: Code = "uncommitted"
        public static let notMerged: Code = "not-merged"
        public static let migrationNotOnMain: Code = "migration-not-on-main"
        public static let migrationNotInProduction: Code = "migration-not-in-production"
        public static let couldNotCheck: Code = "could-not-check"
        public static let unborn: Code = "unborn"
        public static let detached: Code = "detached"
        public static let unreadable: Code = "unreadable"
        /// The ignored files to keep cannot be renamed into the keep folder (another filesystem, permissions).
        public static let keepFolder: Code = "keep-folder"
        /// `close --check` only: removing the folder (as another tool would) deletes ignored files
        /// that no `closeDiscard` glob or `--discard-ignored` gives up.
        public static let ignoredFiles: Code = "ignored-files"
    }

    public var code: Code
    public var message: String
    /// Paths or commits the message is about, one per line.
    public var details: [String]

    public init(_ code: Code, _ message: String, details: [String] = []) {
        self.code = code
        self.message = message
        self.details = details
    }

    /// A target could not be asked: the answer is unknown, not "no" (exit 2).
    public var isCouldNotCheck: Bool { code == .couldNotCheck }
}

/// One migration the branch brought, and where each gated target stands with it.
public struct CloseMigration: Sendable, Hashable {
    public var version: String
    public var path: String
    public var states: [String: TargetStatus]

    public init(version: String, path: String, states: [String: TargetStatus]) {
        self.version = version
        self.path = path
        self.states = states
    }
}

/// A worktree (with its branch) or a lone branch, and everything `gitgate close` found out
/// about it before touching anything.
public struct CloseCandidate: Sendable {
    /// Nil for a worktree whose HEAD is detached.
    public var branch: String?
    /// The worktree's folder; nil for a branch that no worktree has checked out.
    public var worktree: String?
    /// git's name for the worktree (the folder under `.git/worktrees/`).
    public var worktreeName: String?
    /// The commit the branch (or detached HEAD) points at.
    public var tip: String
    public var tipSummary: String
    /// How the work reached main; nil when it has not (or was not checked).
    public var merge: MergeEvidence?
    public var refusals: [CloseRefusal]
    /// The worktree's ignored files: kept (moved to the keep folder) or, where `discard` says, deleted.
    public var ignored: [IgnoredGroup]
    /// The migrations the branch added since it left main.
    public var migrations: [CloseMigration]
    public var notes: [String]
    /// Things to do once it is closed (`gitgate record …`, deleting the remote branch).
    public var afterwards: [String]
    /// Whether the worktree's folder still exists.
    public var folderExists: Bool

    /// Worktree-relative paths of every ignored file seen, to notice changes before removing.
    package var ignoredPaths: Set<String> = []
    /// What to rename into the keep folder, relative to the worktree's top (folders end in "/").
    package var keepMoves: [String] = []
    /// Where kept files go: `<commondir>/gitgate/kept`.
    package var keepBase: String = ""

    public init(branch: String?, worktree: String?, worktreeName: String?, tip: String, tipSummary: String,
                merge: MergeEvidence? = nil, refusals: [CloseRefusal] = [], ignored: [IgnoredGroup] = [],
                migrations: [CloseMigration] = [], notes: [String] = [], afterwards: [String] = [],
                folderExists: Bool = true) {
        self.branch = branch
        self.worktree = worktree
        self.worktreeName = worktreeName
        self.tip = tip
        self.tipSummary = tipSummary
        self.merge = merge
        self.refusals = refusals
        self.ignored = ignored
        self.migrations = migrations
        self.notes = notes
        self.afterwards = afterwards
        self.folderExists = folderExists
    }

    public var isClosable: Bool { merge != nil && refusals.isEmpty }

    /// Ignored files closing keeps: moved to the keep folder before the worktree is removed.
    public var keptGroups: [IgnoredGroup] { ignored.filter { $0.discard == nil } }
    /// Ignored files closing deletes, as `--discard-ignored` or a `closeDiscard` glob says.
    public var discardedGroups: [IgnoredGroup] { ignored.filter { $0.discard != nil } }

    /// "worktree /path (branch feature)", "branch feature", "worktree /path (detached at abc1234)".
    public var title: String {
        let short = String(tip.prefix(7))
        switch (worktree, branch) {
        case let (path?, name?): return "worktree \(path) (branch \(name))"
        case let (path?, nil): return "worktree \(path) (detached at \(short))"
        case let (nil, name?): return "branch \(name)"
        case (nil, nil): return "commit \(short)"
        }
    }

    /// The one command that brings the branch back after it is deleted.
    public var restoreCommand: String? {
        branch.map { "git branch \($0) \(tip)" }
    }

    /// The one-line reason for a refusal message: the first, and how many more.
    public var refusalSummary: String {
        guard let first = refusals.first else { return "" }
        let more = refusals.count > 1 ? " (and \(refusals.count - 1) more reason\(refusals.count == 2 ? "" : "s") above)" : ""
        return first.message + more
    }
}
