import Foundation
import Postgres
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// One database (or one schema of a database) of a fleet, with the name output and
/// `--member` use. Never holds a password in `name`.
public struct Member: Sendable, Equatable {
    public var name: String
    public var connection: ConnectionSource
    /// A database on the control database's server, used instead of the URL's.
    public var database: String?
    /// The schema its objects and ledger resolve in (a fleet of schemas).
    public var schema: String?

    public init(name: String, connection: ConnectionSource, database: String? = nil, schema: String? = nil) {
        self.name = name
        self.connection = connection
        self.database = database
        self.schema = schema
    }
}

extension Target {
    /// The single-database target that stands for `member`: the fleet's timeouts and gate, the member's connection.
    public func member(_ member: Member) -> Target {
        var target = self
        target.fleet = nil
        target.member = member.name
        target.connection = member.connection
        target.database = member.database
        target.schema = member.schema
        return target
    }
}

/// Finds a fleet's members: the configured lines as they are, or the rows of its `discover` or
/// `schemas` query on the target's url. Anything but a clean list of distinct names is an
/// error: a fleet that checks nothing must never pass.
public enum FleetMembers {
    public static func resolve(_ target: Target, environment: [String: String]) throws -> [Member] {
        guard let fleet = target.fleet else {
            return [Member(name: target.name, connection: target.connection)]
        }
        var members: [Member]
        switch fleet.source {
        case .urls(let sources):
            members = sources.map { source in
                Member(name: label(source, environment: environment) ?? source.description, connection: source)
            }
        case .services(let names):
            members = names.map { Member(name: $0, connection: .service($0)) }
        case .discover(let sql):
            let rows = try run(sql, key: "discover", target: target, environment: environment)
            let server = (label(target.connection, environment: environment) ?? target.connection.description)
                .split(separator: "/").first.map(String.init) ?? target.name
            members = rows.map { value in
                if value.contains("=") || value.contains("://") {
                    let source = ConnectionSource.conninfo(value)
                    return Member(name: ConninfoLabel.hostAndDatabase(value) ?? source.description, connection: source)
                }
                return Member(name: server + "/" + value, connection: target.connection, database: value)
            }
        case .schemas(let sql):
            members = try run(sql, key: "schemas", target: target, environment: environment).map {
                Member(name: $0, connection: target.connection, schema: $0)
            }
        }
        var seen: [String: Int] = [:]
        for (index, member) in members.enumerated() {
            if let earlier = seen[member.name] {
                throw GitGateError(.configuration, "target \(target.name): members \(earlier + 1) and \(index + 1) are both \(member.name); each database (or schema) may be listed once: fix \(source(fleet))")
            }
            seen[member.name] = index
        }
        return members
    }

    /// `members` narrowed to `names` (`--member`); every name must be one of them.
    public static func select(_ members: [Member], names: [String], target: Target) throws -> [Member] {
        guard !names.isEmpty else { return members }
        let known = Set(members.map(\.name))
        if let unknown = names.first(where: { !known.contains($0) }) {
            let some = members.prefix(3).map(\.name).joined(separator: ", ")
            throw GitGateError(.usage, "target \(target.name) has no member \(unknown) (it has \(members.count): \(some)\(members.count > 3 ? ", …" : "")); pass a name gitgate status shows")
        }
        let wanted = Set(names)
        return members.filter { wanted.contains($0.name) }
    }

    package static func source(_ fleet: Fleet) -> String {
        switch fleet.source {
        case .urls: return "the url lines"
        case .services: return "the service lines"
        case .discover: return "the discover query"
        case .schemas: return "the schemas query"
        }
    }

    /// `host/db` of a configured source; nil when it cannot be read (an unset variable, a service).
    package static func label(_ source: ConnectionSource, environment: [String: String]) -> String? {
        switch source {
        case .service(let name): return name
        case .environment, .conninfo:
            guard let conninfo = try? source.resolve(target: "", environment: environment) else { return nil }
            return ConninfoLabel.hostAndDatabase(conninfo)
        }
    }

    /// The query's one column, every row: read-only, with the target's timeouts.
    package static func run(_ sql: String, key: String, target: Target, environment: [String: String]) throws -> [String] {
        let control = Target(name: target.name, connection: target.connection, gate: target.gate, connectTimeout: target.connectTimeout,
                             statementTimeoutMs: target.statementTimeoutMs, lockTimeoutMs: target.lockTimeoutMs)
        let connection = try TargetConnection.open(control, environment: environment)
        let (results, error) = try TargetConnection.read(connection, sql, target: control)
        let fix = "fix gitgate.\(target.name).\(key) in main's .gitgate"
        if let error {
            let code = error.sqlState.map { " [\($0)]" } ?? ""
            if error.kind == .timeout || error.sqlState == nil {
                throw TargetConnection.describe(error, target: control)
            }
            throw GitGateError(.target, "target \(target.name): the \(key) query failed: \(error.message)\(code); \(fix)")
        }
        guard results.count == 1, let result = results.first else {
            throw GitGateError(.configuration, "target \(target.name): the \(key) query is \(results.count) statements; \(fix) to one SELECT")
        }
        guard result.columns.count == 1 else {
            throw GitGateError(.configuration, "target \(target.name): the \(key) query returns \(result.columns.count) columns; \(fix) to return one (\(key == "schemas" ? "a schema name" : "a connection string or a database name")) per row")
        }
        guard !result.rows.isEmpty else {
            throw GitGateError(.configuration, "target \(target.name): the \(key) query returned no \(key == "schemas" ? "schemas" : "databases"), and a fleet with no members proves nothing; \(fix), or check that the control database lists them")
        }
        var values: [String] = []
        values.reserveCapacity(result.rows.count)
        for (index, row) in result.rows.enumerated() {
            guard let value = row[0]?.trimmingCharacters(in: .whitespaces), !value.isEmpty else {
                throw GitGateError(.configuration, "target \(target.name): the \(key) query's row \(index + 1) is \(row[0] == nil ? "NULL" : "empty"); \(fix) to leave such rows out (WHERE … IS NOT NULL)")
            }
            values.append(value)
        }
        return values
    }
}
