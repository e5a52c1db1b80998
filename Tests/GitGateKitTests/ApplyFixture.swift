import Foundation
import GitGateKit
import Postgres
import TestSupport

/// A repository whose `.gitgate` points a target at a fresh test database (through an
/// environment variable), and a linked worktree on `feature` that adds migrations.
final class ApplyWorld: Sendable {
    static let urlVariable = "GITGATE_APPLY_TEST_URL"

    let repo: TestRepository
    let worktree: String
    let conninfo: String

    /// - Parameter ledger: `gitgate.ledger`; gitgate's own by default.
    init(conninfo: String, branch migrations: [String: String], main: [String: String] = [:], gate: Bool = true,
         ledger: LedgerKind? = nil) throws {
        self.conninfo = conninfo
        repo = try TestRepository()
        var files = main
        files[".gitgate"] = """
            [gitgate]
            \tmigrations = migrations
            \tledger = \((ledger ?? .gitgate).rawValue)
            [gitgate "production"]
            \turl = env:\(Self.urlVariable)
            \tgate = \(gate)
            \tapplyLockTimeout = 5s

            """
        files["migrations/.keep"] = ""
        try repo.commitFiles(files, message: "main: migrations folder and .gitgate")
        worktree = try repo.addWorktree(branch: "feature")
        if !migrations.isEmpty { try add(migrations) }
    }

    /// Commits more files on the feature branch.
    func add(_ migrations: [String: String], message: String = "feature: migrations") throws {
        try repo.commitFiles(migrations.mapKeys { "migrations/" + $0 }, message: message, in: worktree)
    }

    var environment: [String: String] {
        ProcessInfo.processInfo.environment.merging([Self.urlVariable: conninfo]) { $1 }
    }

    func options(dryRun: Bool = false, lockWait: Duration = .seconds(30),
                 schema: [LedgerSchemaStep] = LedgerSchema.embedded) -> ApplyOptions {
        ApplyOptions(dryRun: dryRun, lockWait: lockWait, environment: environment, ledgerSchema: schema)
    }

    func applier(dryRun: Bool = false, lockWait: Duration = .seconds(30),
                 schema: [LedgerSchemaStep] = LedgerSchema.embedded) throws -> Applier {
        try Applier(at: worktree, target: nil, options: options(dryRun: dryRun, lockWait: lockWait, schema: schema))
    }

    /// Plans and applies in one go.
    @discardableResult
    func apply(lockWait: Duration = .seconds(30), schema: [LedgerSchemaStep] = LedgerSchema.embedded) throws -> ApplyResult {
        let applier = try applier(lockWait: lockWait, schema: schema)
        return try applier.apply(try applier.plan())
    }

    func connect() throws -> Connection {
        try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
    }

    /// The first column of every row.
    func column(_ sql: String) throws -> [String?] {
        try connect().query(sql).rows.map { $0.first ?? nil }
    }

    func exists(_ relation: String) throws -> Bool {
        try column("SELECT to_regclass('\(relation)') IS NOT NULL") == ["t"]
    }

    /// Ledger versions and how, in version order; empty when there is no ledger.
    func ledger() throws -> [String] {
        guard try exists("gitgate.migrations") else { return [] }
        return try connect().query("SELECT version || ':' || how FROM gitgate.migrations ORDER BY version").rows.map { $0[0] ?? "" }
    }
}

extension Dictionary where Key == String {
    func mapKeys(_ transform: (String) -> String) -> [String: Value] {
        Dictionary(uniqueKeysWithValues: map { (transform($0.key), $0.value) })
    }
}
