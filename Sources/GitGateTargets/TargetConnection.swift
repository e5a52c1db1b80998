import Postgres
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// Connecting to a target, and turning libpq's failures into one line a person can act on.
/// Every message goes through the Postgres module's redaction: no password, no full URI.
///
/// Two kinds of session. Reading (check, status, lint --target, doctor, apply's plan) sends
/// nothing in the startup packet beyond what the URL says, and runs each read as one
/// `BEGIN READ ONLY` transaction that sets its own limits with `SET LOCAL`: it works through
/// PgBouncer in transaction or session pooling, and leaves no session state a pooler could
/// hand to another client. Writing (apply, record) needs a session of its own for the apply
/// lock: its settings travel in the startup packet, and it refuses to go on unless the server
/// session proves it received them (a pooler refuses or drops `options`).
package enum TargetConnection {
    /// A connection for `read`: libpq's own parameters only (the URL's connect_timeout,
    /// hosts, target_session_attrs, service), gitgate's connectTimeout when the URL sets none.
    package static func open(_ target: Target, environment: [String: String]) throws -> Connection {
        let conninfo = try target.connection.resolve(target: target.name, environment: environment)
        var options = Connection.Options()
        options.connectTimeout = target.connectTimeout
        options.database = target.database
        // Read-only, the timeouts and jit are set in each transaction (`read`), not at startup.
        options.readOnly = false
        do {
            return try Connection(conninfo, options: options)
        } catch let error as PostgresError {
            throw describe(error, target: target)
        }
    }

    /// What `read` puts before the caller's statements: one result each.
    package static func readPrefix(_ target: Target, statementTimeoutMs: Int? = nil) -> [String] {
        [
            "BEGIN READ ONLY",
            "SET LOCAL statement_timeout = \(statementTimeoutMs ?? target.statementTimeoutMs)",
            "SET LOCAL lock_timeout = \(target.lockTimeoutMs)",
            // The check's one query has thousands of small catalog lookups: its estimated cost makes
            // the server compile it with LLVM, which took longer than running it (0.6 s of 0.9 s).
            "SET LOCAL jit = off",
        ] + (target.schema.map { ["SET LOCAL search_path = \(Expectations.quoteIdent($0))"] } ?? [])
    }

    /// Runs `sql` (`;`-separated, gitgate's own) in one read-only transaction with the target's
    /// statement and lock timeouts and no JIT, in one round trip. Returns the results of `sql`'s
    /// statements and, like `Connection.batchUntilError`, the first statement error (the
    /// transaction is then rolled back). Connection failures throw, described.
    package static func read(_ connection: Connection, _ sql: String, target: Target, statementTimeoutMs: Int? = nil,
                     deadline: Duration? = nil) throws -> (results: [QueryResult], error: PostgresError?) {
        var body = Substring(sql)
        while let last = body.last, last.isWhitespace || last == ";" { body = body.dropLast() }
        let prefix = readPrefix(target, statementTimeoutMs: statementTimeoutMs)
        let text = prefix.joined(separator: "; ") + ";\n" + body + ";\nCOMMIT"
        // The server's statement_timeout bounds each query; this deadline also covers a server that stops answering.
        let limit = deadline ?? .milliseconds((statementTimeoutMs ?? target.statementTimeoutMs) + 5_000)
        let (results, error): ([QueryResult], PostgresError?)
        do {
            (results, error) = try connection.batchUntilError(text, timeout: limit)
        } catch let failure as PostgresError {
            throw describe(failure, target: target)
        }
        if error != nil, connection.transactionStatus == .inError || connection.transactionStatus == .inTransaction {
            // Hand a pooler back a server with no open transaction.
            _ = try? connection.batchUntilError("ROLLBACK", timeout: .seconds(5))
        }
        if let error, results.count < prefix.count { throw describe(error, target: target) }
        guard results.count >= prefix.count + (error == nil ? 1 : 0) else {
            throw GitGateError(.target, "target \(target.shown) (\(connection.described)): the server answered \(results.count) results to a read-only transaction; run gitgate doctor")
        }
        var mine = Array(results.dropFirst(prefix.count))
        if error == nil { mine.removeLast() }  // COMMIT's
        return (mine, error)
    }

    /// A session for apply and record, with the target's timeouts in the startup packet and a
    /// random token beside them; the session must show the token back, or it is not ours alone.
    package static func openSession(_ target: Target, environment: [String: String]) throws -> Connection {
        if let schema = target.schema {
            // Its ledger and objects resolve through search_path, which a writing session would have to carry at startup.
            throw GitGateError(.refused, "target \(target.shown): gitgate writes to one schema of a database only through its own ledger, which a fleet of schemas cannot use; apply to schema \(schema) with the ledger's own tool")
        }
        let conninfo = try target.connection.resolve(target: target.name, environment: environment)
        var options = Connection.Options()
        options.connectTimeout = target.connectTimeout
        options.readOnly = false
        options.database = target.database
        options.statementTimeoutMs = target.statementTimeoutMs
        options.lockTimeoutMs = target.lockTimeoutMs
        let token = String(UInt64.random(in: 1...UInt64.max), radix: 16)
        options.settings[sessionSetting] = token
        let connection: Connection
        do {
            connection = try Connection(conninfo, options: options)
        } catch let error as PostgresError where error.kind == .rejectedStartupParameter {
            throw pooled(target, place: error.target, because: "it refused the startup parameter that carries gitgate's session settings (\(error.message))")
        } catch let error as PostgresError {
            throw describe(error, target: target)
        }
        let seen: String?
        do {
            seen = try connection.query("SELECT pg_catalog.current_setting($1, true) AS token", [sessionSetting],
                                        timeout: .milliseconds(target.statementTimeoutMs + 5_000))[0, "token"]
        } catch let error as PostgresError {
            throw describe(error, target: target)
        }
        guard seen == token else {
            throw pooled(target, place: connection.described, because: "the server session did not receive the settings gitgate sent at connect (PgBouncer's ignore_startup_parameters drops them)")
        }
        return connection
    }

    /// The placeholder setting that carries the session token.
    package static let sessionSetting = "gitgate.session"

    package static func pooled(_ target: Target, place: String?, because reason: String) -> GitGateError {
        GitGateError(.refused, "target \(target.shown)\(place.map { " (\($0))" } ?? ""): a connection pooler stands between gitgate and the server: \(reason); apply and record hold a session-level advisory lock, which a pooler in transaction mode can hand to another client, so they need the server's own port: run them with a URL that does not go through the pooler (status, check and lint --target work through it)")
    }

    /// "target production (app@db.example.com:5432/app): <what libpq said>; <what to do>"
    package static func describe(_ error: PostgresError, target: Target) -> GitGateError {
        let place = error.target.map { " (\($0))" } ?? " (\(target.connection))"
        var hint: String
        switch (error.kind, error.sqlState) {
        case (.timeout, "55P03"?):
            hint = "a lock held by another session blocked the check; retry when it is released, or raise gitgate.\(target.name).lockTimeout"
        case (.timeout, "57014"?):
            hint = "the check took longer than gitgate.\(target.name).statementTimeout; retry, or raise it"
        case (.timeout, _) where error.isClientDeadline:
            hint = "the server stopped answering mid-query; retry, and check the server's health"
        case (.timeout, _):
            hint = "the server did not answer in time: the database's trusted sources (firewall, allow-list) may not include this machine's address"
        case (.refused, _):
            hint = "nothing accepts connections there: is the server up, and are the host and port right?"
        case (.rejectedStartupParameter, _):
            hint = "a connection pooler (PgBouncer) refuses startup parameters it does not track: remove `options` from gitgate.\(target.name).url and unset PGOPTIONS"
        case (.authentication, _):
            hint = "check the user and the password in ~/.pgpass, PGPASSWORD or the variable in gitgate.\(target.name).url"
        case (_, "42501"?):
            hint = "the user may read neither the ledger nor the catalog: GRANT USAGE ON SCHEMA and SELECT on the ledger table to it"
        case (.connection, _):
            hint = "is the server up and reachable from here? A cloud database may need this machine's address in its trusted sources"
        case (.clientLibrary, _):
            hint = "install libpq 15 or later (Debian/Ubuntu: apt install libpq5)"
        case (.configuration, _):
            hint = "fix gitgate.\(target.name).url (env:VAR, service=NAME, or a URI without a password)"
        default:
            hint = "run gitgate doctor for details"
        }
        if let extra = error.hint, !extra.isEmpty { hint = extra + "; " + hint }
        let code = error.sqlState.map { " [\($0)]" } ?? ""
        return GitGateError(.target, "target \(target.shown)\(place): \(error.message)\(code); \(hint)")
    }
}
