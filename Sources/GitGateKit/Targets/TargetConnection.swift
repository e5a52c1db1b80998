import Postgres

/// Connecting to a target, and turning libpq's failures into one line a person can act on.
/// Every message goes through the Postgres module's redaction: no password, no full URI.
enum TargetConnection {
    /// A read-only session with the target's timeouts (and no JIT), set in the startup packet.
    static func open(_ target: Target, readOnly: Bool = true, statementTimeoutMs: Int? = nil, lockTimeoutMs: Int? = nil,
                     environment: [String: String]) throws -> Connection {
        let conninfo = try target.connection.resolve(target: target.name, environment: environment)
        var options = Connection.Options()
        options.connectTimeout = target.connectTimeout
        options.readOnly = readOnly
        options.statementTimeoutMs = statementTimeoutMs ?? target.statementTimeoutMs
        options.lockTimeoutMs = lockTimeoutMs ?? target.lockTimeoutMs
        // The check's one query has thousands of small catalog lookups: its estimated cost makes
        // the server compile it with LLVM, which took longer than running it (0.6 s of 0.9 s).
        if readOnly { options.settings["jit"] = "off" }
        do {
            return try Connection(conninfo, options: options)
        } catch let error as PostgresError {
            throw describe(error, target: target)
        }
    }

    /// "target production (app@db.example.com:5432/app): <what libpq said>; <what to do>"
    static func describe(_ error: PostgresError, target: Target) -> GitGateError {
        let place = error.target.map { " (\($0))" } ?? " (\(target.connection))"
        var hint: String
        switch (error.kind, error.sqlState) {
        case (.timeout, "55P03"?):
            hint = "a lock held by another session blocked the check; retry when it is released, or raise gitgate.\(target.name).lockTimeout"
        case (.timeout, "57014"?):
            hint = "the check took longer than gitgate.\(target.name).statementTimeout; retry, or raise it"
        case (.timeout, _):
            hint = "the server did not answer in time: the database's trusted sources (firewall, allow-list) may not include this machine's address"
        case (.authentication, _):
            hint = "check the user and the password in ~/.pgpass, PGPASSWORD or the variable in gitgate.\(target.name).url"
        case (_, "42501"?):
            hint = "the user may read neither the ledger nor the catalog: GRANT USAGE ON SCHEMA and SELECT on the ledger table to it"
        case (.connection, _):
            hint = "is the server up and reachable from here? A cloud database may need this machine's address in its trusted sources"
        case (.configuration, _):
            hint = "fix gitgate.\(target.name).url (env:VAR, service=NAME, or a URI without a password)"
        default:
            hint = "run gitgate doctor for details"
        }
        if let extra = error.hint, !extra.isEmpty { hint = extra + "; " + hint }
        let code = error.sqlState.map { " [\($0)]" } ?? ""
        return GitGateError(.target, "target \(target.name)\(place): \(error.message)\(code); \(hint)")
    }
}
