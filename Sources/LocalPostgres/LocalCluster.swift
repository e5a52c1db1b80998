import Foundation
import Postgres
import Synchronization

/// A throwaway PostgreSQL cluster in a short temporary directory, for the demo and the tests.
///
/// The server runs in the foreground as our child (never `pg_ctl start`, whose daemon keeps
/// Foundation waiting), with `fsync=off`, reachable on a Unix socket in its directory with
/// trust authentication. It dies with us (`setpriv --pdeathsig`) and is stopped and
/// deleted by `stop()` or `deinit`.
public final class LocalCluster: Sendable {
    /// Where the server's socket is; also the cluster's temporary directory.
    public let socketDirectory: String
    public let port: Int
    public let superuser: String
    /// The server's (and initdb's) output.
    public let logPath: String
    /// "127.0.0.1" when the cluster also listens on TCP, where scram-sha-256 passwords are required.
    public let tcpHost: String?
    private let server: SupervisedProcess
    private let stopped = Mutex(false)

    /// Makes and starts a cluster. `tcp` adds a listener on 127.0.0.1 at `port` (a free one)
    /// that requires passwords; the socket stays trusted. `extraConfig` become `-c key=value`.
    public init(superuser: String = "postgres", tcp: Bool = false, extraConfig: [String: String] = [:]) throws {
        let binaries = try Self.findServerBinaries()
        let runAs = try RunAs.current()
        let directory = try Self.makeDirectory(owner: runAs)
        let logPath = directory + "/server.log"
        let dataDirectory = directory + "/data"
        let port = tcp ? try FreePort.find() : 5432
        let environment = Self.childEnvironment()

        func cleanUpAndThrow(_ error: (String) -> LocalPostgresError) -> LocalPostgresError {
            let tail = Self.tail(of: logPath)
            try? FileManager.default.removeItem(atPath: directory)
            return error(tail)
        }

        var initdb = ["\(binaries)/initdb", "-D", dataDirectory, "-U", superuser, "--no-sync", "--no-instructions",
                      "-E", "UTF8", "--locale=C.UTF-8"]
        initdb += tcp ? ["--auth-local=trust", "--auth-host=scram-sha-256"] : ["--auth=trust"]
        let status: Int32
        do {
            status = try Spawn.run(runAs.prefix + initdb, environment: environment, logPath: logPath)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        guard status == 0 else { throw cleanUpAndThrow { .initdbFailed(status: status, logTail: $0) } }

        var settings = [
            "listen_addresses": tcp ? "127.0.0.1" : "",
            "port": String(port),
            "unix_socket_directories": directory,
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
        ]
        settings.merge(extraConfig) { _, extra in extra }
        let postgres = ["\(binaries)/postgres", "-D", dataDirectory]
            + settings.sorted { $0.key < $1.key }.flatMap { ["-c", "\($0.key)=\($0.value)"] }
        let server: SupervisedProcess
        do {
            server = try SupervisedProcess(runAs.prefix + postgres, environment: environment, logPath: logPath)
        } catch {
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }

        self.socketDirectory = directory
        self.port = port
        self.superuser = superuser
        self.logPath = logPath
        self.tcpHost = tcp ? "127.0.0.1" : nil
        self.server = server

        if let reason = waitUntilReady(timeout: .seconds(30)) {
            let tail = Self.tail(of: logPath)
            stop()
            throw LocalPostgresError.startFailed(reason: reason, logTail: tail)
        }
    }

    deinit { stop() }

    /// The server's process id (the postmaster).
    public var processID: Int32 { server.pid }
    public var isRunning: Bool { !server.hasExited }

    /// key=value connection string over the Unix socket (trusted: no password).
    public func conninfo(database: String = "postgres", user: String? = nil) -> String {
        "host=\(Libpq.quote(socketDirectory)) port=\(port) user=\(Libpq.quote(user ?? superuser)) dbname=\(Libpq.quote(database))"
    }

    /// The same as a URI: `postgresql://gitgate@/db?host=DIR&port=…`.
    public func url(database: String = "postgres") -> String {
        "postgresql://\(Self.encode(superuser))@/\(Self.encode(database))?host=\(Self.encode(socketDirectory))&port=\(port)"
    }

    /// key=value connection string over TCP (password required); nil without a TCP listener.
    public func tcpConninfo(database: String = "postgres", user: String, password: String) -> String? {
        tcpHost.map { host in
            "host=\(host) port=\(port) user=\(Libpq.quote(user)) password=\(Libpq.quote(password)) dbname=\(Libpq.quote(database))"
        }
    }

    /// Creates a database owned by the superuser; its conninfo.
    public func createDatabase(_ name: String) throws -> String {
        let connection = try Connection(conninfo(), options: .init(connectTimeout: 5, readOnly: false))
        try connection.execute("CREATE DATABASE \"\(name.replacingOccurrences(of: "\"", with: "\"\""))\"")
        return conninfo(database: name)
    }

    /// Fast shutdown (SIGINT), SIGKILL if that takes over 10 s, then deletes the directory.
    /// Safe to call more than once.
    public func stop() {
        let first = stopped.withLock { stopped in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        server.signal(SIGINT)
        if !server.waitForExit(timeout: .seconds(10)) {
            server.signal(SIGKILL)
            server.waitForExit(timeout: .seconds(5))
        }
        try? FileManager.default.removeItem(atPath: socketDirectory)
    }

    // MARK: Starting

    /// nil once the server accepts connections, else why it never did.
    private func waitUntilReady(timeout: Duration) -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let status = server.status {
                return "the server exited with status \(Spawn.exitCode(status))"
            }
            if Libpq.ping(conninfo(), connectTimeout: 2) == .ok { return nil }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return "it did not accept connections within \(timeout)"
    }

    /// /tmp/gg-XXXXXX: short, because a socket path must fit in 107 bytes.
    static func makeDirectory(owner: RunAs) throws -> String {
        var template = Array("/tmp/gg-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw LocalPostgresError.setup("mkdtemp in /tmp failed: \(String(cString: strerror(errno)))")
        }
        let directory = String(cString: made)
        if let user = owner.user, chown(directory, user.uid, user.gid) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: directory)
            throw LocalPostgresError.setup("chown \(directory) to postgres failed: \(reason)")
        }
        return directory
    }

    /// Ours minus PG* variables (PGDATA, PGPORT, … would change what initdb and postgres do).
    static func childEnvironment() -> [String] {
        ProcessInfo.processInfo.environment
            .filter { !$0.key.hasPrefix("PG") }
            .map { "\($0.key)=\($0.value)" }
    }

    static func tail(of path: String, lines: Int = 15) -> String {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8), !text.isEmpty else { return "(empty log)" }
        return text.split(separator: "\n").suffix(lines).joined(separator: " | ")
    }

    private static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

