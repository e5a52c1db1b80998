/// One path that `git status` would mention in this worktree.
public struct StatusEntry: Sendable, Equatable, CustomStringConvertible {
    public enum Change: String, Sendable, Equatable {
        case added = "A", modified = "M", deleted = "D", renamed = "R", typeChange = "T"
    }

    /// Repository-relative path: where the file is now (in the index or the working tree).
    public let path: String
    /// The path in HEAD, when the index records a rename.
    public let oldPath: String?
    /// What the index changes relative to HEAD (what would be committed).
    public let staged: Change?
    /// What the working tree changes relative to the index (not yet added).
    public let unstaged: Change?
    public let isUntracked: Bool
    public let isIgnored: Bool
    /// An unresolved merge conflict.
    public let isConflicted: Bool

    public init(
        path: String, oldPath: String? = nil, staged: Change? = nil, unstaged: Change? = nil,
        isUntracked: Bool = false, isIgnored: Bool = false, isConflicted: Bool = false
    ) {
        self.path = path
        self.oldPath = oldPath
        self.staged = staged
        self.unstaged = unstaged
        self.isUntracked = isUntracked
        self.isIgnored = isIgnored
        self.isConflicted = isConflicted
    }

    /// The two-letter code of `git status --porcelain`, e.g. "AM", "??", "!!", "UU" (any conflict).
    public var porcelainCode: String {
        if isUntracked { return "??" }
        if isIgnored { return "!!" }
        if isConflicted { return "UU" }
        return (staged?.rawValue ?? " ") + (unstaged?.rawValue ?? " ")
    }

    public var description: String {
        "\(porcelainCode) \(path)" + (oldPath.map { " (from \($0))" } ?? "")
    }
}
