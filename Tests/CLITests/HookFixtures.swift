import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// A repository gated on a real database: main has `.gitgate` (production = the test database)
/// and migration 001, which production has; branch `feature`, in its own worktree, adds 002,
/// which production lacks until `applyPendingMigration()`. The hooks call the built binary.
final class GatedRepository {
    let repo: TestRepository
    let conninfo: String
    let worktree: String

    static let pendingPath = "migrations/002_create_orders.sql"
    static let pendingSQL = "CREATE TABLE orders (id bigint PRIMARY KEY, total numeric NOT NULL);\n"

    init(conninfo: String, install: [String]? = []) throws {
        self.conninfo = conninfo
        repo = try TestRepository()
        try repo.write(".gitgate", """
            [gitgate]
            \tmigrations = migrations
            [gitgate "production"]
            \turl = "\(conninfo)"

            """)
        try repo.write("migrations/001_create_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n")
        try repo.commit("gitgate, and the users table")
        worktree = try repo.addWorktree(branch: "feature")
        try repo.write(Self.pendingPath, Self.pendingSQL, in: worktree)
        try repo.commit("orders", in: worktree)
        try execute("CREATE TABLE users (id bigint PRIMARY KEY)")
        if let install { try installHooks(install) }
    }

    /// `gitgate install ARGS` in the main worktree; fails the test unless it succeeds.
    @discardableResult
    func installHooks(_ arguments: [String] = [], in directory: String? = nil) throws -> ShellResult {
        let result = try gitgate(["install"] + arguments, in: directory)
        #expect(result.status == 0, "gitgate install: \(result.stderr)")
        return result
    }

    func gitgate(_ arguments: [String], in directory: String? = nil, extra: [String: String] = [:],
                 input: String? = nil) throws -> ShellResult {
        try GitGateBinary.run(arguments, in: directory ?? repo.path, environment: repo.environment, extra: extra, input: input)
    }

    /// What `gitgate apply` would leave: the table exists and gitgate's ledger records the file.
    func applyPendingMigration() throws {
        try execute(Self.pendingSQL)
        try execute(String(contentsOfFile: Self.ledgerSchemaPath, encoding: .utf8))
        let checksum = Migration(version: "002", name: "create_orders", path: Self.pendingPath, source: .committed,
                                 contents: Data(Self.pendingSQL.utf8)).checksum
        try execute("""
            INSERT INTO gitgate.migrations (version, name, path, checksum, how)
            VALUES ('002', 'create_orders', '\(Self.pendingPath)', '\(checksum)', 'applied')
            """)
    }

    func execute(_ sql: String) throws {
        let connection = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try connection.execute(sql)
    }

    func sha(_ rev: String, in directory: String? = nil) throws -> String { try repo.sha(rev, in: directory) }

    var mainTip: String { get throws { try sha("refs/heads/main") } }

    /// gitgate's own ledger schema, from the repository's migrations/ folder.
    static var ledgerSchemaPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations/001_create_ledger.sql").path
    }
}
