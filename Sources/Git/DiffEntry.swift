/// One file changed between two trees (or a tree and the index), as `git diff --name-status` lists it.
public struct DiffEntry: Sendable, Equatable, CustomStringConvertible {
    public enum Status: String, Sendable, Equatable {
        case added = "A", deleted = "D", modified = "M", renamed = "R", copied = "C", typeChange = "T"
        /// Only in an index diff: the index has an unresolved conflict at this path.
        case conflicted = "U"
    }

    public let status: Status
    /// Repository-relative path on the old side; nil when added.
    public let oldPath: String?
    /// Repository-relative path on the new side; nil when deleted.
    public let newPath: String?
    public let oldID: ObjectID?
    public let newID: ObjectID?
    /// 0–100 for renames and copies, as git's `R087`; 0 otherwise.
    public let similarity: Int

    public init(
        status: Status, oldPath: String?, newPath: String?,
        oldID: ObjectID? = nil, newID: ObjectID? = nil, similarity: Int = 0
    ) {
        self.status = status
        self.oldPath = oldPath
        self.newPath = newPath
        self.oldID = oldID
        self.newID = newID
        self.similarity = similarity
    }

    /// The path that exists afterwards, or the deleted one.
    public var path: String { newPath ?? oldPath ?? "" }

    public var description: String {
        switch status {
        case .renamed, .copied: "\(status.rawValue)\(similarity) \(oldPath ?? "") -> \(newPath ?? "")"
        default: "\(status.rawValue) \(path)"
        }
    }
}
