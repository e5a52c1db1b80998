import Digest
import Dispatch
import Foundation
import GitGateConfig
import GitGateMigrations

/// What running one project step came to.
public struct StepResult: Sendable {
    public enum Outcome: Sendable, Equatable {
        case passed
        /// Exited with this status (`expect = success`, or any step).
        case failed(exitStatus: Int32)
        /// The shell could not find the command (status 127).
        case commandNotFound
        /// `expect = clean`: it exited 0 but changed these files (repository-relative).
        case changedFiles([String])
        /// Still running at its timeout: its process group was stopped.
        case timedOut(ms: Int)
        /// It could not be started at all.
        case couldNotStart(String)

        public var passed: Bool { self == .passed }
    }

    public var step: ProjectStep
    public var outcome: Outcome
    /// The end of what it printed (stdout and stderr together), at most a few lines.
    public var output: String

    /// The one line for a failure, `step NAME: …; what to do`; nil when it passed.
    public var problem: String? {
        let name = "step \(step.name) (\(step.run))"
        switch outcome {
        case .passed: return nil
        case .failed(let status): return "\(name) failed with exit status \(status); fix what it reports, then run gitgate steps --run again"
        case .commandNotFound: return "\(name): the command was not found; install it, or fix gitgate.step.\(step.name).run in main's .gitgate"
        case .changedFiles(let files):
            let shown = files.prefix(5).joined(separator: ", ") + (files.count > 5 ? " and \(files.count - 5) more" : "")
            return "\(name) changed \(files.count) file\(files.count == 1 ? "" : "s") (\(shown)), and expect = clean; commit what it generated, then run gitgate steps --run again"
        case .timedOut(let ms): return "\(name) did not finish within \(formatMilliseconds(ms)) and was stopped; make it faster or raise gitgate.step.\(step.name).timeout"
        case .couldNotStart(let why): return "\(name) could not be started: \(why); check that /bin/sh exists"
        }
    }
}

/// Runs project steps in a worktree: `/bin/sh -c` in its own process group, output to a file
/// (never a pipe a stray child could hold open), bounded by the step's timeout.
public enum StepRunner {
    /// - Parameter environment: added to the command's environment (the target's URL).
    public static func run(_ step: ProjectStep, in worktree: String, environment extra: [String: String] = [:]) -> StepResult {
        let before = step.expect == .clean ? snapshot(worktree) : [:]
        let log = NSTemporaryDirectory() + "/gitgate-step-\(getpid())-\(UUID().uuidString).log"
        defer { try? FileManager.default.removeItem(atPath: log) }
        let outcome: StepResult.Outcome
        switch spawn(step.run, in: worktree, log: log, environment: extra) {
        case .failure(let failure):
            outcome = .couldNotStart(failure.reason)
        case .success(let pid):
            if let status = wait(pid, timeoutMs: step.timeoutMs) {
                if status == 127 {
                    outcome = .commandNotFound
                } else if status != 0 {
                    outcome = .failed(exitStatus: status)
                } else if step.expect == .clean {
                    let after = snapshot(worktree)
                    let changed = Set(before.keys).union(after.keys).filter { before[$0] != after[$0] }.sorted()
                    outcome = changed.isEmpty ? .passed : .changedFiles(changed)
                } else {
                    outcome = .passed
                }
            } else {
                outcome = .timedOut(ms: step.timeoutMs)
            }
        }
        let text = (FileManager.default.contents(atPath: log)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        let tail = text.split(separator: "\n").suffix(10).joined(separator: "\n")
        return StepResult(step: step, outcome: outcome, output: tail)
    }

    /// Each path `git status` mentions, with a hash of what is in the worktree (so a file already
    /// modified before the step and changed again by it counts too). Read with git itself, in a
    /// process of its own, as the person would see it.
    static func snapshot(_ worktree: String) -> [String: String] {
        let log = NSTemporaryDirectory() + "/gitgate-step-status-\(getpid())-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: log) }
        guard case .success(let pid) = spawn("git status --porcelain=v1 -z --untracked-files=all", in: worktree, log: log, environment: [:]),
              wait(pid, timeoutMs: 60_000) == 0,
              let data = FileManager.default.contents(atPath: log) else { return [:] }
        var result: [String: String] = [:]
        var skipNext = false
        for record in data.split(separator: 0, omittingEmptySubsequences: true) {
            if skipNext { skipNext = false; continue }  // a rename's old path
            let text = String(decoding: record, as: UTF8.self)
            guard text.count > 3 else { continue }
            let code = String(text.prefix(2))
            let path = String(text.dropFirst(3))
            if code.hasPrefix("R") || code.hasPrefix("C") { skipNext = true }
            let content = FileManager.default.contents(atPath: worktree.trimmingSuffix("/") + "/" + path)
            result[path] = code + (content.map { SHA256.hex($0) } ?? "-")
        }
        return result
    }

    package struct SpawnFailure: Error { var reason: String }

    private static func spawn(_ command: String, in directory: String, log: String,
                              environment extra: [String: String]) -> Result<pid_t, SpawnFailure> {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, so a timeout stops everything the command started.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)
        let arguments = ["/bin/sh", "-c", "cd \"$1\" || exit 126; eval \"$2\"", "gitgate-step", directory, command]
        let environment = ProcessInfo.processInfo.environment.merging(extra) { $1 }.map { "\($0.key)=\($0.value)" }
        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, "/bin/sh", &actions, &attributes, argv, envp) }
        }
        return status == 0 ? .success(pid) : .failure(SpawnFailure(reason: String(cString: strerror(status))))
    }

    /// The exit status (128 + signal when killed), or nil at the timeout, after stopping the group.
    private static func wait(_ pid: pid_t, timeoutMs: Int) -> Int32? {
        let done = DispatchSemaphore(value: 0)
        let box = StatusBox()
        Thread.detachNewThread {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
            box.status = status
            done.signal()
        }
        if done.wait(timeout: .now() + .milliseconds(timeoutMs)) == .success { return exitCode(box.status) }
        kill(-pid, SIGTERM)
        if done.wait(timeout: .now() + .seconds(2)) == .timedOut {
            kill(-pid, SIGKILL)
            done.wait()
        }
        return nil
    }

    private final class StatusBox: @unchecked Sendable { var status: Int32 = 0 }

    private static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
    }
}
