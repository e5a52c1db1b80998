import Foundation
import GitGateKit
import Testing
import TestSupport

/// Main ahead of production: a migration that reached main around the gate, or a database
/// adopted late, shows in `gitgate status` on main; `gitgate apply` on main applies it;
/// `gitgate baseline` adopts a database that already has main's history.
@Suite struct MainAheadTests {
    static let main = [
        "migrations/001_users.sql": "CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);\n",
        "migrations/002_orders.sql": "CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint);\n",
        "migrations/003_seed.sql": "INSERT INTO users (id) SELECT 1 WHERE NOT EXISTS (SELECT 1 FROM users WHERE id = 1);\n",
    ]

    @Test(.database) func statusOnMainListsWhatProductionLacksAndApplyOnMainAppliesIt() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [:], main: Self.main)
        try world.connect().execute("CREATE TABLE users (id bigint PRIMARY KEY)")
        let before = try StatusService.report(at: world.repo.path, environment: world.environment)
        #expect(before.inspection.isMain)
        #expect(before.verdict.decision == .blocked)
        #expect(before.verdict.reasons.contains {
            guard case .notInPlace(_, let path, _, let status, .apply(let command)) = $0 else { return false }
            return path.hasSuffix("002_orders.sql") && status.state == .pending && command.hasPrefix("gitgate apply")
        }, "\(before.verdict.reasons)")
        #expect(!before.verdict.reasons.contains { $0.path?.hasSuffix("001_users.sql") == true })
        #expect(before.text(style: .plain).contains("the main branch"))
        // What main has was reviewed before it merged: lint on main names nothing new.
        #expect(try LintService.run(paths: [], in: world.repo.path, environment: world.environment).paths.isEmpty)

        let applier = try Applier(at: world.repo.path, target: nil, options: world.options())
        let result = try applier.apply(try applier.plan())
        #expect(result.failure == nil, "\(String(describing: result.failure))")
        #expect(try world.exists("orders"))
        #expect(try world.ledger() == ["002:applied", "003:applied"])
        let after = try StatusService.report(at: world.repo.path, environment: world.environment)
        #expect(after.verdict.decision == .ready, "\(after.verdict.reasons)")
        #expect(after.text(style: .plain).contains("UP TO DATE"))
    }

    @Test(.database) func baselineRecordsMainsHistoryOnceVerified() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [:], main: Self.main)
        try world.connect().execute("CREATE TABLE users (id bigint PRIMARY KEY); CREATE TABLE orders (id bigint PRIMARY KEY, user_id bigint); INSERT INTO users VALUES (1)")

        // A version main does not have: refused, nothing recorded.
        let unknown = try #require(throws: GitGateError.self) {
            try Baseline.run(at: world.repo.path, target: nil, through: "009", unverified: false, reason: nil, options: world.options())
        }
        #expect(unknown.exitCode == ExitStatus.blocked)
        #expect(unknown.message.contains("has no migration 009") && unknown.message.contains("003"))
        #expect(try world.ledger().isEmpty)

        // 003 changes data: the catalog cannot prove it, so the whole baseline refuses without a reason.
        #expect(throws: GitGateError.self) {
            try Baseline.run(at: world.repo.path, target: nil, through: nil, unverified: false, reason: nil, options: world.options())
        }
        #expect(try world.ledger().isEmpty)

        let partial = try Baseline.run(at: world.repo.path, target: nil, through: "002", unverified: false, reason: nil, options: world.options())
        #expect(partial.entries.map(\.recorded) == [true, true])
        #expect(try world.ledger() == ["001:recorded", "002:recorded"])

        let rest = try Baseline.run(at: world.repo.path, target: nil, through: nil, unverified: true,
                                    reason: "seeded by the 2019 import, checked by hand", options: world.options())
        #expect(rest.entries.map(\.recorded) == [false, false, true])
        #expect(try world.column("SELECT unverified_reason FROM gitgate.migrations WHERE version = '003'") == ["seeded by the 2019 import, checked by hand"])
        let status = try StatusService.report(at: world.repo.path, environment: world.environment)
        #expect(status.verdict.decision == .ready, "\(status.verdict.reasons)")
    }

    @Test(.database) func checksFirstRunSuggestsBaseline() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [:], main: Self.main)
        let report = try UpdateCheck.run(at: world.repo.path, base: String(repeating: "0", count: 40), head: "main",
                                         environment: world.environment)
        #expect(report.verdict.decision == .blocked)
        #expect(report.verdict.reasons.last == .firstCheckOfHistory(target: "production"), "\(report.verdict.reasons)")
        #expect(report.verdict.reasons.last?.description.contains("gitgate baseline --target production") == true)
    }
}
