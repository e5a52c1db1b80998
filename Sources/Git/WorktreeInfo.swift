/// A linked worktree (made by `git worktree add`), as `git worktree list` describes it.
public struct WorktreeInfo: Sendable, Equatable {
    /// git's name for it: the folder under `<commonDir>/worktrees/`.
    public let name: String
    /// The top of its working tree (which may no longer exist: see `isPrunable`).
    public let path: String
    /// The short name of its checked-out branch; nil when its HEAD is detached.
    public let branch: String?
    /// The commit its HEAD points at; nil when unknown (an unborn branch).
    public let head: ObjectID?
    public let isLocked: Bool
    /// Why it was locked (`git worktree lock --reason`); nil when none was given.
    public let lockReason: String?
    /// Its folder is gone and it is not locked: `git worktree prune` would drop it.
    public let isPrunable: Bool

    public init(
        name: String, path: String, branch: String?, head: ObjectID?,
        isLocked: Bool, lockReason: String?, isPrunable: Bool
    ) {
        self.name = name
        self.path = path
        self.branch = branch
        self.head = head
        self.isLocked = isLocked
        self.lockReason = lockReason
        self.isPrunable = isPrunable
    }
}
