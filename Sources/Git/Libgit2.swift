internal import CGit2
internal import CGit2Startup

/// Process-wide libgit2 state.
public enum Libgit2 {
    /// libgit2 must be initialised once before any other call; a static `let` runs exactly once, thread-safely.
    /// The CA bundle it would parse is refused (CGit2Startup): the refusal leaves an error behind, cleared here.
    private static let initialised: Int32 = {
        let count = git_libgit2_init()
        git_error_clear()
        return count
    }()

    static func ensureInitialised() { _ = initialised }

    /// How often libgit2 asked to parse a CA certificate file and was refused: 1 once initialised,
    /// with Debian's libgit2 (mbedTLS, a default certificate file); 0 with a build that has none.
    public static var refusedCertificateLoads: Int {
        ensureInitialised()
        return Int(gitgate_refused_certificate_loads())
    }

    /// The linked libgit2's version, e.g. "1.5.1".
    public static var version: String {
        ensureInitialised()
        var major: Int32 = 0, minor: Int32 = 0, revision: Int32 = 0
        git_libgit2_version(&major, &minor, &revision)
        return "\(major).\(minor).\(revision)"
    }
}
