import Foundation
import Postgres

/// One session on a target for `apply` and `record`: the only place gitgate opens a writable
/// connection. Bookkeeping queries are bounded by the target's check timeouts; migrations are
/// not (a migration may legitimately run for hours: the server's statement_timeout bounds it).
final class TargetSession {
    let target: Target
    let connection: Connection

    /// Client-side deadline for a migration's statements: long, not infinite, so a vanished
    /// server eventually ends the wait.
    static let migrationDeadline: Duration = .seconds(7 * 24 * 3600)

    init(_ target: Target, readOnly: Bool, environment: [String: String]) throws {
        self.target = target
        connection = try TargetConnection.open(target, readOnly: readOnly, environment: environment)
    }

    /// `user@host:port/db`, never a password.
    var place: String { connection.described }
    var serverVersion: Int { connection.serverVersion }

    private var bookkeepingDeadline: Duration { .milliseconds(target.statementTimeoutMs + 5_000) }

    /// Runs gitgate's own statements (`;`-separated, one round trip) and returns the last result's rows.
    @discardableResult
    func rows(_ sql: String) throws -> [[String?]] {
        do {
            return try connection.batch(sql, timeout: bookkeepingDeadline).last?.rows ?? []
        } catch let error as PostgresError {
            throw TargetConnection.describe(error, target: target)
        }
    }

    /// Like `rows`, but a statement's error is returned rather than thrown (connection failures still throw).
    func attempt(_ sql: String, deadline: Duration? = nil) throws -> (results: [QueryResult], error: PostgresError?) {
        do {
            return try connection.batchUntilError(sql, timeout: deadline ?? bookkeepingDeadline)
        } catch let error as PostgresError {
            throw TargetConnection.describe(error, target: target)
        }
    }

    /// Ends whatever transaction a failure left open; the session stays usable when it can.
    func rollback() {
        if connection.transactionStatus == .inTransaction || connection.transactionStatus == .inError {
            _ = try? connection.batchUntilError("ROLLBACK", timeout: bookkeepingDeadline)
        }
    }

    /// `false` when the session lost its connection: then the server has rolled back and unlocked.
    var isUsable: Bool { connection.transactionStatus != .unknown }
}

/// The OS user running gitgate, for the ledger.
func currentOSUser(environment: [String: String]) -> String? {
    let name = NSUserName()
    if !name.isEmpty { return name }
    return environment["USER"] ?? environment["LOGNAME"]
}
