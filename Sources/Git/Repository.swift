internal import CGit2
import Foundation

/// A git repository opened with libgit2: a main worktree, a linked worktree, or a bare repository.
///
/// libgit2 repository handles are not thread-safe, so every use of the handle takes `lock`;
/// that is what makes the `@unchecked Sendable` honest.
public final class Repository: @unchecked Sendable {
    private let handle: OpaquePointer
    // Recursive: a public method may call another public method.
    private let lock = NSRecursiveLock()
    /// Folders added with `addObjectDirectory`, so that a second handle on this repository
    /// (for reading on another thread) sees the same objects. Guarded by `lock`.
    var extraObjectDirectories: [String] = []

    /// Opens the repository containing `path` (any folder inside a main or linked worktree,
    /// or a bare repository), searching upwards like `git` does.
    public convenience init(discoveringFrom path: String) throws {
        do {
            try self.init(path: path, flags: 0)
        } catch let error as GitError where error.kind == .notFound {
            throw error.with(
                message: "no git repository at or above \(path)",
                hint: "run this inside a git repository or one of its worktrees"
            )
        }
    }

    deinit { git_repository_free(handle) }

    /// Runs `body` with the raw handle while holding the lock.
    func locked<Result>(_ body: (OpaquePointer) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(handle)
    }

    // MARK: Where it is

    public var isBare: Bool { locked { git_repository_is_bare($0) == 1 } }

    /// True when opened from a worktree made by `git worktree add`.
    public var isLinkedWorktree: Bool { locked { git_repository_is_worktree($0) == 1 } }

    /// The top of this worktree, without a trailing slash; nil for a bare repository.
    public var workdir: String? {
        locked { git_repository_workdir($0).map { String(cString: $0).withoutTrailingSlash } }
    }

    /// This worktree's git directory: `<main>/.git` or `<main>/.git/worktrees/<name>`.
    public var gitDir: String {
        locked { String(cString: git_repository_path($0)).withoutTrailingSlash }
    }

    /// The directory shared by all worktrees (objects, refs, config, hooks): the main `.git`.
    public var commonDir: String {
        locked { String(cString: git_repository_commondir($0)).withoutTrailingSlash }
    }

    /// The top of the main worktree (the one `git init` or `git clone` made), from any worktree;
    /// nil when the repository is bare.
    public var mainWorktreePath: String? {
        get throws {
            if !isLinkedWorktree { return workdir }
            let main = try Repository(opening: commonDir)
            return main.workdir
        }
    }

    /// Opens exactly `gitDir`, without searching.
    convenience init(opening gitDir: String) throws {
        try self.init(path: gitDir, flags: GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue)
    }

    private init(path: String, flags: UInt32) throws {
        Libgit2.ensureInitialised()
        var handle: OpaquePointer?
        try check(git_repository_open_ext(&handle, path, flags, nil), "git_repository_open_ext")
        guard let handle else {
            throw GitError(function: "git_repository_open_ext", code: -1, message: "libgit2 returned no repository")
        }
        self.handle = handle
    }

    /// Where git looks for hooks: `core.hooksPath` if set (a relative one is relative to the
    /// top of the worktree, or the git dir when bare, as git runs hooks there), else `<commonDir>/hooks`.
    public var hooksDirectory: String {
        get throws {
            guard var path = try config().string("core.hooksPath"), !path.isEmpty else {
                return commonDir + "/hooks"
            }
            if path == "~" || path.hasPrefix("~/") {
                path = NSHomeDirectory() + path.dropFirst()
            }
            if path.hasPrefix("/") { return path.withoutTrailingSlash }
            let base = workdir ?? gitDir
            return (base + "/" + path).withoutTrailingSlash
        }
    }

    /// An operation in progress in this worktree (a merge stopped for conflicts, a rebase, …).
    public enum State: Sendable, Equatable {
        case none, merge, revert, cherryPick, bisect, rebase, applyMailbox
    }

    public var state: State {
        locked { repo in
            switch git_repository_state_t(UInt32(bitPattern: git_repository_state(repo))) {
            case GIT_REPOSITORY_STATE_MERGE: .merge
            case GIT_REPOSITORY_STATE_REVERT, GIT_REPOSITORY_STATE_REVERT_SEQUENCE: .revert
            case GIT_REPOSITORY_STATE_CHERRYPICK, GIT_REPOSITORY_STATE_CHERRYPICK_SEQUENCE: .cherryPick
            case GIT_REPOSITORY_STATE_BISECT: .bisect
            case GIT_REPOSITORY_STATE_REBASE, GIT_REPOSITORY_STATE_REBASE_INTERACTIVE,
                GIT_REPOSITORY_STATE_REBASE_MERGE: .rebase
            case GIT_REPOSITORY_STATE_APPLY_MAILBOX, GIT_REPOSITORY_STATE_APPLY_MAILBOX_OR_REBASE: .applyMailbox
            default: .none
            }
        }
    }
}
