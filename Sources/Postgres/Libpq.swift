internal import CLibPQ
import Foundation

/// Facts about libpq itself and helpers that need no open connection.
public enum Libpq {
    /// libpq's version as a number: 150004 for 15.4.
    public static var version: Int { Int(PQlibVersion()) }

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
        let result = withCStringArray(["dbname", "connect_timeout"]) { keywords in
            withCStringArray([conninfo, String(connectTimeout)]) { values in PQpingParams(keywords, values, 1) }
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
