import Foundation
import GitGateLint

/// A database that gitgate checks, and maybe gates merges on: `[gitgate "production"]`.
public struct Target: Sendable, Equatable {
    public var name: String
    public var connection: ConnectionSource
    /// Merges into main wait for this target.
    public var gate: Bool
    /// Seconds libpq waits for a connection (libpq treats less than 2 as 2).
    public var connectTimeout: Int
    /// Bounds on every check query, so a locked catalog or silent server ends in exit 2.
    public var statementTimeoutMs: Int
    public var lockTimeoutMs: Int
    /// Bounds on each migration's statements during `gitgate apply`.
    public var applyStatementTimeoutMs: Int
    public var applyLockTimeoutMs: Int

    public init(name: String, connection: ConnectionSource, gate: Bool = true, connectTimeout: Int = 10,
                statementTimeoutMs: Int = 5_000, lockTimeoutMs: Int = 2_000,
                applyStatementTimeoutMs: Int = 0, applyLockTimeoutMs: Int = 5_000) {
        self.name = name
        self.connection = connection
        self.gate = gate
        self.connectTimeout = connectTimeout
        self.statementTimeoutMs = statementTimeoutMs
        self.lockTimeoutMs = lockTimeoutMs
        self.applyStatementTimeoutMs = applyStatementTimeoutMs
        self.applyLockTimeoutMs = applyLockTimeoutMs
    }
}

/// Where a target's connection string comes from. Never holds a password from `.gitgate`.
public enum ConnectionSource: Sendable, Equatable, CustomStringConvertible {
    /// `env:DATABASE_URL`: the connection string is in an environment variable.
    case environment(String)
    /// `service=NAME`: a section of pg_service.conf.
    case service(String)
    /// A URI or `key=value` string without a password (`~/.pgpass` or `PGPASSWORD` supply it).
    case conninfo(String)

    public init(parsing value: String) {
        let trimmed = value.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("env:") {
            self = .environment(String(trimmed.dropFirst(4)))
        } else if trimmed.hasPrefix("service="), !trimmed.contains(" ") {
            self = .service(String(trimmed.dropFirst("service=".count)))
        } else {
            self = .conninfo(trimmed)
        }
    }

    /// Safe to print: names the source, never its secret.
    public var description: String {
        switch self {
        case .environment(let name): return "env:\(name)"
        case .service(let name): return "service=\(name)"
        case .conninfo(let value): return ConnectionSource.hidePassword(in: value)
        }
    }

    /// The libpq connection string. Throws when an environment variable is unset or empty.
    public func resolve(target: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> String {
        switch self {
        case .environment(let name):
            guard let value = environment[name], !value.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw GitGateError(.target, "target \(target): environment variable \(name) is not set; export it with the database URL, or change gitgate.\(target).url")
            }
            return value
        case .service(let name):
            return "service=\(name)"
        case .conninfo(let value):
            return value
        }
    }

    /// True when a conninfo string carries a literal password: `user:secret@` in a URI or a
    /// `password=` keyword.
    public static func containsPassword(_ value: String) -> Bool {
        if let scheme = value.range(of: "://") {
            let rest = value[scheme.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            if let at = authority.lastIndex(of: "@"), authority[..<at].contains(":") { return true }
            if let query = rest.firstIndex(of: "?") {
                let parameters = rest[rest.index(after: query)...].split(separator: "&")
                return parameters.contains { $0.lowercased().hasPrefix("password=") }
            }
            return false
        }
        return value.range(of: #"(^|\s)password\s*="#, options: [.regularExpression, .caseInsensitive]) != nil
    }

    /// Replaces a literal password with `***`, for messages.
    public static func hidePassword(in value: String) -> String {
        var result = value
        if let scheme = result.range(of: "://") {
            let authorityEnd = result[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? result.endIndex
            let authority = result[scheme.upperBound..<authorityEnd]
            if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
                result.replaceSubrange(result.index(after: colon)..<at, with: "***")
            }
        }
        return result.replacingOccurrences(
            of: #"(password\s*=\s*)('(\\.|[^'])*'|[^\s&]*)"#, with: "$1***",
            options: [.regularExpression, .caseInsensitive])
    }
}
