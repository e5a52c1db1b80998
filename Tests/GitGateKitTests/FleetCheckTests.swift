import Foundation
import GitGateKit
import LocalPostgres
import Postgres
import Testing
import TestSupport

/// gitgate's ledger schema, as the repository ships it.
private let fleetLedgerSchema = try! String(
    contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../migrations/001_create_ledger.sql"), encoding: .utf8)

private let widgets = migration("001", "create_widgets", "CREATE TABLE widgets (id bigint PRIMARY KEY);\n")
private let color = migration("002", "add_color", "ALTER TABLE widgets ADD COLUMN color text;\n")

/// A database with these migrations run and recorded in gitgate's ledger.
private func bring(_ conninfo: String, to applied: [Migration]) throws {
    var sql = fleetLedgerSchema
    for item in applied {
        sql += "\n" + String(decoding: item.contents, as: UTF8.self)
        sql += "\nINSERT INTO gitgate.migrations (version, name, path, checksum, how) VALUES ('\(item.version)', '\(item.name)', '\(item.path)', '\(item.checksum)', 'applied');"
    }
    try admin(conninfo).execute(sql)
}

/// A unique prefix for this test's databases (the cluster is shared with other tests).
private func uniquePrefix() -> String { "fleet" + String(UInt32.random(in: 0...UInt32.max), radix: 36) }

private func failures(_ fleet: FleetCheck) -> [String: String] {
    var result: [String: String] = [:]
    for member in fleet.members { if case .failure(let error) = member.outcome { result[member.member] = error.message } }
    return result
}

/// Fleets on real PostgreSQL: members found by a discover query across clusters, a database of
/// tenant schemas, a member unreachable, one locked, one ahead of the rest.
@Suite struct FleetCheckTests {
    @Test("discover: 3 clusters × 20 databases, one unreachable, one locked, one ahead; every other member shown")
    func discoveredAcrossClusters() throws {
        let shared = try TestPostgres.cluster()
        let extra = try [LocalCluster(), LocalCluster()]
        defer { extra.forEach { $0.stop() } }
        let prefix = uniquePrefix()
        let control = try shared.createDatabase(prefix + "_control")
        var rows: [String] = []
        var conninfos: [String: String] = [:]  // member name → conninfo
        for (c, cluster) in ([shared] + extra).enumerated() {
            for d in 0..<20 {
                let name = "\(prefix)_c\(c)_\(String(format: "%02d", d))"
                let conninfo = try cluster.createDatabase(name)
                // The shared cluster's rows are database names on the control database's server;
                // the others' are connection strings.
                rows.append(c == 0 ? name : conninfo)
                conninfos["local:\(cluster.port)/\(name)"] = conninfo
                try bring(conninfo, to: c == 2 && d == 0 ? [widgets, color] : [widgets])
            }
        }
        // Nothing listens here; the row carries a password, which must show nowhere.
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent(prefix + "-nothing").path
        try FileManager.default.createDirectory(atPath: nowhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: nowhere) }
        rows.append("host=\(nowhere) port=5432 user=postgres password=sekrit-fleet-pw dbname=gone connect_timeout=2")
        let setup = try admin(control)
        try setup.execute("CREATE TABLE members (target text)")
        for row in rows { _ = try setup.query("INSERT INTO members VALUES ($1)", [row]) }

        // One member's ledger is locked by another session for the whole check.
        let lockedName = "local:\(extra[0].port)/\(prefix)_c1_07"
        let holder = try admin(try #require(conninfos[lockedName]))
        try holder.execute("BEGIN; LOCK TABLE gitgate.migrations IN ACCESS EXCLUSIVE MODE")
        defer { _ = try? holder.execute("ROLLBACK") }

        var target = Target(name: "production", connection: .conninfo(control))
        target.fleet = Fleet(source: .discover("SELECT target FROM members"), concurrency: 8)
        target.lockTimeoutMs = 300
        let check = try #require(TargetChecker(ledger: .gitgate).check([target], migrations: [widgets, color]).first)
        let fleet = try #require(check.fleet)
        #expect(fleet.members.count == 61)
        #expect(fleet.total == 61)
        let failed = failures(fleet)
        #expect(failed.count == 2, "\(failed)")
        let locked = try #require(failed[lockedName], "\(failed.keys.sorted())")
        #expect(locked.contains("member \(lockedName)"), "\(locked)")
        #expect(locked.contains("[55P03]"), "\(locked)")
        let gone = try #require(failed["local:5432/gone"], "\(failed.keys.sorted())")
        #expect(gone.contains("nothing accepts connections there") || gone.contains("No such file"), "\(gone)")
        for member in fleet.members {
            #expect(!member.member.contains("sekrit"))
            if case .failure(let error) = member.outcome { #expect(!error.message.contains("sekrit-fleet-pw"), "\(error.message)") }
        }

        let summary = FleetSummary(check, fleet: fleet, migrations: [widgets, color])
        let ahead = "local:\(extra[1].port)/\(prefix)_c2_00"
        #expect(summary.upToDate == 1)
        let lacking = try #require(summary.groups.first { $0.problem == .lacks(version: "002") })
        #expect(lacking.members.count == 58)
        #expect(!lacking.members.contains(ahead))
        #expect(summary.couldNotCheck?.members.sorted() == [lockedName, "local:5432/gone"].sorted())
        #expect(fleet.members.first { $0.member == ahead }?.states?["002"]?.state == .applied)
        // Readers of one target's states see the first failure: nothing passes.
        guard case .failure = check.outcome else {
            Issue.record("a fleet with unreachable members passed: \(check.outcome)")
            return
        }
    }

    @Test("schemas: 300 tenants in one database, one round trip; one without a ledger, one locked")
    func tenantSchemas() throws {
        let database = try TestDatabase.make()
        var sql = "CREATE TABLE tenants (name text);\n"
        for index in 0..<300 {
            let schema = String(format: "tenant_%04d", index)
            sql += "CREATE SCHEMA \(schema); INSERT INTO tenants VALUES ('\(schema)');\n"
            if index == 17 { continue }  // no ledger, no tables: nothing applied there
            sql += "CREATE TABLE \(schema).schema_migrations (version bigint NOT NULL, dirty boolean NOT NULL);\n"
            sql += "CREATE TABLE \(schema).widgets (id bigint PRIMARY KEY);\n"
            if index % 100 == 0 {
                // Three tenants are ahead: 002 is there too.
                sql += "ALTER TABLE \(schema).widgets ADD COLUMN color text; INSERT INTO \(schema).schema_migrations VALUES (2, false);\n"
            } else {
                sql += "INSERT INTO \(schema).schema_migrations VALUES (1, false);\n"
            }
        }
        try admin(database).execute(sql)
        let holder = try admin(database)
        try holder.execute("BEGIN; LOCK TABLE tenant_0123.schema_migrations IN ACCESS EXCLUSIVE MODE")
        defer { _ = try? holder.execute("ROLLBACK") }

        var target = Target(name: "tenants", connection: .conninfo(database))
        target.fleet = Fleet(source: .schemas("SELECT name FROM tenants ORDER BY name"))
        target.lockTimeoutMs = 300
        let started = ContinuousClock.now
        let check = try #require(TargetChecker(ledger: .golangMigrate).check([target], migrations: [widgets, color]).first)
        let elapsed = ContinuousClock.now - started
        let fleet = try #require(check.fleet)
        #expect(fleet.kind == "schema")
        #expect(fleet.members.count == 300)
        let failed = failures(fleet)
        #expect(Array(failed.keys) == ["tenant_0123"], "\(failed)")
        #expect(failed["tenant_0123"]?.contains("[55P03]") == true, "\(failed)")
        let summary = FleetSummary(check, fleet: fleet, migrations: [widgets, color])
        #expect(summary.upToDate == 3)
        let lacking002 = try #require(summary.groups.first { $0.problem == .lacks(version: "002") })
        #expect(lacking002.members.count == 296)  // 300 - 3 ahead - 1 locked
        let lacking001 = try #require(summary.groups.first { $0.problem == .lacks(version: "001") })
        #expect(lacking001.members == ["tenant_0017"])
        #expect(fleet.members.first { $0.member == "tenant_0017" }?.states?["001"]?.detail.contains("no ledger table schema_migrations") == true)
        // Each schema resolved its own objects: tenant_0200 has color, tenant_0201 does not.
        #expect(fleet.members.first { $0.member == "tenant_0200" }?.states?["002"]?.state == .applied)
        #expect(fleet.members.first { $0.member == "tenant_0201" }?.states?["002"]?.state == .pending)
        print("300 schemas checked in \(elapsed)")
    }

    @Test("discovery that fails, returns nothing, NULLs or duplicates is an error naming the fix")
    func badDiscovery() throws {
        let control = try TestDatabase.make()
        try admin(control).execute("""
            CREATE TABLE empty (db text);
            CREATE TABLE nulls (db text); INSERT INTO nulls VALUES ('a'), (NULL);
            CREATE TABLE twice (db text); INSERT INTO twice VALUES ('a'), ('b'), ('a');
            """)
        let cases: [(String, String)] = [
            ("SELECT db FROM empty", "returned no databases, and a fleet with no members proves nothing"),
            ("SELECT db FROM nulls", "row 2 is NULL"),
            ("SELECT db FROM twice", "members 1 and 3 are both"),
            ("SELECT db FROM no_such_table", "the discover query failed: relation \"no_such_table\" does not exist [42P01]"),
            ("SELECT db, db FROM twice", "returns 2 columns"),
        ]
        for (sql, expected) in cases {
            var target = Target(name: "production", connection: .conninfo(control))
            target.fleet = Fleet(source: .discover(sql))
            let check = try #require(TargetChecker(ledger: .gitgate).check([target], migrations: [widgets]).first)
            #expect(check.fleet == nil)
            guard case .failure(let error) = check.outcome else {
                Issue.record("\(sql) passed: \(check.outcome)")
                continue
            }
            #expect(error.message.contains(expected), "\(sql): \(error.message)")
            #expect(error.message.contains("target production"), "\(error.message)")
            #expect(error.exitCode == 2)
        }
    }

    @Test("--member names the members to show; every member is still checked (the verdict is the gate's); an unknown name is a usage error")
    func memberFilter() throws {
        let one = try TestDatabase.make(), two = try TestDatabase.make()
        try bring(one, to: [widgets])
        var target = Target(name: "production", connection: .conninfo(one))
        target.fleet = Fleet(source: .urls([.conninfo(one), .conninfo(two)]))
        let nameOne = try #require(ConninfoLabel.hostAndDatabase(one))
        var checker = TargetChecker(ledger: .gitgate)
        checker.members = [nameOne]
        let check = try #require(checker.check([target], migrations: [widgets]).first)
        let fleet = try #require(check.fleet)
        #expect(fleet.members.count == 2 && fleet.shown == [nameOne])
        #expect(fleet.total == 2 && fleet.isFiltered)
        // The member shown has 001; the other does not, and the fleet's state says so.
        #expect(fleet.members.first { $0.member == nameOne }?.states?["001"]?.state == .applied)
        #expect(check.states?["001"]?.state == .pending)

        checker.members = ["nobody/here"]
        let unknown = try #require(checker.check([target], migrations: [widgets]).first)
        guard case .failure(let error) = unknown.outcome else {
            Issue.record("an unknown member passed")
            return
        }
        #expect(error.message.contains("has no member nobody/here"), "\(error.message)")
        #expect(error.exitCode == 64)
    }

    @Test("a fleet of url lines through PgBouncer in transaction mode")
    func throughPgBouncer() throws {
        let (directOne, pooledOne) = try TestPgBouncer.database(.transaction)
        let (_, pooledTwo) = try TestPgBouncer.database(.transaction)
        try bring(directOne, to: [widgets])
        var target = Target(name: "production", connection: .conninfo(pooledOne))
        target.fleet = Fleet(source: .urls([.conninfo(pooledOne), .conninfo(pooledTwo)]), concurrency: 2)
        let check = try #require(TargetChecker(ledger: .gitgate).check([target], migrations: [widgets]).first)
        let fleet = try #require(check.fleet)
        #expect(failures(fleet).isEmpty, "\(failures(fleet))")
        let summary = FleetSummary(check, fleet: fleet, migrations: [widgets])
        #expect(summary.upToDate == 1)
        #expect(summary.groups.map(\.problem) == [.lacks(version: "001")])
        #expect(summary.groups.first?.members == [try #require(ConninfoLabel.hostAndDatabase(pooledTwo))])
    }
}

extension FleetCheckTests {
    @Test("a fleet of schemas with a ledger kept in one named schema is refused: it cannot tell tenants apart")
    func schemasNeedALedgerPerSchema() throws {
        let database = try TestDatabase.make()
        try admin(database).execute("CREATE SCHEMA tenant_a")
        var target = Target(name: "tenants", connection: .conninfo(database))
        target.fleet = Fleet(source: .schemas("SELECT 'tenant_a'"))
        let check = try #require(TargetChecker(ledger: .gitgate).check([target], migrations: [widgets]).first)
        guard case .failure(let error) = check.outcome else {
            Issue.record("a schemas fleet on gitgate's ledger was checked: \(check.outcome)")
            return
        }
        #expect(error.message.contains("cannot say which schema has a migration"), "\(error.message)")
        #expect(error.exitCode == 2)
    }

    @Test("10,000 members: still one line of text, names capped per problem; JSON-ready summary counts all")
    func tenThousandMembers() {
        let members = (0..<10_000).map { index in
            MemberCheck(member: String(format: "m%05d", index), outcome: .success(
                ["002": index % 1_000 == 0 ? TargetStatus(.applied, "recorded") : TargetStatus(.pending, "not in the ledger")]))
        }
        let fleet = FleetCheck(kind: "database", members: members, total: members.count)
        let check = TargetCheck(target: "production", gate: true, outcome: fleet.combined, fleet: fleet)
        let summary = FleetSummary(check, fleet: fleet, migrations: [color])
        let lines = FleetText.lines(summary, migrations: [color], style: Style(colors: false), verbose: false)
        #expect(lines.count == 1)
        #expect(lines.first?.contains("production (gated: every database must have each migration): 10/10,000 databases up to date; 9,990 lack 002_add_color: m00001, m00002, m00003 and 9,987 more") == true, "\(lines)")
        #expect(check.states?["002"]?.state == .pending)
        #expect(check.states?["002"]?.detail.contains("and 9,989 more databases") == true || check.states?["002"]?.detail.contains("and 9989 more databases") == true, "\(String(describing: check.states?["002"]?.detail))")
        let verbose = FleetText.lines(summary, migrations: [color], style: Style(colors: false), verbose: true)
        #expect(verbose.count == 1 + 1 + 9_990)
    }
}