/// Who runs initdb and postgres: they refuse root, so root hands them to the postgres user.
struct RunAs {
    struct User { let uid: uid_t; let gid: gid_t }
    let user: User?
    let prefix: [String]

    static func current() throws -> RunAs {
        let setpriv = ["/usr/bin/setpriv", "/bin/setpriv"].first { FileManager.default.isExecutableFile(atPath: $0) }
        guard geteuid() == 0 else {
            // Still ask for the parent-death signal when setpriv is there.
            return RunAs(user: nil, prefix: setpriv.map { [$0, "--pdeathsig", "TERM", "--"] } ?? [])
        }
        guard let entry = getpwnam("postgres") else { throw LocalPostgresError.noPostgresUser }
        guard let setpriv else {
            throw LocalPostgresError.setup("running as root needs setpriv (util-linux) to start the server as postgres")
        }
        let user = User(uid: entry.pointee.pw_uid, gid: entry.pointee.pw_gid)
        return RunAs(
            user: user,
            prefix: [setpriv, "--reuid=\(user.uid)", "--regid=\(user.gid)", "--clear-groups", "--pdeathsig", "TERM", "--"])
    }
}

enum FreePort {
    /// A port on 127.0.0.1 that nothing listens on right now.
    static func find() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw LocalPostgresError.setup("socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
                bind(fd, address, length) == 0 && getsockname(fd, address, &length) == 0
            }
        }
        guard bound else { throw LocalPostgresError.setup("could not find a free TCP port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
