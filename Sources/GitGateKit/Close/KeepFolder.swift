import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// A worktree's ignored files, moved out of it by `gitgate close` before it was removed.
public struct KeptFiles: Sendable, Hashable, Codable {
    /// `<commondir>/gitgate/kept/<branch>-<UTC time>`: each file at its path relative to the
    /// worktree's top.
    public var folder: String
    /// The worktree they came from.
    public var worktree: String
    /// How many ignored files (or whole ignored folders, counted as their files) it holds.
    public var files: Int

    /// Copies them back where they were (a recreated worktree, or a plain folder there);
    /// the keep folder stays until you delete it.
    public var restoreCommand: String {
        "cp -a \(shellQuoted(folder + "/.")) \(shellQuoted(worktree + "/"))"
    }
}

/// Why the keep folder cannot take a worktree's ignored files by renaming them.
package enum KeepFolderProblem: Sendable, Hashable {
    /// The nearest existing folder on the way to the keep folder is a file.
    case notAFolder(String)
    case notWritable(String)
    /// An ignored entry lives on another filesystem than the keep folder: a rename would fail (EXDEV).
    case otherFilesystem(entry: String)

    package var explanation: String {
        switch self {
        case .notAFolder(let path): return "\(path) is not a folder"
        case .notWritable(let path): return "\(path) is not writable"
        case .otherFilesystem(let entry):
            return "\(entry) is on another filesystem than the keep folder, and a rename cannot cross filesystems"
        }
    }
}

