import Foundation
import GitGateKit
import LocalPostgres
import Postgres
import Testing
import TestSupport

/// A repository whose production target is a fleet found by `discover` on a control database
/// in the shared test cluster, and a feature worktree adding 002_add_color.
private struct FleetRepository {
    static let addColor = "migrations/002_add_color.sql"
    let repo: TestRepository
    let worktree: String
    let control: String
    /// Member names in the discover query's order, and each one's conninfo.
    let names: [String]
    let conninfos: [String]

    /// `count` databases, each with widgets (001) applied and recorded; `extraGitgate` lines go in the target's section.
    init(count: Int, extraGitgate: String = "", extraRows: [String] = []) throws {
        let cluster = try TestPostgres.cluster()
        let prefix = "fleetcli" + String(UInt32.random(in: 0...UInt32.max), radix: 36)
        control = try cluster.createDatabase(prefix + "_control")
        var names: [String] = [], conninfos: [String] = []
        let ledger = try String(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("../../migrations/001_create_ledger.sql"), encoding: .utf8)
        for index in 0..<count {
            let name = "\(prefix)_\(String(format: "%02d", index))"
            let conninfo = try cluster.createDatabase(name)
            try Connection(conninfo, options: .init(readOnly: false)).execute(ledger + "\nCREATE TABLE widgets (id bigint PRIMARY KEY);")
            names.append("local:\(cluster.port)/\(name)")
            conninfos.append(conninfo)
        }
        let setup = try Connection(control, options: .init(readOnly: false))
        try setup.execute("CREATE TABLE members (position int, db text)")
        for (index, name) in names.enumerated() {
            _ = try setup.query("INSERT INTO members VALUES ($1, $2)", [String(index), String(name.split(separator: "/").last!)])
        }
        for (index, row) in extraRows.enumerated() {
            _ = try setup.query("INSERT INTO members VALUES ($1, $2)", [String(count + index), row])
        }
        self.names = names
        self.conninfos = conninfos
        repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": """
                [gitgate]
                \tmigrations = migrations
                [gitgate "production"]
                \turl = "\(control)"
                \tdiscover = SELECT db FROM members ORDER BY position
                \tlockTimeout = 500ms
                \(extraGitgate)
                """,
            "migrations/001_create_widgets.sql": "CREATE TABLE widgets (id bigint PRIMARY KEY);\n",
        ], message: "Setup")
        worktree = try repo.addWorktree(branch: "feature")
        try repo.write(Self.addColor, "ALTER TABLE widgets ADD COLUMN color text;\n", in: worktree)
        _ = try repo.commit("Add color", in: worktree)
    }

    func gitgate(_ arguments: [String]) throws -> ShellResult {
        try GitGateBinary.run(arguments, in: worktree, environment: repo.environment)
    }

    func admin(_ index: Int) throws -> Connection {
        try Connection(conninfos[index], options: .init(readOnly: false))
    }
}

@Suite("fleets through the binary")
struct FleetCLITests {
    @Test("status: one line per fleet, the first few members per problem, --verbose all, JSON every member; an unreachable member is named and exits 2")
    func status() throws {
        let fleet = try FleetRepository(count: 6)
        // Two members already have 002 (ahead of the branch's merge).
        for index in [1, 4] {
            try fleet.admin(index).execute("ALTER TABLE widgets ADD COLUMN color text")
        }
        let blocked = try fleet.gitgate(["status"])
        #expect(blocked.status == 1, "\(blocked.stdout)\n\(blocked.stderr)")
        let lacking = [0, 2, 3, 5].map { fleet.names[$0] }
        let line = "production (gated: every database must have each migration): 2/6 databases up to date; 4 lack 002_add_color: \(lacking[0]), \(lacking[1]), \(lacking[2]) and 1 more"
        #expect(blocked.stdout.contains(line), "\(blocked.stdout)")
        #expect(blocked.stdout.contains("production: 4 of 6 databases lack \(FleetRepository.addColor)"), "\(blocked.stdout)")
        #expect(blocked.stdout.components(separatedBy: "\n").filter { $0.contains(fleet.names[0]) }.count == 2, "\(blocked.stdout)")

        let verbose = try fleet.gitgate(["status", "--verbose"])
        for name in lacking { #expect(verbose.stdout.contains("      \(name) "), "\(verbose.stdout)") }

        let json = try fleet.gitgate(["status", "--format", "json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        let production = try #require((object["targets"] as? [String: Any])?["production"] as? [String: Any])
        let members = try #require((production["fleet"] as? [String: Any])?["members"] as? [[String: Any]])
        #expect(members.map { $0["name"] as? String } == fleet.names)
        #expect(members.allSatisfy { $0["error"] is NSNull })
        #expect(((production["fleet"] as? [String: Any])?["upToDate"] as? Int) == 2)

        let one = try fleet.gitgate(["status", "--member", fleet.names[1]])
        #expect(one.status == 0, "\(one.stdout)\n\(one.stderr)")
        #expect(one.stdout.contains("1/6 databases up to date of 1 checked (--member)"), "\(one.stdout)")
        #expect(one.stdout.contains("only 1 of 6 databases were checked (--member); the gate checks every one"), "\(one.stdout)")
        #expect(one.stdout.contains("Production (the members chosen with --member) is up to date"), "\(one.stdout)")
    }

    @Test("a member that cannot be reached makes the fleet 'could not check'; its password shows nowhere")
    func unreachableMember() throws {
        let nowhere = FileManager.default.temporaryDirectory.appendingPathComponent("fleetcli-nothing-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: nowhere, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: nowhere) }
        let fleet = try FleetRepository(count: 3, extraRows: ["postgresql://app:sekrit-cli-pw@/gone?host=\(nowhere)&connect_timeout=2"])
        for index in 0..<3 { try fleet.admin(index).execute("ALTER TABLE widgets ADD COLUMN color text") }
        for format in ["text", "json"] {
            let result = try fleet.gitgate(["status", "--format", format])
            #expect(result.status == 2, "\(result.stdout)\n\(result.stderr)")
            #expect(!result.stdout.contains("sekrit-cli-pw") && !result.stderr.contains("sekrit-cli-pw"), "\(result.stdout)\n\(result.stderr)")
            #expect(result.stdout.contains("local/gone"), "\(result.stdout)")
            if format == "text" {
                #expect(result.stdout.contains("3/4 databases up to date; 1 could not be checked: local/gone"), "\(result.stdout)")
                #expect(result.stdout.contains("production: could not check 1 of 4 databases: local/gone"), "\(result.stdout)")
            }
        }
    }

    @Test("apply: stops at the first failing member, --continue goes past it, a third run resumes; one summary each")
    func applyContinueAndResume() throws {
        let fleet = try FleetRepository(count: 4)
        // The second member has no widgets table: 002 fails there.
        try fleet.admin(1).execute("DROP TABLE widgets")

        let first = try fleet.gitgate(["apply", "--yes"])
        #expect(first.status == 1, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("applied 002 on 1: \(fleet.names[0])"), "\(first.stdout)")
        #expect(first.stdout.contains("✗ \(fleet.names[1]): \(FleetRepository.addColor)"), "\(first.stdout)")
        #expect(first.stdout.contains("relation \"widgets\" does not exist"), "\(first.stdout)")
        #expect(first.stdout.contains("2 not started after the failure: \(fleet.names[2]), \(fleet.names[3])"), "\(first.stdout)")
        #expect(try fleet.admin(2).query("SELECT to_regclass('gitgate.migrations') IS NULL OR NOT EXISTS (SELECT 1 FROM gitgate.migrations WHERE version = '002') AS untouched")[0, "untouched"] == "t")

        let second = try fleet.gitgate(["apply", "--yes", "--continue", "--concurrency", "2"])
        #expect(second.status == 1, "\(second.stdout)\n\(second.stderr)")
        #expect(second.stdout.contains("applied 002 on 2: \(fleet.names[2]), \(fleet.names[3])"), "\(second.stdout)")
        #expect(second.stdout.contains("1 already up to date: \(fleet.names[0])"), "\(second.stdout)")
        #expect(second.stdout.contains("✗ \(fleet.names[1])"), "\(second.stdout)")
        #expect(!second.stdout.contains("not started"), "\(second.stdout)")

        try fleet.admin(1).execute("CREATE TABLE widgets (id bigint PRIMARY KEY)")
        let third = try fleet.gitgate(["apply", "--yes"])
        #expect(third.status == 0, "\(third.stdout)\n\(third.stderr)")
        #expect(third.stdout.contains("applied 002 on 1: \(fleet.names[1])"), "\(third.stdout)")
        #expect(third.stdout.contains("3 already up to date"), "\(third.stdout)")

        let status = try fleet.gitgate(["status"])
        #expect(status.status == 0, "\(status.stdout)\n\(status.stderr)")
        #expect(status.stdout.contains("Every database of production is up to date"), "\(status.stdout)")
    }

    @Test("concurrency 0 in .gitgate or on the command line is one clear line and the documented exit code")
    func concurrencyZero() throws {
        let fleet = try FleetRepository(count: 1, extraGitgate: "\tconcurrency = 0")
        let status = try fleet.gitgate(["status"])
        #expect(status.status == 2, "\(status.stdout)\n\(status.stderr)")
        #expect(status.stderr.hasPrefix("gitgate: "), "\(status.stderr)")
        #expect(status.stderr.contains("gitgate.production.concurrency = '0' is not a number of connections from 1 to 1024"), "\(status.stderr)")
        #expect(status.stderr.split(separator: "\n").count == 1, "\(status.stderr)")

        let ok = try FleetRepository(count: 1)
        let apply = try ok.gitgate(["apply", "--yes", "--concurrency", "0"])
        #expect(apply.status == 64, "\(apply.stdout)\n\(apply.stderr)")
        #expect(apply.stderr.hasPrefix("gitgate: --concurrency 0"), "\(apply.stderr)")
    }

    @Test("record on a fleet is refused before anything is written: it would write to the control database")
    func recordRefused() throws {
        let fleet = try FleetRepository(count: 1)
        let record = try fleet.gitgate(["record", "002", "--target", "production"])
        #expect(record.status == 1, "\(record.stdout)\n\(record.stderr)")
        #expect(record.stderr.hasPrefix("gitgate: gitgate record works on one database, and target production is a fleet"), "\(record.stderr)")
        let control = try Connection(fleet.control, options: .init(readOnly: false))
        #expect(try control.query("SELECT to_regclass('gitgate.migrations') IS NULL AS clean")[0, "clean"] == "t")
    }
}
