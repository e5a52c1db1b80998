import Dispatch
import Foundation
import LocalPostgres
import Postgres
import GitGateKit

/// `gitgate demo`: the whole workflow on an embedded default, with no configuration: a throwaway
/// PostgreSQL cluster plays production, a fresh repository plays the team's, and each step runs
/// the real command a user would type (this very binary, and git with gitgate's hooks installed).
///
/// `@unchecked Sendable` because a signal handler on another thread cleans up: the mutable state
/// it touches (`cluster`, `directory`, `cleanedUp`) is read and written only under `lock`, and the
/// rest is immutable after `init`.
public final class Demo: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let executable: String
    private let style: Style
    private let write: (String) -> Void
    private let lock = NSLock()
    private var cluster: LocalCluster?
    private var directory: String?
    private var cleanedUp = false

    public init(executable: String = HookInstaller.currentExecutable(), style: Style = .forTerminal(),
                write: @escaping (String) -> Void = Console.out) {
        self.executable = executable
        self.style = style
        self.write = write
    }

    /// Runs the walk-through. With `keep`, waits after the last step (everything still running)
    /// until interrupted, so the repository and the database can be explored from another terminal.
    public func run(keep: Bool) throws {
        installSignalHandlers()
        defer { cleanUp() }

        say(style.bold("gitgate demo") + ": a branch adds two migrations; main must not get them before production does.")
        let cluster: LocalCluster
        do {
            cluster = try LocalCluster()
        } catch {
            throw GitGateError(.target, "the demo could not start its throwaway PostgreSQL: \(error); install the server with: apt-get install postgresql")
        }
        lock.withLock { self.cluster = cluster }
        _ = try cluster.createDatabase("production")
        let root = try makeDirectory()
        let repo = root + "/app", worktree = root + "/app-security-detections"
        let branch = "feature/security-detections"
        step("Production is a throwaway PostgreSQL cluster (socket \(cluster.socketDirectory), database production).")

        // The team's repository: main has the users table, production has it too.
        try FileManager.default.createDirectory(atPath: repo + "/migrations", withIntermediateDirectories: true)
        try git(["init", "-q", "-b", "main", repo], in: root)
        for (key, value) in [("user.name", "Demo Developer"), ("user.email", "dev@example.com"), ("commit.gpgsign", "false")] {
            try git(["config", key, value], in: repo)
        }
        try file(repo + "/migrations/001_create_users.sql", DemoMigrations.users)
        try file(repo + "/.gitgate", """
            [gitgate]
            \tmainBranch = main
            \tmigrations = migrations
            \treminder = Remove the temporary IP from the database's trusted sources
            [gitgate "production"]
            \turl = \(cluster.url(database: "production"))
            \tgate = true

            """)
        try git(["add", "-A"], in: repo)
        try git(["commit", "-q", "-m", "Users table"], in: repo)
        // Production already has what main has: the users table, applied long ago.
        do {
            var options = Connection.Options()
            options.readOnly = false
            try Connection(cluster.conninfo(database: "production"), options: options).execute(DemoMigrations.users)
        } catch {
            throw Failure(description: "setting up production: \(error)")
        }
        try expect(command(["install"], in: repo, show: false), 0, "installing the hooks")
        step("A repository with main and gitgate's hooks installed: \(repo)")

        try git(["worktree", "add", "-q", "-b", branch, worktree], in: repo)
        try file(worktree + "/migrations/002_create_security_detections.sql", DemoMigrations.securityDetections)
        try file(worktree + "/migrations/003_create_job_analysis_tiers.sql", DemoMigrations.jobAnalysisTiers)
        try git(["add", "-A"], in: worktree)
        try git(["commit", "-q", "-m", "Security detections and job analysis tiers"], in: worktree)
        step("A worktree on \(branch) adds two migrations: \(worktree)")

        step("1. Where does the branch stand?")
        try expect(command(["status"], in: worktree), 1, "status before apply should say BLOCKED")

        step("2. Review the migrations (PostgreSQL's own parser):")
        let lint = try command(["lint"], in: worktree)
        guard lint == 0 else { throw Failure(description: "the demo's migrations should pass review (lint exited \(lint))") }

        step("3. Someone merges anyway; the hook refuses:")
        let merge = try shell("git", ["merge", "--no-ff", "-m", "Merge \(branch)", branch], in: repo, show: true)
        guard merge != 0 else { throw Failure(description: "the merge went through while production lacked the migrations") }
        _ = try? shell("git", ["merge", "--abort"], in: repo, show: false)

        step("4. The deployment plan: each migration, how apply and rollback would run, the tables, what follows the merge:")
        try expect(command(["plan"], in: worktree), 1, "plan before apply should say BLOCKED")

        step("5. Apply them to production (each migration in its own transaction, recorded and signed):")
        try expect(command(["apply", "--target", "production", "--yes"], in: worktree), 0, "apply")

        step("6. Check again:")
        try expect(command(["status"], in: worktree), 0, "status after apply should say READY TO MERGE")

        step("7. If it had to be undone: the rollback plan, newest first (--dry-run changes nothing):")
        try expect(command(["rollback", "--target", "production", "--dry-run"], in: worktree), 0, "rollback --dry-run")

        step("8. Who deployed what, from the ledger:")
        try expect(command(["log"], in: worktree), 0, "log")

        step("9. The merge goes through, and its commit says what was verified:")
        let merged = try shell("git", ["merge", "--no-ff", "-m", "Merge \(branch)", branch], in: repo, show: true)
        guard merged == 0 else { throw Failure(description: "the merge was refused although production has the migrations") }
        _ = try shell("git", ["log", "-1", "--format=%(trailers)"], in: repo, show: true)

        step("10. Close the worktree and delete the branch, safely:")
        try expect(command(["close", branch, "--yes"], in: repo), 0, "close")
        guard !FileManager.default.fileExists(atPath: worktree) else { throw Failure(description: "close left \(worktree) behind") }

        say("")
        say(style.green(style.bold("Demo complete")) + ": BLOCKED, planned, applied, READY TO MERGE, rollback planned, merged with its trailers, closed.")
        if keep {
            say("""

            Everything is still running. Explore from another terminal:
              cd \(repo) && git log --oneline --graph
              psql '\(cluster.url(database: "production"))' -c '\\dt'
              psql '\(cluster.url(database: "production"))' -c 'TABLE gitgate.migrations'
            Press Ctrl-C here to stop the cluster and remove \(root).
            """)
            while true { sleep(3600) }
        }
        say(style.dim("Cleaning up: the cluster is stopped and \(root) removed."))
    }

    // MARK: Steps

    private func say(_ text: String) { write(text) }

    private func step(_ text: String) { say("\n" + style.bold("▸ ") + text) }

    private func expect(_ status: Int32, _ wanted: Int32, _ what: String) throws {
        guard status == wanted else { throw Failure(description: "\(what): exit status \(status), expected \(wanted)") }
    }

    /// Runs this gitgate binary, showing the command and its output as a user would see them.
    private func command(_ arguments: [String], in directory: String, show: Bool = true) throws -> Int32 {
        try shell(executable, arguments, in: directory, show: show, display: "gitgate")
    }

    @discardableResult
    private func git(_ arguments: [String], in directory: String) throws -> Int32 {
        let status = try shell("git", arguments, in: directory, show: false)
        guard status == 0 else { throw Failure(description: "git \(arguments.joined(separator: " ")) failed (\(status))") }
        return status
    }

    private func shell(_ program: String, _ arguments: [String], in directory: String, show: Bool, display: String? = nil) throws -> Int32 {
        if show {
            let where_ = (directory as NSString).lastPathComponent
            say(style.dim("  \(where_)$ ") + ([display ?? program] + arguments.map(quote)).joined(separator: " "))
        }
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_TERMINAL_PROMPT"] = "0"
        environment["GIT_MERGE_AUTOEDIT"] = "no"
        if !style.colors { environment["NO_COLOR"] = "1" }
        let (status, output) = try Subprocess.run(program, arguments, in: directory, environment: environment)
        if show {
            let text = String(decoding: output, as: UTF8.self).trimmingCharacters(in: .newlines)
            if !text.isEmpty { say(text.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")) }
        }
        return status
    }

    private func quote(_ argument: String) -> String {
        argument.contains(" ") ? "\"\(argument)\"" : argument
    }

    private func file(_ path: String, _ contents: String) throws {
        try Data(contents.utf8).write(to: URL(fileURLWithPath: path))
    }

    private func makeDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/gitgate-demo-XXXXXX").utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ buffer in buffer.baseAddress.flatMap { mkdtemp($0) } }) else {
            throw GitGateError(.io, "cannot create a temporary folder for the demo in \(NSTemporaryDirectory()); check TMPDIR")
        }
        let path = String(cString: made).replacingOccurrences(of: "//", with: "/")
        lock.withLock { directory = path }
        return path
    }

    // MARK: Cleaning up, also on Ctrl-C

    private var signalSources: [DispatchSourceSignal] = []

    private func installSignalHandlers() {
        for number in [SIGINT, SIGTERM, SIGHUP] {
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { [weak self] in
                self?.cleanUp()
                exit(128 + number)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    /// Stops the cluster and removes everything the demo made. Safe to call twice, from any thread.
    public func cleanUp() {
        let (cluster, directory): (LocalCluster?, String?) = lock.withLock {
            guard !cleanedUp else { return (nil, nil) }
            cleanedUp = true
            return (self.cluster, self.directory)
        }
        cluster?.stop()
        if let directory { try? FileManager.default.removeItem(atPath: directory) }
    }
}
