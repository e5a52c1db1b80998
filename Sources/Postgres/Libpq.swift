internal import CLibPQ
import Foundation

/// Facts about libpq itself and helpers that need no open connection.
public enum Libpq {
    /// libpq's version as a number: 150004 for 15.4; nil when libpq cannot be loaded.
    public static var version: Int? {
        guard (try? LibpqLoader.require()) != nil else { return nil }
        return Int(pq.PQlibVersion())
    }

    /// Why libpq cannot be loaded, or nil when it can (loading it if it is not yet).
    public static var loadError: PostgresError? {
        if case .failure(let error) = LibpqLoader.state { return error }
        return nil
    }

    /// Whether this process has loaded libpq yet; it does so only when a command first needs it.
    public static var isLoaded: Bool { LibpqLoader.isLoaded }

    public enum PingResult: Sendable, Equatable {
        /// The server accepts connections.
        case ok
        /// The server is up but refuses connections (starting, shutting down, in recovery).
        case rejecting
        /// Nothing answered.
        case noResponse
        /// The connection string is unusable; nothing was tried.
        case noAttempt
    }

    /// Whether a server answers at `conninfo`, without authenticating.
    public static func ping(_ conninfo: String, connectTimeout: Int = 10) -> PingResult {
        guard (try? LibpqLoader.require()) != nil else { return .noAttempt }
        let result = withCStringArray(["dbname", "connect_timeout"]) { keywords in
            withCStringArray([conninfo, String(connectTimeout)]) { values in pq.PQpingParams(keywords, values, 1) }
        }
        switch result {
        case PQPING_OK: return .ok
        case PQPING_REJECT: return .rejecting
        case PQPING_NO_RESPONSE: return .noResponse
        default: return .noAttempt
        }
    }

    /// `user@host:port/db` (only the parts the string sets), `service=NAME`, or, when libpq
    /// cannot parse it, the string with its password masked. Never contains the password.
    public static func describe(_ conninfo: String) -> String {
        Secrets(conninfo: conninfo).described
    }

    /// `value` quoted, if it needs it, for a key=value connection string.
    public static func quote(_ value: String) -> String { Conninfo.quote(value) }
}