/// `gitgate close` keeps ignored files by renaming them into `<commondir>/gitgate/kept/`: a
/// rename is instant and never leaves a half copy, and it cannot cross filesystems, which is
/// why the keep folder's filesystem is checked before anything is moved.
package enum KeepFolder {
    package static func base(commonDir: String) -> String { commonDir + "/gitgate/kept" }

    /// What to rename, relative to the worktree's top: each whole ignored folder (`roots`, as
    /// `git status --ignored` lists them) whose files are all kept, else each kept file in it.
    package static func moves(files: [String], roots: [String], discard: (String) -> DiscardRule?) -> [String] {
        var moves: [String] = []
        var covered = Set<String>()
        for root in roots {
            guard root.hasSuffix("/") else {
                covered.insert(root)
                if discard(root) == nil { moves.append(root) }
                continue
            }
            let inside = files.filter { $0.hasPrefix(root) }
            covered.formUnion(inside)
            let kept = inside.filter { discard($0) == nil }
            if inside.isEmpty ? discard(root) == nil : kept.count == inside.count {
                moves.append(root)
            } else {
                moves += kept
            }
        }
        // A file git listed outside every folder it listed: keep it on its own.
        moves += files.filter { !covered.contains($0) && discard($0) == nil }
        return moves
    }

    /// Why `moves` (relative to `worktree`) cannot be renamed into the keep folder under `base`; nil when they can.
    package static func problem(base: String, worktree: String, moves: [String]) -> KeepFolderProblem? {
        guard !moves.isEmpty else { return nil }
        var existing = base
        var info = stat()
        while lstat(existing, &info) != 0 {
            let parent = (existing as NSString).deletingLastPathComponent
            if parent == existing || parent.isEmpty { return .notAFolder(base) }
            existing = parent
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else { return .notAFolder(existing) }
        guard access(existing, W_OK) == 0 else { return .notWritable(existing) }
        let device = info.st_dev
        for entry in moves {
            let relative = entry.hasSuffix("/") ? String(entry.dropLast()) : entry
            let path = worktree + "/" + relative
            var entryInfo = stat()
            guard lstat(path, &entryInfo) == 0 else { continue }  // gone since: close re-checks
            if entryInfo.st_dev != device { return .otherFilesystem(entry: path) }
            let parent = (path as NSString).deletingLastPathComponent
            if access(parent, W_OK) != 0 { return .notWritable(parent) }
            // Renaming a folder to another parent rewrites its "..".
            if (entryInfo.st_mode & S_IFMT) == S_IFDIR && access(path, W_OK) != 0 { return .notWritable(path) }
        }
        return nil
    }

    /// Makes a new folder `<base>/<label>-<UTC time>` and renames each of `moves` into it. On a
    /// failure, everything moved so far is renamed back and the new folder removed before it
    /// throws: a refusal when all went back, an I/O error naming what could not.
    package static func move(_ moves: [String], from worktree: String, base: String, label: String,
                     refusing title: String, now: Date = Date()) throws -> String {
        let files = FileManager.default
        var worktreeInfo = stat()
        let mode = lstat(worktree, &worktreeInfo) == 0 ? worktreeInfo.st_mode & 0o7777 : 0o755
        let fix = "move the ignored files out of the worktree yourself, or delete them with --discard-ignored"
        do {
            try files.createDirectory(atPath: base, withIntermediateDirectories: true)
        } catch {
            throw GitGateError(.refused, "not closing \(title): cannot make the keep folder \(base) (\(error.localizedDescription)); \(fix). Nothing was moved or removed")
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyyMMdd-HHmmss"
        let name = label.replacingOccurrences(of: "/", with: "-") + "-" + formatter.string(from: now)
        var folder = base + "/" + name
        var attempt = 1
        // mkdir claims the name: two closes in the same second get different folders.
        while mkdir(folder, mode) != 0 {
            let error = errno
            guard error == EEXIST, attempt < 100 else {
                throw GitGateError(.refused, "not closing \(title): cannot make the keep folder \(folder) (\(String(cString: strerror(error)))); \(fix). Nothing was moved or removed")
            }
            attempt += 1
            folder = base + "/" + name + "-\(attempt)"
        }

        var moved: [(from: String, to: String)] = []
        for entry in moves {
            let relative = entry.hasSuffix("/") ? String(entry.dropLast()) : entry
            let from = worktree + "/" + relative, to = folder + "/" + relative
            var failure: Int32 = 0
            if !makeParents(of: relative, in: folder, like: worktree) { failure = errno }
            if failure == 0 && rename(from, to) != 0 { failure = errno }
            guard failure != 0 else {
                moved.append((from, to))
                continue
            }
            let why = failure == EXDEV ? "a rename cannot cross filesystems" : String(cString: strerror(failure))
            let stuck = moved.reversed().filter { rename($0.to, $0.from) != 0 }
            removeEmptyFolders(folder)
            guard stuck.isEmpty else {
                let list = stuck.map { "\($0.from) is at \($0.to)" }.joined(separator: ", ")
                throw GitGateError(.io, "not closing \(title): could not move \(from) into the keep folder (\(why)), nor move back what was already moved: \(list); move those back by hand. Nothing was removed")
            }
            throw GitGateError(.refused, "not closing \(title): could not move \(from) into the keep folder \(folder) (\(why)); \(fix). Everything was moved back and nothing was removed")
        }
        return folder
    }

    /// Creates the folders above `relative` inside `folder`, each with the mode of the folder it
    /// stands for in `source` (so copying them back restores those modes).
    private static func makeParents(of relative: String, in folder: String, like source: String) -> Bool {
        var components = relative.split(separator: "/").map(String.init)
        components.removeLast()
        var path = ""
        for component in components {
            path += "/" + component
            var info = stat()
            let mode = lstat(source + path, &info) == 0 ? info.st_mode & 0o7777 : 0o755
            if mkdir(folder + path, mode) != 0 && errno != EEXIST { return false }
        }
        return true
    }

    /// Removes `folder` and the folders in it, deepest first, while they are empty.
    private static func removeEmptyFolders(_ folder: String) {
        let inside = (FileManager.default.subpaths(atPath: folder) ?? []).sorted { $0.count > $1.count }
        for relative in inside { rmdir(folder + "/" + relative) }
        rmdir(folder)
    }
}
