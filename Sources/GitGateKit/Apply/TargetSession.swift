import Foundation
import Postgres
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// One session on a target for `apply` and `record`: the only place gitgate opens a writable
/// connection. Bookkeeping queries are bounded by the target's check timeouts; migrations are
/// not (a migration may legitimately run for hours: the server's statement_timeout bounds it).
package final class TargetSession {
    package let target: Target
    package let connection: Connection
    /// A reading session runs each call as one read-only transaction (`TargetConnection.read`),
    /// so it works through a pooler; a writing one is a session of its own (`openSession`).
    package let readOnly: Bool

    /// Client-side deadline for a migration's statements: long, not infinite, so a vanished
    /// server eventually ends the wait.
    package static let migrationDeadline: Duration = .seconds(7 * 24 * 3600)

    package init(_ target: Target, readOnly: Bool, environment: [String: String]) throws {
        self.target = target
        self.readOnly = readOnly
        connection = readOnly ? try TargetConnection.open(target, environment: environment)
                              : try TargetConnection.openSession(target, environment: environment)
    }

    /// `user@host:port/db`, never a password.
    package var place: String { connection.described }
    package var serverVersion: Int { connection.serverVersion }

    /// Session settings each migration (or rollback) starts from: whatever an earlier file SET is
    /// undone, and (PostgreSQL 14+) the server checks every second that gitgate is still there, so
    /// a killed run releases its lock and rolls back promptly even inside a long statement.
    package func fresh(searchPath: String?) -> String {
        "RESET ALL; " + (searchPath.map { "SET search_path = \($0); " } ?? "")
            + (serverVersion >= 140_000 ? "SET client_connection_check_interval = 1000; " : "")
    }

    /// The target's apply timeouts, `SET` or `SET LOCAL`.
    package func applyTimeouts(_ scope: String) -> String {
        "\(scope) lock_timeout = \(target.applyLockTimeoutMs); \(scope) statement_timeout = \(target.applyStatementTimeoutMs)"
    }

    private var bookkeepingDeadline: Duration { .milliseconds(target.statementTimeoutMs + 5_000) }

    /// Runs gitgate's own statements (`;`-separated, one round trip) and returns the last result's rows.
    @discardableResult
    package func rows(_ sql: String) throws -> [[String?]] {
        if readOnly {
            let (results, error) = try TargetConnection.read(connection, sql, target: target)
            if let error { throw TargetConnection.describe(error, target: target) }
            return results.last?.rows ?? []
        }
        do {
            return try connection.batch(sql, timeout: bookkeepingDeadline).last?.rows ?? []
        } catch let error as PostgresError {
            throw TargetConnection.describe(error, target: target)
        }
    }

    /// Like `rows`, but a statement's error is returned rather than thrown (connection failures still throw).
    package func attempt(_ sql: String, deadline: Duration? = nil) throws -> (results: [QueryResult], error: PostgresError?) {
        if readOnly { return try TargetConnection.read(connection, sql, target: target, deadline: deadline) }
        do {
            return try connection.batchUntilError(sql, timeout: deadline ?? bookkeepingDeadline)
        } catch let error as PostgresError {
            throw TargetConnection.describe(error, target: target)
        }
    }

    /// Ends whatever transaction a failure left open; the session stays usable when it can.
    package func rollback() {
        if connection.transactionStatus == .inTransaction || connection.transactionStatus == .inError {
            _ = try? connection.batchUntilError("ROLLBACK", timeout: bookkeepingDeadline)
        }
    }

    /// `false` when the session lost its connection: then the server has rolled back and unlocked.
    package var isUsable: Bool { connection.transactionStatus != .unknown }
}

/// The OS user running gitgate, for the ledger.
package func currentOSUser(environment: [String: String]) -> String? {
    let name = NSUserName()
    if !name.isEmpty { return name }
    return environment["USER"] ?? environment["LOGNAME"]
}
