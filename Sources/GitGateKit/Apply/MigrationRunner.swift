import Postgres
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// Runs one prepared migration on a session that holds the apply lock, and records it.
///
/// In a transaction: `BEGIN; SET LOCAL lock_timeout/statement_timeout`, the file as one query,
/// then the ledger row and `COMMIT`. A failure anywhere rolls back both; a killed gitgate or a
/// lost connection makes the server roll back too, so database and ledger always agree.
///
/// Statement by statement: each statement is its own query in autocommit (a multi-statement
/// query would be an implicit transaction block, which CREATE INDEX CONCURRENTLY refuses). The
/// session holds no transaction while a statement waits, so the advisory lock cannot deadlock
/// it. The ledger row is written only after the last statement succeeds.
package struct MigrationRunner {
    package let session: TargetSession
    package var signOff: SignOff
    /// Set for every migration when the default path would reach the ledger's schema.
    package var searchPath: String?

    private var target: Target { session.target }
    private var connection: Connection { session.connection }



    /// The milliseconds it took, or where and why it failed.
    package func run(_ prepared: PreparedMigration) throws -> Result<Int, ApplyFailure> {
        switch prepared.mode {
        case .transaction: return try runInTransaction(prepared)
        case .statements: return try runStatements(prepared)
        }
    }

    private func runInTransaction(_ prepared: PreparedMigration) throws -> Result<Int, ApplyFailure> {
        let migration = prepared.migration
        try session.rows(session.fresh(searchPath: searchPath) + "BEGIN; " + session.applyTimeouts("SET LOCAL"))
        let started = ContinuousClock.now
        let outcome: (results: [QueryResult], error: PostgresError?)
        do {
            outcome = try connection.batchUntilError(prepared.text, timeout: TargetSession.migrationDeadline)
        } catch let error as PostgresError {
            return .failure(lost(error, migration: migration, while: "running it", consequence:
                "the server rolls the transaction back: nothing of it stays and nothing was recorded; run gitgate apply again"))
        }
        let ms = milliseconds(since: started)
        if let error = outcome.error {
            session.rollback()
            let line = error.position.map { PreparedMigration.line(ofPosition: $0, in: prepared.text) }
                ?? prepared.statements.dropFirst(outcome.results.count).first?.line
            return .failure(failure(error, migration: migration, line: line,
                                    consequence: "rolled back: nothing of it was applied and nothing was recorded"))
        }
        let row = LedgerRow(migration: migration, signOff: signOff, durationMs: ms, how: .applied)
        return try record(row, "RESET ROLE; \(row.insert); COMMIT", ms: ms, transactional: true)
    }

    private func runStatements(_ prepared: PreparedMigration) throws -> Result<Int, ApplyFailure> {
        let migration = prepared.migration
        // An INVALID index from an earlier failed run would make CREATE INDEX CONCURRENTLY fail,
        // or, with IF NOT EXISTS, succeed and leave it INVALID while the ledger says applied.
        let leftovers = try invalidIndexes(prepared.concurrentIndexes.filter { $0.name != nil }, includeTables: false)
        if !leftovers.isEmpty {
            return .failure(ApplyFailure(
                path: migration.path, line: nil,
                message: "index \(leftovers.joined(separator: ", ")) exists but is INVALID, left by an earlier failed CREATE INDEX CONCURRENTLY",
                sqlState: nil, consequence: "nothing of it was run; drop the invalid index, then run gitgate apply again",
                invalidIndexes: leftovers, connectionLost: false))
        }
        try session.rows(session.fresh(searchPath: searchPath) + session.applyTimeouts("SET"))
        let started = ContinuousClock.now
        let count = prepared.statements.count
        for (index, statement) in prepared.statements.enumerated() {
            let ran = index == 0 ? "nothing of it ran"
                : "statements 1–\(index) of \(count) ran and stay (it runs outside a transaction); nothing was recorded"
            let outcome: (results: [QueryResult], error: PostgresError?)
            do {
                outcome = try connection.batchUntilError(statement.text, timeout: TargetSession.migrationDeadline)
            } catch let error as PostgresError {
                return .failure(lost(error, migration: migration, while: "running line \(statement.line)", consequence:
                    "\(ran); statement \(index + 1) may have run or not; check with gitgate status, then run gitgate apply again"))
            }
            if let error = outcome.error {
                session.rollback()
                let line = error.position.map { PreparedMigration.line(ofPosition: $0, in: statement.text, firstLine: statement.line) }
                    ?? statement.line
                var failed = failure(error, migration: migration, line: line, consequence: ran)
                failed.invalidIndexes = (try? invalidIndexes(prepared.concurrentIndexes, includeTables: true)) ?? []
                if !failed.invalidIndexes.isEmpty {
                    failed.consequence += "; it left an INVALID index behind: drop it before running gitgate apply again"
                }
                return .failure(failed)
            }
        }
        let ms = milliseconds(since: started)
        guard connection.transactionStatus == .idle else {
            session.rollback()
            return .failure(ApplyFailure(path: migration.path, line: prepared.statements.last?.line,
                                         message: "the file leaves a transaction open (BEGIN without COMMIT)", sqlState: nil,
                                         consequence: "that transaction was rolled back and nothing was recorded; end it with COMMIT",
                                         invalidIndexes: [], connectionLost: false))
        }
        let row = LedgerRow(migration: migration, signOff: signOff, durationMs: ms, how: .applied)
        // One query: an implicit transaction, so the row is all there or not at all.
        return try record(row, "RESET ALL; RESET ROLE; \(row.insert)", ms: ms, transactional: false)
    }

    private func record(_ row: LedgerRow, _ sql: String, ms: Int, transactional: Bool) throws -> Result<Int, ApplyFailure> {
        let migration = row.migration
        let outcome: (results: [QueryResult], error: PostgresError?)
        do {
            outcome = try connection.batchUntilError(sql, timeout: .milliseconds(target.statementTimeoutMs + 60_000))
        } catch let error as PostgresError {
            return .failure(lost(error, migration: migration, while: "recording it", consequence: transactional
                ? "it is either applied and recorded, or neither; run gitgate status to see, and gitgate apply again"
                : "it ran, but may not be recorded; run gitgate status, and gitgate record \(migration.version) --target \(target.name) if it says applied by hand"))
        }
        if let error = outcome.error {
            session.rollback()
            // Which statement of the batch failed, by how many succeeded before it (one result
            // each): up to the ledger's INSERT it is the recording; after it, the COMMIT (where
            // the migration's deferred constraints are checked).
            let insertAt = transactional ? 1 : 2
            let what = outcome.results.count <= insertAt ? "could not record it in gitgate.migrations: " : "at COMMIT: "
            var failed = failure(error, migration: migration, line: nil, consequence: transactional
                ? "rolled back: nothing of it was applied and nothing was recorded"
                : "it ran (outside a transaction) but is not recorded; fix the cause, then gitgate record \(migration.version) --target \(target.name)")
            failed.message = what + failed.message
            return .failure(failed)
        }
        return .success(ms)
    }

    // MARK: Failures

    private func failure(_ error: PostgresError, migration: Migration, line: Int?, consequence: String) -> ApplyFailure {
        var message = error.message
        if let detail = error.detail { message += "; \(detail)" }
        switch error.sqlState {
        case "55P03"?:
            message += "; another session holds a lock it needs: retry when the database is quieter, or raise gitgate.\(target.name).applyLockTimeout"
        case "57014"?:
            message += "; it ran longer than gitgate.\(target.name).applyStatementTimeout: raise it, or make the migration faster"
        default:
            if let hint = error.hint { message += "; hint: \(hint)" }
        }
        return ApplyFailure(path: migration.path, line: line, message: message, sqlState: error.sqlState,
                            consequence: consequence, invalidIndexes: [], connectionLost: false)
    }

    private func lost(_ error: PostgresError, migration: Migration, while doing: String, consequence: String) -> ApplyFailure {
        let described = TargetConnection.describe(error, target: target)
        return ApplyFailure(path: migration.path, line: nil, message: "lost the connection while \(doing): \(described.message)",
                            sqlState: error.sqlState, consequence: consequence, invalidIndexes: [], connectionLost: true)
    }

    /// INVALID indexes with these names (or, with `includeTables`, on these tables), as `schema.name`.
    private func invalidIndexes(_ indexes: [PreparedMigration.ConcurrentIndex], includeTables: Bool) throws -> [String] {
        var conditions: [String] = []
        for index in indexes {
            if let name = index.name {
                conditions.append("c.oid = pg_catalog.to_regclass(\(sqlLiteral(Expectations.quoted(name))))")
            }
            if includeTables, let table = index.table {
                conditions.append("i.indrelid = pg_catalog.to_regclass(\(sqlLiteral(Expectations.quoted(table))))")
            }
        }
        guard !conditions.isEmpty else { return [] }
        let rows = try session.rows("""
            SELECT pg_catalog.format('%I.%I', n.nspname, c.relname) FROM pg_catalog.pg_index i \
            JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace \
            WHERE NOT i.indisvalid AND (\(conditions.joined(separator: " OR "))) ORDER BY 1
            """)
        return rows.compactMap { $0.first ?? nil }
    }

    private func milliseconds(since start: ContinuousClock.Instant) -> Int {
        let elapsed = ContinuousClock.now - start
        return Int(elapsed.components.seconds * 1_000 + elapsed.components.attoseconds / 1_000_000_000_000_000)
    }
}
