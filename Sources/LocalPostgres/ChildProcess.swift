import Foundation
import Synchronization

/// Starts programs with posix_spawn, output appended to a log file.
///
/// Not Foundation's `Process`: a child that outlives the wait must not inherit any pipe
/// (that is what makes `pg_ctl start` hang), so every descriptor above 2 is closed in the child.
enum Spawn {
    static func start(_ arguments: [String], environment: [String], logPath: String) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        closeInheritedDescriptors(&actions)

        var pid: pid_t = 0
        let status = withCStrings(arguments) { argv in
            withCStrings(environment) { envp in posix_spawn(&pid, arguments[0], &actions, nil, argv, envp) }
        }
        guard status == 0 else {
            throw LocalPostgresError.setup("could not start \(arguments[0]): \(String(cString: strerror(status)))")
        }
        return pid
    }

    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32

    /// glibc ≥ 2.34 has posix_spawn_file_actions_addclosefrom_np, but its header hides it from Swift.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        if let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") {
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, 3)
            return
        }
        // Older libc: close what is open now (descriptors opened concurrently may slip through).
        let open = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
        for descriptor in open.compactMap({ Int32($0) }) where descriptor > 2 {
            posix_spawn_file_actions_addclose(&actions, descriptor)
        }
    }

    /// Blocks until `pid` exits; its wait status.
    static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        return status
    }

    /// Runs to completion; the exit code (128 + signal when killed).
    static func run(_ arguments: [String], environment: [String], logPath: String) throws -> Int32 {
        exitCode(wait(try start(arguments, environment: environment, logPath: logPath)))
    }

    static func exitCode(_ status: Int32) -> Int32 {
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    private static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var pointers: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) } + [nil]
        defer { pointers.forEach { free($0) } }
        return body(&pointers)
    }
}

/// A long-running child started and waited for by a thread of its own.
///
/// `setpriv --pdeathsig` signals the child when the thread that spawned it ends, not the
/// process; pool threads come and go, so the spawning thread must live as long as the child.
final class SupervisedProcess: Sendable {
    let pid: pid_t
    private let exit: ExitState

    init(_ arguments: [String], environment: [String], logPath: String) throws {
        let exit = ExitState()
        let started = Mutex<Result<pid_t, any Error>?>(nil)
        let startedSignal = DispatchSemaphore(value: 0)
        let thread = Thread {
            do {
                let pid = try Spawn.start(arguments, environment: environment, logPath: logPath)
                started.withLock { $0 = .success(pid) }
                startedSignal.signal()
                exit.finish(Spawn.wait(pid))
            } catch {
                started.withLock { $0 = .failure(error) }
                startedSignal.signal()
            }
        }
        thread.name = "postgres supervisor"
        thread.start()
        startedSignal.wait()
        self.pid = try started.withLock { $0! }.get()
        self.exit = exit
    }

    var hasExited: Bool { exit.status != nil }

    /// The wait status, once the child has exited.
    var status: Int32? { exit.status }

    /// Waits up to `timeout` for the child to exit.
    @discardableResult
    func waitForExit(timeout: Duration) -> Bool { exit.wait(timeout: timeout) }

    func signal(_ signal: Int32) {
        if !hasExited { kill(pid, signal) }
    }
}

private final class ExitState: Sendable {
    private let state = Mutex<Int32?>(nil)
    private let exited = DispatchSemaphore(value: 0)

    var status: Int32? { state.withLock { $0 } }

    func finish(_ status: Int32) {
        state.withLock { $0 = status }
        exited.signal()
    }

    func wait(timeout: Duration) -> Bool {
        if status != nil { return true }
        let (seconds, attoseconds) = timeout.components
        let nanoseconds = Int(seconds) * 1_000_000_000 + Int(attoseconds / 1_000_000_000)
        guard exited.wait(timeout: .now() + .nanoseconds(nanoseconds)) == .success else { return false }
        exited.signal()  // let every other waiter through too
        return true
    }
}
