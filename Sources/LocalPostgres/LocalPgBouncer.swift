import Foundation
import Postgres
import Synchronization

/// A throwaway PgBouncer in front of a `LocalCluster`, for the tests: every database of the
/// cluster through one pooler that listens on a Unix socket in its own temporary directory,
/// trust authentication, the pooling mode asked for. Runs in the foreground as our child (as
/// the postgres user when we are root, like the cluster), stopped by `stop()` or `deinit`.
public final class LocalPgBouncer: Sendable {
    public enum PoolMode: String, Sendable {
        case session, transaction
    }

    public let mode: PoolMode
    public let socketDirectory: String
    public let port: Int
    public let superuser: String
    public let logPath: String
    private let process: SupervisedProcess
    private let stopped = Mutex(false)

    /// Debian's package puts the binary here; else the first on PATH.
    public static func findBinary() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin"
        let candidates = ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"] + path.split(separator: ":").map { "\($0)/pgbouncer" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// `ignoredStartupParameters` is PgBouncer's `ignore_startup_parameters`: with `options`
    /// there, it lets libpq's `options` in and drops it.
    public init(in front: LocalCluster, mode: PoolMode, poolSize: Int = 2,
                ignoredStartupParameters: [String] = ["extra_float_digits"]) throws {
        guard let binary = Self.findBinary() else {
            throw LocalPostgresError.setup("pgbouncer is not installed (apt-get install pgbouncer, or run ./install.sh)")
        }
        let runAs = try RunAs.current()
        let directory = try LocalCluster.makeDirectory(owner: runAs)
        let port = 6432
        let logPath = directory + "/pgbouncer.log"
        let users = directory + "/users.txt"
        let config = directory + "/pgbouncer.ini"
        // No listen_addr: the Unix socket only, so parallel test runs never fight over a port.
        let ini = """
            [databases]
            * = host=\(front.socketDirectory) port=\(front.port)

            [pgbouncer]
            listen_port = \(port)
            unix_socket_dir = \(directory)
            auth_type = trust
            auth_file = \(users)
            pool_mode = \(mode.rawValue)
            default_pool_size = \(poolSize)
            max_client_conn = 200
            ignore_startup_parameters = \(ignoredStartupParameters.joined(separator: ","))
            server_reset_query = DISCARD ALL

            """
        do {
            try ini.write(toFile: config, atomically: false, encoding: .utf8)
            try "\"\(front.superuser)\" \"\"\n".write(toFile: users, atomically: false, encoding: .utf8)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw LocalPostgresError.setup("could not write pgbouncer's configuration: \(error)")
        }
        let process: SupervisedProcess
        do {
            process = try SupervisedProcess(runAs.prefix + [binary, config], environment: LocalCluster.childEnvironment(), logPath: logPath)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        self.mode = mode
        self.socketDirectory = directory
        self.port = port
        self.superuser = front.superuser
        self.logPath = logPath
        self.process = process

        if let reason = waitUntilReady(timeout: .seconds(15)) {
            let tail = LocalCluster.tail(of: logPath)
            stop()
            throw LocalPostgresError.startFailed(reason: "pgbouncer: \(reason)", logTail: tail)
        }
    }

    deinit { stop() }

    public var processID: Int32 { process.pid }

    /// key=value connection string through the pooler (trusted: no password).
    public func conninfo(database: String = "postgres") -> String {
        "host=\(Libpq.quote(socketDirectory)) port=\(port) user=\(Libpq.quote(superuser)) dbname=\(Libpq.quote(database))"
    }

    /// Immediate shutdown (SIGTERM), SIGKILL after 10 s, then deletes the directory. Idempotent.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        process.signal(SIGTERM)
        if !process.waitForExit(timeout: .seconds(10)) {
            process.signal(SIGKILL)
            process.waitForExit(timeout: .seconds(5))
        }
        try? FileManager.default.removeItem(atPath: socketDirectory)
    }

    private func waitUntilReady(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = process.status { return "it exited with status \(Spawn.exitCode(status))" }
            if Libpq.ping(conninfo(), connectTimeout: 2) == .ok { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return "it did not accept connections within \(timeout)"
    }
}
