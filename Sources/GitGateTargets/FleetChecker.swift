import Foundation
import Postgres
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// Checks a fleet: each database with `TargetChecker`'s one round trip, at most
/// `concurrency` at once; a fleet of schemas in one round trip for all of its schemas.
/// A member that cannot be checked is that member's failure; the others are still shown.
package struct FleetChecker: Sendable {
    package var checker: TargetChecker

    package func check(_ target: Target, migrations: [Migration], plans: [MigrationPlan]) -> TargetCheck {
        let fleet = target.fleet ?? Fleet(source: .urls([target.connection]))
        // Every member is checked: the verdict of `status --member` is the gate's, which reads them all.
        let members: [Member]
        let shown: [String]?
        do {
            members = try FleetMembers.resolve(target, environment: checker.environment)
            shown = checker.members.isEmpty ? nil
                : try FleetMembers.select(members, names: checker.members, target: target).map(\.name)
        } catch let error as GitGateError {
            return TargetCheck(target: target.name, gate: target.gate, outcome: .failure(error))
        } catch {
            return TargetCheck(target: target.name, gate: target.gate, outcome: .failure(GitGateError(.target, "target \(target.name): \(error)")))
        }
        let results: [MemberCheck]
        if case .schemas = fleet.source, let table = checker.ledger.format.table, table.contains(".") {
            // Tenant schemas each need their own ledger: one in a named schema is shared by all of them.
            return TargetCheck(target: target.name, gate: target.gate, outcome: .failure(GitGateError(.configuration, "target \(target.name) is a fleet of schemas, but the \(checker.ledger.rawValue) ledger (\(table)) is one table for the whole database, so it cannot say which schema has a migration; use a ledger kept in each schema (gitgate.ledger = flyway, golang-migrate, dbmate, goose, …) or gitgate.ledger = none")))
        }
        if case .schemas = fleet.source {
            results = checkSchemas(target, members: members, migrations: migrations, plans: plans)
        } else {
            let box = Slots<MemberCheck>(count: members.count)
            Bounded.forEach(members.count, width: fleet.concurrency) { index in
                let member = target.member(members[index])
                box.set(index, MemberCheck(member: members[index].name, outcome: checkOne(member, migrations: migrations, plans: plans)))
            }
            results = box.values.compactMap { $0 }
        }
        let check = FleetCheck(kind: fleet.kind, members: results, total: members.count, shown: shown)
        return TargetCheck(target: target.name, gate: target.gate, outcome: check.combined, fleet: check)
    }

    private func checkOne(_ member: Target, migrations: [Migration], plans: [MigrationPlan]) -> Result<[String: TargetStatus], GitGateError> {
        do {
            return .success(try checker.check(member, migrations: migrations, plans: plans))
        } catch let error as GitGateError {
            return .failure(error)
        } catch {
            return .failure(GitGateError(.target, "target \(member.shown): \(error)"))
        }
    }

    /// All schemas of one database: `SET LOCAL search_path` before each schema's catalog and
    /// ledger queries, in one read-only transaction. A statement error ends the transaction:
    /// that schema gets it (an absent ledger is "nothing recorded"), and the schemas after it
    /// go in the next round trip.
    private func checkSchemas(_ target: Target, members: [Member], migrations: [Migration], plans: [MigrationPlan]) -> [MemberCheck] {
        guard !migrations.isEmpty else { return members.map { MemberCheck(member: $0.name, outcome: .success([:])) } }
        let reader = checker.ledger.format
        let catalogSQL = Catalog.query(plans.map(\.probes))
        let ledgerSQL = reader.query(for: migrations)
        let perSchema = ledgerSQL == nil ? 2 : 3
        var outcomes: [Result<[String: TargetStatus], GitGateError>?] = Array(repeating: nil, count: members.count)
        let connection: Connection
        do {
            connection = try TargetConnection.open(target, environment: checker.environment)
        } catch {
            let failure = (error as? GitGateError) ?? GitGateError(.target, "target \(target.name): \(error)")
            return members.map { MemberCheck(member: $0.name, outcome: .failure(failure)) }
        }
        var start = 0
        while start < members.count {
            var sql = ""
            sql.reserveCapacity((catalogSQL.utf8.count + 200) * (members.count - start))
            for member in members[start...] {
                sql += "SET LOCAL search_path = \(Expectations.quoteIdent(member.schema ?? member.name));\n\(catalogSQL);\n"
                if let ledgerSQL { sql += ledgerSQL + ";\n" }
            }
            let results: [QueryResult]
            let error: PostgresError?
            do {
                // The server bounds each statement; the client waits for all of them.
                let deadline = Duration.milliseconds(target.statementTimeoutMs + 5_000 + 20 * (members.count - start))
                (results, error) = try TargetConnection.read(connection, sql, target: target, deadline: deadline)
            } catch {
                let failure = (error as? GitGateError) ?? GitGateError(.target, "target \(target.name): \(error)")
                for index in start..<members.count { outcomes[index] = .failure(failure) }
                break
            }
            let complete = results.count / perSchema
            for offset in 0..<complete {
                let rows = results[offset * perSchema + 1].rows
                let ledgerRows = perSchema == 3 ? results[offset * perSchema + 2].rows : []
                outcomes[start + offset] = .success(checker.states(catalog: rows, ledgerRows: ledgerRows, ledgerNote: nil,
                                                                   migrations: migrations, plans: plans))
            }
            guard let error else { break }
            let failing = start + complete
            guard failing < members.count else { break }
            let member = target.member(members[failing])
            let atLedger = results.count % perSchema == 2
            if atLedger, error.sqlState == "42P01" || error.sqlState == "3F000" {
                outcomes[failing] = .success(checker.states(catalog: results[results.count - 1].rows, ledgerRows: [],
                                                            ledgerNote: "no ledger table \(reader.tableName)", migrations: migrations, plans: plans))
            } else {
                outcomes[failing] = .failure(TargetConnection.describe(error, target: member))
            }
            start = failing + 1
        }
        return members.enumerated().map { index, member in
            MemberCheck(member: member.name, outcome: outcomes[index]
                ?? .failure(GitGateError(.target, "target \(target.name) member \(member.name): no answer for this schema; run gitgate doctor")))
        }
    }
}

/// Runs `body` for 0..<count on at most `width` threads of their own: each blocks on the
/// network, so a pool sized to the CPU count would bound the fleet by cores, not by `width`.
package enum Bounded {
    package static func forEach(_ count: Int, width: Int, _ body: @escaping @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let next = Counter()
        let group = DispatchGroup()
        for _ in 0..<max(1, min(width, count)) {
            group.enter()
            let thread = Thread {
                while let index = next.take(below: count) { body(index) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
    }
}

private final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0

    package func take(below limit: Int) -> Int? {
        lock.lock(); defer { lock.unlock() }
        guard value < limit else { return nil }
        defer { value += 1 }
        return value
    }
}
