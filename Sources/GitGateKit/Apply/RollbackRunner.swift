import Postgres
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// Runs one migration's rollback on a session that holds the apply lock, and removes its ledger row.
///
/// In a transaction: `BEGIN; SET LOCAL` the apply timeouts, the down SQL, the DELETE of the ledger
/// row, `COMMIT`: database and ledger change together or not at all (a killed gitgate makes the
/// server roll back). Statement by statement (DROP INDEX CONCURRENTLY, `-- gitgate:no-transaction`):
/// each statement in autocommit, the row removed only after the last one succeeded.
package struct RollbackRunner {
    package let session: TargetSession
    package var searchPath: String?
    package var allowDataLoss: Bool

    private var target: Target { session.target }
    private var connection: Connection { session.connection }



    private func deleteRow(_ migration: Migration) -> String {
        "DELETE FROM gitgate.migrations WHERE version = \(sqlLiteral(migration.version)) AND checksum = \(sqlLiteral(migration.checksum)) RETURNING version"
    }

    /// The milliseconds it took; nil when the ledger no longer had it (nothing was run).
    package func run(_ rollback: MigrationRollback) throws -> Result<Int?, ApplyFailure> {
        let prepared: PreparedMigration
        switch PreparedMigration.prepare(rollback.asMigration, serverVersion: session.serverVersion) {
        case .success(let ready): prepared = ready
        case .failure(let refusal): return .failure(failure(rollback, line: nil, message: refusal.message, consequence: "nothing of it was run"))
        }
        // Under the lock: is it still there?
        let still = try session.rows("SELECT 1 FROM gitgate.migrations WHERE version = \(sqlLiteral(rollback.migration.version))")
        if still.isEmpty { return .success(nil) }
        return prepared.isTransactional ? try inTransaction(rollback, prepared) : try statements(rollback, prepared)
    }

    private func inTransaction(_ rollback: MigrationRollback, _ prepared: PreparedMigration) throws -> Result<Int?, ApplyFailure> {
        try session.rows(session.fresh(searchPath: searchPath) + "BEGIN; " + session.applyTimeouts("SET LOCAL"))
        let started = ContinuousClock.now
        // Rows may have arrived since the plan: checked again inside the transaction.
        if let loss = try dataLoss(rollback) {
            session.rollback()
            return .failure(failure(rollback, line: nil, message: "would delete data: \(loss)",
                                    consequence: "nothing of it was run; back it up, then pass --allow-data-loss"))
        }
        let outcome: (results: [QueryResult], error: PostgresError?)
        do {
            outcome = try connection.batchUntilError(prepared.text, timeout: TargetSession.migrationDeadline)
        } catch let error as PostgresError {
            return .failure(lost(error, rollback, consequence: "the server rolls the transaction back: nothing of it was undone and its ledger row stays; run gitgate rollback again"))
        }
        if let error = outcome.error {
            session.rollback()
            let line = error.position.map { PreparedMigration.line(ofPosition: $0, in: prepared.text) }
                ?? prepared.statements.dropFirst(outcome.results.count).first?.line
            return .failure(failure(rollback, error: error, line: line, consequence: "rolled back: nothing of it was undone and its ledger row stays"))
        }
        return try finish(rollback, started: started, commit: true)
    }

    private func statements(_ rollback: MigrationRollback, _ prepared: PreparedMigration) throws -> Result<Int?, ApplyFailure> {
        if let loss = try dataLoss(rollback) {
            return .failure(failure(rollback, line: nil, message: "would delete data: \(loss)",
                                    consequence: "nothing of it was run; back it up, then pass --allow-data-loss"))
        }
        try session.rows(session.fresh(searchPath: searchPath) + session.applyTimeouts("SET"))
        let started = ContinuousClock.now
        let count = prepared.statements.count
        for (index, statement) in prepared.statements.enumerated() {
            let ran = index == 0 ? "nothing of it ran; its ledger row stays"
                : "statements 1–\(index) of \(count) ran and stay (it runs outside a transaction); its ledger row stays"
            let outcome: (results: [QueryResult], error: PostgresError?)
            do {
                outcome = try connection.batchUntilError(statement.text, timeout: TargetSession.migrationDeadline)
            } catch let error as PostgresError {
                return .failure(lost(error, rollback, consequence: "\(ran); statement \(index + 1) may have run or not; check with gitgate status"))
            }
            if let error = outcome.error {
                session.rollback()
                return .failure(failure(rollback, error: error, line: statement.line, consequence: ran))
            }
        }
        return try finish(rollback, started: started, commit: false)
    }

    /// Removes the ledger row (in the open transaction when `commit`); it must be exactly the one applied.
    private func finish(_ rollback: MigrationRollback, started: ContinuousClock.Instant, commit: Bool) throws -> Result<Int?, ApplyFailure> {
        let ms = milliseconds(since: started)
        let sql = commit ? "RESET ROLE; \(deleteRow(rollback.migration))" : "RESET ALL; RESET ROLE; \(deleteRow(rollback.migration))"
        let outcome: (results: [QueryResult], error: PostgresError?)
        do {
            outcome = try connection.batchUntilError(sql, timeout: .milliseconds(target.statementTimeoutMs + 60_000))
        } catch let error as PostgresError {
            return .failure(lost(error, rollback, consequence: commit
                ? "it is either rolled back with its ledger row removed, or neither; run gitgate status to see"
                : "it ran, but its ledger row may remain; run gitgate status"))
        }
        if let error = outcome.error {
            session.rollback()
            return .failure(failure(rollback, error: error, line: nil, consequence: commit
                ? "rolled back: nothing of it was undone and its ledger row stays"
                : "it ran (outside a transaction) but its ledger row stays; remove it once the cause is fixed"))
        }
        guard outcome.results.last?.rows.count == 1 else {
            session.rollback()
            return .failure(failure(rollback, line: nil, message: "its ledger row changed while rolling back", consequence: commit
                ? "rolled back: nothing of it was undone" : "it ran (outside a transaction); run gitgate status"))
        }
        if commit {
            do {
                let done = try connection.batchUntilError("COMMIT", timeout: .milliseconds(target.statementTimeoutMs + 60_000))
                if let error = done.error {
                    session.rollback()
                    return .failure(failure(rollback, error: error, line: nil, consequence: "at COMMIT: rolled back, nothing of it was undone"))
                }
            } catch let error as PostgresError {
                return .failure(lost(error, rollback, consequence: "at COMMIT: it is either rolled back with its ledger row removed, or neither; run gitgate status"))
            }
        }
        return .success(ms)
    }

    /// Derived steps only: the first one that would delete data, unless that is allowed.
    private func dataLoss(_ rollback: MigrationRollback) throws -> String? {
        guard rollback.kind == .derived, !allowDataLoss else { return nil }
        for step in rollback.steps where step.dataOf != nil {
            if let loss = try Rollbacker.loss(of: step, session: session) { return "\(step.sql) deletes \(loss)" }
        }
        return nil
    }

    // MARK: Failures

    private func failure(_ rollback: MigrationRollback, line: Int?, message: String, consequence: String) -> ApplyFailure {
        ApplyFailure(path: rollback.downPath ?? rollback.migration.path, line: line, message: message, sqlState: nil,
                     consequence: consequence, invalidIndexes: [], connectionLost: false)
    }

    private func failure(_ rollback: MigrationRollback, error: PostgresError, line: Int?, consequence: String) -> ApplyFailure {
        var message = error.message
        if let detail = error.detail { message += "; \(detail)" }
        switch error.sqlState {
        case "55P03"?: message += "; another session holds a lock it needs: retry when the database is quieter, or raise gitgate.\(target.name).applyLockTimeout"
        case "57014"?: message += "; it ran longer than gitgate.\(target.name).applyStatementTimeout"
        default: if let hint = error.hint { message += "; hint: \(hint)" }
        }
        var failed = failure(rollback, line: line, message: message, consequence: consequence)
        failed.sqlState = error.sqlState
        return failed
    }

    private func lost(_ error: PostgresError, _ rollback: MigrationRollback, consequence: String) -> ApplyFailure {
        let described = TargetConnection.describe(error, target: target)
        return ApplyFailure(path: rollback.downPath ?? rollback.migration.path, line: nil,
                            message: "lost the connection: \(described.message)", sqlState: error.sqlState,
                            consequence: consequence, invalidIndexes: [], connectionLost: true)
    }

    private func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
