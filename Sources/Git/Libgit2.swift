internal import CGit2

/// Process-wide libgit2 state.
public enum Libgit2 {
    /// libgit2 must be initialised once before any other call; a static `let` runs exactly once, thread-safely.
    private static let initialised: Int32 = git_libgit2_init()

    static func ensureInitialised() { _ = initialised }

    /// The linked libgit2's version, e.g. "1.5.1".
    public static var version: String {
        ensureInitialised()
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
