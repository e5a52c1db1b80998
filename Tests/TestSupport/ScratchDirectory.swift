import Foundation

/// A fresh directory under /tmp (or another parent), removed when the last reference goes away.
///
/// Paths stay short (`/tmp/gg.XXXXXX`) because PostgreSQL's Unix socket paths must fit in
/// about 107 bytes. Set `GITGATE_KEEP_SCRATCH=1` to keep it for a look after a failure.
/// Keep the object alive for as long as you use its path: bind it (or the `TestRepository`
/// holding it) to a name. `let (_, path) = makeRepo()` deletes the folder at once.
public final class ScratchDirectory: Sendable {
    /// Absolute and symlink-free, so it compares equal to paths libgit2 and git report.
    public let path: String

    /// - Parameter parent: where to make it; another filesystem (`/dev/shm`) for tests about renames.
    public init(prefix: String = "gg", in parent: String = "/tmp") throws {
        var template = Array("\(parent)/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw ShellError(command: "mkdtemp", status: errno, stderr: String(cString: strerror(errno)))
        }
        let raw = String(cString: made)
        path = URL(fileURLWithPath: raw).resolvingSymlinksInPath().path
    }

    deinit {
        if ProcessInfo.processInfo.environment["GITGATE_KEEP_SCRATCH"] == "1" { return }
        try? FileManager.default.removeItem(atPath: path)
    }

    /// `relative` joined to the scratch path (no check that it exists).
    public func appending(_ relative: String) -> String {
        relative.isEmpty ? path : path + "/" + relative
    }

    /// Makes `relative` (and its parents) and returns its absolute path.
    @discardableResult
    public func makeDirectory(_ relative: String) throws -> String {
        let full = appending(relative)
        try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
        return full
    }
}
