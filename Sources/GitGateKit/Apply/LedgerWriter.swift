import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// One row of gitgate.migrations (migrations/001_create_ledger.sql), as written by apply, record
/// and baseline, together with its row in gitgate.history (003_signoff.sql).
package struct LedgerRow: Sendable {
    package enum How: String, Sendable {
        case applied, recorded
    }

    package var migration: Migration
    package var signOff: SignOff
    package var durationMs: Int?
    package var how: How
    /// gitgate.history's action: `baselined` for a row `gitgate baseline` recorded.
    package var action: DeploymentAction
    /// `record --unverified --reason`: why someone vouched for what the catalog could not show.
    package var unverifiedReason: String? = nil

    package init(migration: Migration, signOff: SignOff, durationMs: Int?, how: How, action: DeploymentAction? = nil,
         unverifiedReason: String? = nil) {
        self.migration = migration
        self.signOff = signOff
        self.durationMs = durationMs
        self.how = how
        self.action = action ?? (how == .applied ? .applied : .recorded)
        self.unverifiedReason = unverifiedReason
    }

    /// One statement, so both rows are there or neither (also outside an explicit transaction).
    /// Literals, as the simple protocol takes no parameters. `db_user` is the session's login
    /// user, whatever role the migration switched to.
    package var insert: String {
        let columns = ["version", "name", "path", "checksum", "db_user", "os_user", "git_user_name", "git_user_email",
                       "git_commit", "git_branch", "host", "duration_ms", "how", "unverified_reason"]
        let values = [
            sqlLiteral(migration.version), sqlLiteral(migration.name), sqlLiteral(migration.path),
            sqlLiteral(migration.checksum), "session_user", LedgerRow.literal(signOff.osUser),
            LedgerRow.literal(signOff.gitUserName), LedgerRow.literal(signOff.gitUserEmail),
            LedgerRow.literal(signOff.commit), LedgerRow.literal(signOff.branch), LedgerRow.literal(signOff.host),
            durationMs.map(String.init) ?? "NULL", sqlLiteral(how.rawValue), LedgerRow.literal(unverifiedReason),
        ]
        return """
            WITH added AS (INSERT INTO gitgate.migrations (\(columns.joined(separator: ", "))) VALUES (\(values.joined(separator: ", "))) RETURNING *) \
            INSERT INTO gitgate.history (\(LedgerRow.historyColumns)) \
            SELECT version, name, path, checksum, \(sqlLiteral(action.rawValue)), applied_at, db_user, os_user, git_user_name, \
            git_user_email, git_commit, git_branch, host, duration_ms, unverified_reason FROM added
            """
    }

    package static let historyColumns = "version, name, path, checksum, action, at, db_user, os_user, git_user_name, git_user_email, git_commit, git_branch, host, duration_ms, reason"

    package static func literal(_ value: String?) -> String { value.map(sqlLiteral) ?? "NULL" }

    /// Removes `migration`'s row (only the one applied with its checksum) and keeps the fact in
    /// gitgate.history; returns one row (`version`) when it was there.
    package static func rollback(_ migration: Migration, signOff: SignOff, durationMs: Int?) -> String {
        """
        WITH gone AS (DELETE FROM gitgate.migrations WHERE version = \(sqlLiteral(migration.version)) \
        AND checksum = \(sqlLiteral(migration.checksum)) RETURNING *) \
        INSERT INTO gitgate.history (\(historyColumns)) \
        SELECT version, name, path, checksum, \(sqlLiteral(DeploymentAction.rolledBack.rawValue)), now(), session_user, \
        \(literal(signOff.osUser)), \(literal(signOff.gitUserName)), \(literal(signOff.gitUserEmail)), \(literal(signOff.commit)), \
        \(literal(signOff.branch)), \(literal(signOff.host)), \(durationMs.map(String.init) ?? "NULL"), NULL FROM gone RETURNING version
        """
    }
}

package enum LedgerWriter {
    /// The checksums the ledger holds for `versions`; read under the apply lock, so a second
    /// apply sees what the first one recorded while it waited.
    package static func recordedChecksums(_ session: TargetSession, versions: [String]) throws -> [String: String] {
        guard !versions.isEmpty else { return [:] }
        let list = versions.map(sqlLiteral).joined(separator: ", ")
        var result: [String: String] = [:]
        for row in try session.rows("SELECT version, checksum FROM gitgate.migrations WHERE version IN (\(list))") {
            if let version = row[0] { result[version] = row[1] ?? "" }
        }
        return result
    }
}
