/// A file in a commit's tree.
public struct TreeFile: Sendable, Equatable, Hashable {
    public enum Kind: Sendable, Equatable, Hashable { case file, executable, symlink }

    /// Repository-relative path.
    public let path: String
    /// The blob holding its contents (for a symlink: the target path).
    public let id: ObjectID
    public let kind: Kind

    public init(path: String, id: ObjectID, kind: Kind = .file) {
        self.path = path
        self.id = id
        self.kind = kind
    }
}
