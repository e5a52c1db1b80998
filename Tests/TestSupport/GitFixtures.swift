import Foundation

/// A real git repository in a scratch directory, built with the real `git` CLI.
///
/// `init()` makes `<scratch>/repo` with `git init -b main`, a fixed identity, signing off, and
/// one commit (README.md). Every git command runs with a clean environment: HOME is
/// `<scratch>/home`, no system config, no user `GIT_*` variables, no editor, so nothing on the
/// machine changes what git does. Worktrees go next to the repo: `<scratch>/wt-<branch>`.
public final class TestRepository: Sendable {
    public let scratch: ScratchDirectory
    /// The top of the main worktree.
    public let path: String
    /// HOME for every command run here (empty: no global git config).
    public let home: String
    /// The environment every command runs with; add to it through `env:` parameters.
    public let environment: [String: String]

    public static let identity = (name: "Gate Keeper", email: "gatekeeper@example.com")

    /// - Parameters:
    ///   - branch: the initial branch.
    ///   - initialCommit: whether to commit README.md; false leaves HEAD unborn.
    public init(branch: String = "main", initialCommit: Bool = true) throws {
        scratch = try ScratchDirectory()
        path = scratch.appending("repo")
        home = try scratch.makeDirectory("home")
        environment = Self.cleanEnvironment(home: home)
        try Shell.check("git", ["init", "--quiet", "-b", branch, path], cwd: scratch.path, env: environment)
        for (key, value) in [
            ("user.name", Self.identity.name), ("user.email", Self.identity.email),
            ("commit.gpgsign", "false"), ("tag.gpgsign", "false"),
            ("core.autocrlf", "false"), ("advice.detachedHead", "false"),
        ] {
            try git("config", key, value)
        }
        if initialCommit {
            try write("README.md", "# test repository\n")
            try commit("Initial commit")
        }
    }

    static func cleanEnvironment(home: String) -> [String: String] {
        let inherited = ProcessInfo.processInfo.environment
        // Sanitizer settings (suppressions) reach the gitgate that hooks run, under `swift test --sanitize`.
        let sanitizers = inherited.filter { ["ASAN_OPTIONS", "LSAN_OPTIONS", "TSAN_OPTIONS"].contains($0.key) }
        return sanitizers.merging([
            "PATH": inherited["PATH"] ?? "/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": home + "/.config",
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
            "TZ": "UTC",
            "TERM": "dumb",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_EDITOR": "true",
            "GIT_MERGE_AUTOEDIT": "no",
            "GIT_TERMINAL_PROMPT": "0",
        ]) { $1 }
    }

    // MARK: Running things

    /// Runs git in `dir` (default: the main worktree) and returns its stdout without the final
    /// newline; throws `ShellError` (with git's stderr) when git fails.
    @discardableResult
    public func git(_ args: String..., in dir: String? = nil, env: [String: String] = [:]) throws -> String {
        try git(arguments: args, in: dir, env: env)
    }

    @discardableResult
    public func git(arguments args: [String], in dir: String? = nil, env: [String: String] = [:]) throws -> String {
        try Shell.check("git", args, cwd: dir ?? path, env: environment.merging(env) { $1 }).output
    }

    /// Runs git and returns the result whatever the status (for commands expected to fail, e.g. a refused merge).
    public func gitResult(_ args: String..., in dir: String? = nil, env: [String: String] = [:], input: String? = nil) throws -> ShellResult {
        try run("git", args, in: dir, env: env, input: input)
    }

    /// Runs any program (a path, or a name on PATH) in `dir` with this repository's clean environment.
    public func run(
        _ executable: String, _ args: [String] = [], in dir: String? = nil,
        env: [String: String] = [:], input: String? = nil
    ) throws -> ShellResult {
        try Shell.run(executable, args, cwd: dir ?? path, env: environment.merging(env) { $1 }, input: input)
    }

    // MARK: Files

    /// Absolute path of `relative` inside `dir` (default: the main worktree).
    public func absolute(_ relative: String, in dir: String? = nil) -> String {
        let base = dir ?? path
        return relative.hasPrefix("/") ? relative : base + "/" + relative
    }

    /// Writes `contents` to `relative` (making folders), in `dir` (default: the main worktree).
    public func write(_ relative: String, _ contents: String, in dir: String? = nil) throws {
        let file = URL(fileURLWithPath: absolute(relative, in: dir))
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: file)
    }

    public func read(_ relative: String, in dir: String? = nil) throws -> String {
        try String(contentsOfFile: absolute(relative, in: dir), encoding: .utf8)
    }

    public func exists(_ relative: String, in dir: String? = nil) -> Bool {
        FileManager.default.fileExists(atPath: absolute(relative, in: dir))
    }

    public func remove(_ relative: String, in dir: String? = nil) throws {
        try FileManager.default.removeItem(atPath: absolute(relative, in: dir))
    }

    // MARK: History

    /// Commits (after `git add -A` when `all`) in `dir` and returns the new commit's sha.
    @discardableResult
    public func commit(_ message: String, all: Bool = true, allowEmpty: Bool = false, in dir: String? = nil) throws -> String {
        if all { try git("add", "-A", in: dir) }
        var args = ["commit", "--quiet", "-m", message]
        if allowEmpty { args.append("--allow-empty") }
        try git(arguments: args, in: dir)
        return try sha("HEAD", in: dir)
    }

    /// Writes each file, then commits them all; returns the sha.
    @discardableResult
    public func commitFiles(_ files: [String: String], message: String, in dir: String? = nil) throws -> String {
        for (relative, contents) in files.sorted(by: { $0.key < $1.key }) {
            try write(relative, contents, in: dir)
        }
        return try commit(message, in: dir)
    }

    /// The full sha `rev` names, as seen from `dir`.
    public func sha(_ rev: String, in dir: String? = nil) throws -> String {
        try git("rev-parse", "--verify", "--quiet", rev + "^{commit}", in: dir)
    }

    // MARK: Worktrees and clones

    /// Adds a linked worktree on `branch` (created from `base` when it does not exist yet) and
    /// returns its path: `path`, or `<scratch>/wt-<branch>` with "/" made "-".
    @discardableResult
    public func addWorktree(branch: String, path: String? = nil, from base: String = "main") throws -> String {
        let target = path ?? scratch.appending("wt-" + branch.replacingOccurrences(of: "/", with: "-"))
        if try gitResult("show-ref", "--verify", "--quiet", "refs/heads/" + branch).succeeded {
            try git("worktree", "add", "--quiet", target, branch)
        } else {
            try git("worktree", "add", "--quiet", "-b", branch, target, base)
        }
        return target
    }

    /// A bare clone of this repository at `<scratch>/<name>`; returns its path.
    @discardableResult
    public func bareClone(named name: String = "bare.git") throws -> String {
        let target = scratch.appending(name)
        try git("clone", "--quiet", "--bare", path, target, in: scratch.path)
        return target
    }
}
