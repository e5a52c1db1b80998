import Foundation

/// Everything that can go wrong talking to PostgreSQL. Every message is redacted:
/// it never contains the password or the full connection string.
public struct PostgresError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable, CaseIterable {
        /// The server could not be reached, or the connection broke.
        case connection
        /// Nothing accepts connections at the address (connection refused).
        case refused
        /// Something in front of the server (a pooler such as PgBouncer) refused a startup
        /// parameter libpq sent, e.g. `options`.
        case rejectedStartupParameter
        /// The server refused the user or the password.
        case authentication
        /// Connecting or a query took longer than allowed (client deadline,
        /// statement_timeout 57014, lock_timeout 55P03).
        case timeout
        /// The server rejected a statement.
        case query
        /// The server answered something this client does not handle (COPY, …).
        case protocolError
        /// The connection string itself is wrong.
        case configuration
        /// libpq itself could not be loaded (not installed, or too old).
        case clientLibrary
    }

    public let kind: Kind
    /// A `.timeout` that gitgate's own deadline raised mid-query (the server stopped answering),
    /// as opposed to the server's statement or lock timeout or libpq's connect timeout.
    public internal(set) var isClientDeadline = false
    public let sqlState: String?
    /// The primary message (libpq's or the server's), redacted, on one line.
    public let message: String
    public let detail: String?
    public let hint: String?
    /// Where in the statement the error is, in characters, 1-based.
    public let position: Int?
    /// The connection target as `user@host:port/db`, without password.
    public let target: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil,
        hint: String? = nil, position: Int? = nil, target: String? = nil
    ) {
        self.kind = kind
        self.message = Self.oneLine(message)
        self.sqlState = sqlState
        self.detail = detail.map(Self.oneLine)
        self.hint = hint.map(Self.oneLine)
        self.position = position
        self.target = target
    }

    public var description: String {
        let to = target.map { " to \($0)" } ?? ""
        switch kind {
        case .connection:
            let advice = message.contains("does not exist")
                ? "Check the database name in the URL."
                : "Check that the server is running and the URL points at it."
            return sentence("could not connect\(to): \(message)", advice)
        case .refused:
            return sentence(
                "could not connect\(to): \(message)",
                "Nothing listens there: check that the server is running and the host and port in the URL.")
        case .rejectedStartupParameter:
            return sentence(
                "the connection\(to) was refused at startup: \(message)",
                "A connection pooler (PgBouncer) refuses startup parameters it does not track; remove `options` from the URL and PGOPTIONS.")
        case .authentication:
            return sentence(
                "authentication failed\(to): \(message)",
                "Check the user and the password (~/.pgpass, PGPASSWORD or the URL's environment variable).")
        case .timeout where sqlState != nil:
            return sentence("\(message) [SQLSTATE \(sqlState!)]\(extras)", "Retry when the database is less busy, or raise the timeout.")
        case .timeout:
            let advice = message.contains("query")
                ? "Retry when the database is less busy, or raise the timeout."
                : "Check that the host and port reach PostgreSQL (a firewall that drops packets looks like this)."
            return sentence("timed out\(target.map { " talking to \($0)" } ?? ""): \(message)", advice)
        case .query:
            return "\(message)\(sqlState.map { " [SQLSTATE \($0)]" } ?? "")\(extras)"
        case .protocolError:
            return "unexpected answer from the server\(target.map { " at \($0)" } ?? ""): \(message)"
        case .clientLibrary:
            return sentence(
                "the PostgreSQL client library is unusable: \(message)",
                "Install libpq 15 or later (Debian/Ubuntu: apt install libpq5).")
        case .configuration:
            return sentence(
                "invalid connection string: \(message)",
                "Fix the target's URL (https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-CONNSTRING).")
        }
    }

    /// "what happened. What to do.", without doubling libpq's own final punctuation.
    private func sentence(_ what: String, _ advice: String) -> String {
        let stop = what.last.map { ".?!".contains($0) } ?? false
        return "\(what)\(stop ? "" : ".") \(advice)"
    }

    private var extras: String {
        var text = ""
        if let position { text += " at character \(position)" }
        if let detail { text += "; \(detail)" }
        if let hint { text += "; hint: \(hint)" }
        return text
    }

    /// libpq messages end in newlines, indent continuation lines with tabs, and give one line
    /// per host and address tried: one line that keeps those breaks readable. A continuation
    /// ends the sentence before it; each further line follows after "; ".
    static func oneLine(_ text: String) -> String {
        var joined = ""
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
                .replacingOccurrences(of: ":  ", with: ": ")  // "FATAL:  …"
            guard !line.isEmpty else { continue }
            if joined.isEmpty {
                joined = line
            } else if raw.first == "\t" || raw.first == " " {
                let stop = joined.last.map { ".?!:;".contains($0) } ?? true
                joined += (stop ? " " : ". ") + line
            } else {
                joined += "; " + line
            }
        }
        return joined
    }
}

extension PostgresError.Kind {
    /// The kind a server error belongs to, from its SQLSTATE.
    init(sqlState: String?) {
        guard let sqlState else { self = .query; return }
        switch sqlState {
        case "57014", "55P03": self = .timeout
        case "57P01", "57P02", "57P03": self = .connection
        case _ where sqlState.hasPrefix("08"): self = .connection
        case _ where sqlState.hasPrefix("28"): self = .authentication
        default: self = .query
        }
    }

    /// The kind of a failed connection attempt, from libpq's (unstructured) message.
    init(connectionMessage message: String) {
        // libpq 15 reports each host and address it tried on a line of its own
        // ("connection to server at … failed: …"): the kind is what every attempt says.
        let text = message.lowercased()
        let attempts = text.components(separatedBy: "connection to server ").dropFirst().map { String($0) }
        let kinds = Set((attempts.isEmpty ? [text] : attempts).map(Self.attemptKind))
        self = kinds.count == 1 ? kinds.first! : (kinds.contains(.authentication) ? .authentication : .connection)
        if text.hasPrefix("invalid ") || text.contains("connection option") || text.contains(" in uri")
            || text.contains("connection info string") || text.contains("service file") || text.contains("definition of service")
        {
            self = .configuration
        }
    }

    private static func attemptKind(_ text: String) -> Self {
        let authentication = [
            "authentication failed", "no password supplied", "no pg_hba.conf entry",
            "password is required", "server requested", "scram",
        ]
        if text.contains("timeout expired") { return .timeout }
        if text.contains("unsupported startup parameter") { return .rejectedStartupParameter }
        if authentication.contains(where: text.contains) || text.contains("role \"") { return .authentication }
        if text.contains("connection refused") || text.contains("no such file or directory") { return .refused }
        return .connection
    }
}
