internal import CLibPQ
import Foundation

/// One session with a PostgreSQL server. Not thread-safe: use it from one task at a time.
public final class Connection {
    public struct Options: Sendable {
        /// Seconds to wait for each host address to answer; libpq treats values below 2 as 2.
        /// 0 or less leaves libpq's own setting (the URL's, or none).
        public var connectTimeout: Int
        /// `default_transaction_read_only=on`: inspecting production must never write.
        public var readOnly: Bool
        public var statementTimeoutMs: Int?
        public var lockTimeoutMs: Int?
        /// Used unless the connection string sets `application_name`.
        public var applicationName: String
        /// The client-side deadline for a query when the call gives none; nil waits forever.
        public var queryTimeout: Duration?
        /// Other session settings for the startup packet, e.g. `jit=off`. Names and values are
        /// gitgate's own (plain words), never user input.
        public var settings: [String: String] = [:]
        /// A database to use instead of the one the connection string names (a fleet's member
        /// on the same server): passed as a later `dbname`, which libpq lets win.
        public var database: String?

        public init(
            connectTimeout: Int = 10, readOnly: Bool = true, statementTimeoutMs: Int? = nil,
            lockTimeoutMs: Int? = nil, applicationName: String = "gitgate", queryTimeout: Duration? = .seconds(60)
        ) {
            self.connectTimeout = connectTimeout
            self.readOnly = readOnly
            self.statementTimeoutMs = statementTimeoutMs
            self.lockTimeoutMs = lockTimeoutMs
            self.applicationName = applicationName
            self.queryTimeout = queryTimeout
        }
    }

    public enum TransactionStatus: Sendable, Equatable {
        case idle, active, inTransaction, inError, unknown
    }

    let handle: OpaquePointer
    let secrets: Secrets
    let options: Options
    /// Set when a query could not be cancelled cleanly: the protocol state is unknown.
    var abandoned = false

    /// The server's NOTICE/WARNING messages so far (redacted, oldest first, the last 1000).
    /// Kept rather than letting libpq print them on stderr.
    public private(set) var notices: [String] = []

