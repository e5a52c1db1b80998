import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// One row of gitgate.migrations (migrations/001_create_ledger.sql), as written by apply and record.
package struct LedgerRow: Sendable {
    package enum How: String, Sendable {
        case applied, recorded
    }

    package var migration: Migration
    package var osUser: String?
    package var gitCommit: String?
    package var gitBranch: String?
    package var durationMs: Int?
    package var how: How
    /// `record --unverified --reason`: why someone vouched for what the catalog could not show.
    package var unverifiedReason: String? = nil

    /// The INSERT, as literals (the simple protocol takes no parameters). `db_user` is the
    /// session's login user, whatever role the migration switched to.
    package var insert: String {
        let values = [
            sqlLiteral(migration.version), sqlLiteral(migration.name), sqlLiteral(migration.path),
            sqlLiteral(migration.checksum), "session_user", osUser.map(sqlLiteral) ?? "NULL",
            gitCommit.map(sqlLiteral) ?? "NULL", gitBranch.map(sqlLiteral) ?? "NULL",
            durationMs.map(String.init) ?? "NULL", sqlLiteral(how.rawValue),
        ]
        // The column exists from ledger schema step 002 on; left out when unused, as before it.
        guard let unverifiedReason else {
            return "INSERT INTO gitgate.migrations (version, name, path, checksum, db_user, os_user, git_commit, git_branch, duration_ms, how) VALUES (\(values.joined(separator: ", ")))"
        }
        return "INSERT INTO gitgate.migrations (version, name, path, checksum, db_user, os_user, git_commit, git_branch, duration_ms, how, unverified_reason) VALUES (\(values.joined(separator: ", ")), \(sqlLiteral(unverifiedReason)))"
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