    /// Connects. `conninfo` is a URI, a key=value string, or `service=NAME`. The session
    /// settings travel in the startup packet (the `options` keyword), so they cost no round trip.
    public init(_ conninfo: String, options: Options = Options()) throws {
        try LibpqLoader.require()
        let secrets = Secrets(conninfo: conninfo)
        let parsed: [String: String]
        switch Conninfo.parse(conninfo) {
        case .success(let values): parsed = values
        case .failure(let failure):
            throw PostgresError(kind: .configuration, message: secrets.redact(failure.message), target: secrets.described)
        }

        var settings: [String] = []
        if let own = parsed["options"] ?? ProcessInfo.processInfo.environment["PGOPTIONS"], !own.isEmpty {
            settings.append(own)
        }
        if options.readOnly { settings.append("-c default_transaction_read_only=on") }
        if let ms = options.statementTimeoutMs { settings.append("-c statement_timeout=\(ms)") }
        if let ms = options.lockTimeoutMs { settings.append("-c lock_timeout=\(ms)") }
        settings += options.settings.sorted { $0.key < $1.key }.map { "-c \($0.key)=\($0.value)" }

        // libpq's own order decides the connect timeout: the string, then its service, then
        // PGCONNECT_TIMEOUT. gitgate's default applies only when none of them sets one.
        let processEnvironment = ProcessInfo.processInfo.environment
        let ownTimeout = Conninfo.connectTimeout(parsed, environment: processEnvironment)
        let timeout: ConnectTimeout? = ownTimeout
            ?? (options.connectTimeout > 0 ? ConnectTimeout(value: String(options.connectTimeout), source: "gitgate's connectTimeout") : nil)

        // Keywords after "dbname" override what the expanded connection string says.
        var keywords: [String?] = ["dbname", "fallback_application_name"]
        var values: [String?] = [conninfo, options.applicationName]
        if ownTimeout == nil, options.connectTimeout > 0 {
            keywords.append("connect_timeout")
            values.append(String(options.connectTimeout))
        }
        if let database = options.database {
            keywords.append("dbname")
            values.append(database)
        }
        if !settings.isEmpty {
            keywords.append("options")
            values.append(settings.joined(separator: " "))
        }
        let started = ContinuousClock.now
        let connection = withCStringArray(keywords) { keywords in
            withCStringArray(values) { values in pq.PQconnectdbParams(keywords, values, 1) }
        }
        guard let connection else {
            throw PostgresError(kind: .connection, message: "libpq could not allocate a connection", target: secrets.described)
        }
        guard pq.PQstatus(connection) == CONNECTION_OK else {
            let message = String(cString: pq.PQerrorMessage(connection)!)
            let elapsed = ContinuousClock.now - started
            var kind = PostgresError.Kind(connectionMessage: message)
            var sqlState: String?
            // The message may be translated (LANG): fall back on what libpq and the clock know.
            if kind == .connection && pq.PQconnectionNeedsPassword(connection) == 1 {
                kind = .authentication
            } else if kind == .connection, !message.contains("connection to server "),
                      let seconds = timeout?.seconds, elapsed >= .seconds(seconds)
            {
                kind = .timeout
            }
            if message.lowercased().contains("lock timeout") {
                // The server's lock_timeout (sent at startup) ended the connection while it waited on a catalog lock.
                kind = .timeout
                sqlState = "55P03"
            }
            var text = secrets.redact(message)
            if sqlState == nil && (kind == .timeout || message.contains("timeout expired")) {
                text = PostgresError.oneLine(text) + " (gave up after \(Self.format(elapsed)); "
                    + (timeout.map { "connect_timeout \($0.seconds.map { "\($0) s" } ?? "none") per address, from \($0.source)" } ?? "no connect_timeout")
                    + ")"
            }
            pq.PQfinish(connection)
            throw PostgresError(kind: kind, message: text, sqlState: sqlState, target: secrets.described)
        }
        // Non-blocking so that sending can also honour the query deadline.
        pq.PQsetnonblocking(connection, 1)
        self.handle = connection
        self.secrets = secrets
        self.options = options
        pq.PQsetNoticeProcessor(connection, { context, message in
            guard let context, let message else { return }
            Unmanaged<Connection>.fromOpaque(context).takeUnretainedValue().record(notice: String(cString: message))
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    static func format(_ duration: Duration) -> String {
        let (seconds, attoseconds) = duration.components
        return String(format: "%.1f s", Double(seconds) + Double(attoseconds) / 1e18)
    }

    private func record(notice: String) {
        if notices.count == 1000 { notices.removeFirst() }
        notices.append(secrets.redact(PostgresError.oneLine(notice)))
    }

    deinit { pq.PQfinish(handle) }

    /// The server's version as a number: 150004 for 15.4.
    public var serverVersion: Int { Int(pq.PQserverVersion(handle)) }
    public var user: String { string(pq.PQuser(handle)) }
    public var database: String { string(pq.PQdb(handle)) }
    /// The host name, address, or socket directory connected to.
    public var host: String { string(pq.PQhost(handle)) }
    public var port: Int { Int(string(pq.PQport(handle))) ?? 0 }
    /// `user@host:port/db` for messages.
    public var described: String { "\(user)@\(host):\(port)/\(database)" }

    public var transactionStatus: TransactionStatus {
        switch pq.PQtransactionStatus(handle) {
        case PQTRANS_IDLE: .idle
        case PQTRANS_ACTIVE: .active
        case PQTRANS_INTRANS: .inTransaction
        case PQTRANS_INERROR: .inError
        default: .unknown
        }
    }

    private func string(_ pointer: UnsafeMutablePointer<CChar>?) -> String {
        pointer.map { String(cString: $0) } ?? ""
    }

    /// An error from libpq's connection-level message.
    func connectionError(_ kind: PostgresError.Kind = .connection, fallback: String) -> PostgresError {
        let message = String(cString: pq.PQerrorMessage(handle)!)
        return PostgresError(
            kind: kind, message: secrets.redact(message.isEmpty ? fallback : message), target: secrets.described)
    }
}
