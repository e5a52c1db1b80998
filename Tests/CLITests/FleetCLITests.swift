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

        // --member shows one member, but status predicts the hook: the verdict is the whole fleet's.
        let one = try fleet.gitgate(["status", "--member", fleet.names[1]])
        #expect(one.status == 1, "\(one.stdout)\n\(one.stderr)")
        #expect(one.stdout.contains(line), "\(one.stdout)")
        #expect(one.stdout.contains("    ✓ \(fleet.names[1]): has 002_add_color applied by hand - "), "\(one.stdout)")
        #expect(one.stdout.contains("production: --member shows 1 of 6 databases; every one was checked, and the verdict is the gate's, which needs them all"), "\(one.stdout)")
        #expect(one.stdout.contains("✗ BLOCKED") && !one.stdout.contains("READY TO MERGE"), "\(one.stdout)")
        let first = try fleet.gitgate(["status", "--member", fleet.names[0]])
        #expect(first.status == 1, "\(first.stdout)\n\(first.stderr)")
        #expect(first.stdout.contains("    ✗ \(fleet.names[0]): lacks 002_add_color"), "\(first.stdout)")
        // When every member is up to date, --member passes too.
        for index in [0, 2, 3, 5] { try fleet.admin(index).execute("ALTER TABLE widgets ADD COLUMN color text") }
        let ready = try fleet.gitgate(["status", "--member", fleet.names[1]])
        #expect(ready.status == 0, "\(ready.stdout)\n\(ready.stderr)")
        #expect(ready.stdout.contains("Every database of production is up to date"), "\(ready.stdout)")
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

    @Test("Ctrl-C mid-member: the running migration commits with its ledger row, nothing after it starts, the summary names the members not started, exit 130")
    func interruptedApply() throws {
        let fleet = try FleetRepository(count: 3, extraGitgate: "\tapplyLockTimeout = 60s")
        try fleet.repo.write("migrations/003_add_size.sql", "ALTER TABLE widgets ADD COLUMN size bigint;\n", in: fleet.worktree)
        _ = try fleet.repo.commit("Add size", in: fleet.worktree)

        // Hold a lock on the first member's widgets: its 002 (ALTER TABLE) waits for it inside its transaction.
        let holder = try fleet.admin(0)
        try holder.execute("BEGIN; LOCK TABLE widgets IN ACCESS SHARE MODE")
        let (status, stdout, stderr) = try interrupt(fleet, whileMemberWaits: 0) { try holder.execute("ROLLBACK") }

        #expect(status == 130, "\(status)\n\(stdout)\n\(stderr)")
        #expect(stderr.hasPrefix("gitgate: interrupted (Ctrl-C): nothing new starts"), "\(stderr)")
        #expect(stdout.contains("! \(fleet.names[0]): interrupted after applying 002 (each recorded); not run: 003"), "\(stdout)")
        #expect(stdout.contains("2 not started because of the interrupt (Ctrl-C): \(fleet.names[1]), \(fleet.names[2])"), "\(stdout)")
        #expect(stdout.contains("run gitgate apply again to go on"), "\(stdout)")
        // The running member finished its migration: column and ledger row; 003 never started.
        func ledger(_ index: Int) throws -> [String?] {
            try fleet.admin(index).query("SELECT version FROM gitgate.migrations WHERE version IN ('002', '003') ORDER BY version").rows.map { $0[0] }
        }
        #expect(try ledger(0) == ["002"])
        #expect(try fleet.admin(0).query("SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'widgets' AND column_name IN ('color', 'size')")[0, "n"] == "1")
        // The members that did not start are untouched.
        for index in [1, 2] {
            #expect(try ledger(index).isEmpty)
            #expect(try fleet.admin(index).query("SELECT count(*) AS n FROM information_schema.columns WHERE table_name = 'widgets' AND column_name = 'color'")[0, "n"] == "0")
        }

        // It resumes: a second run applies what is pending everywhere.
        let again = try fleet.gitgate(["apply", "--yes"])
        #expect(again.status == 0, "\(again.stdout)\n\(again.stderr)")
        #expect(again.stdout.contains("applied 003 on 1: \(fleet.names[0])"), "\(again.stdout)")
        #expect(again.stdout.contains("applied 002, 003 on 2: \(fleet.names[1]), \(fleet.names[2])"), "\(again.stdout)")
    }

    @Test("Ctrl-C on one database: the running migration commits, the next stays pending, exit 130")
    func interruptedSingleApply() throws {
        let fleet = try FleetRepository(count: 1)
        // Main's policy makes the first member a plain target (one database).
        try fleet.repo.write(".gitgate", """
            [gitgate]
            \tmigrations = migrations
            [gitgate "production"]
            \turl = "\(fleet.conninfos[0])"
            \tapplyLockTimeout = 60s
            """)
        _ = try fleet.repo.commit("One database")
        try fleet.repo.write("migrations/003_add_size.sql", "ALTER TABLE widgets ADD COLUMN size bigint;\n", in: fleet.worktree)
        _ = try fleet.repo.commit("Add size", in: fleet.worktree)

        let holder = try fleet.admin(0)
        try holder.execute("BEGIN; LOCK TABLE widgets IN ACCESS SHARE MODE")
        let (status, stdout, stderr) = try interrupt(fleet, whileMemberWaits: 0) { try holder.execute("ROLLBACK") }
        #expect(status == 130, "\(status)\n\(stdout)\n\(stderr)")
        #expect(stdout.contains("INTERRUPTED (Ctrl-C): 1 migration applied and recorded before it; no migration started after it"), "\(stdout)")
        #expect(stdout.contains("not run: migrations/003_add_size.sql"), "\(stdout)")
        #expect(try fleet.admin(0).query("SELECT string_agg(version, ',' ORDER BY version) AS v FROM gitgate.migrations WHERE version IN ('002', '003')")[0, "v"] == "002")
    }

    /// Runs `gitgate apply --yes` as a child process; once its session waits for a lock on
    /// member `index`'s widgets (the test holds it), sends SIGINT, waits for gitgate to say it
    /// took it, then `release`s the lock. Event-driven: pg_locks, then gitgate's stderr.
    private func interrupt(_ fleet: FleetRepository, whileMemberWaits index: Int,
                           release: () throws -> Void) throws -> (status: Int32, stdout: String, stderr: String) {
        let output = try ScratchFiles()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: GitGateBinary.path)
        process.arguments = ["apply", "--yes"]
        process.currentDirectoryURL = URL(fileURLWithPath: fleet.worktree)
        var environment = fleet.repo.environment
        environment["NO_COLOR"] = "1"
        process.environment = environment
        process.standardOutput = try FileHandle(forWritingTo: output.stdout)
        process.standardError = try FileHandle(forWritingTo: output.stderr)
        process.standardInput = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL); process.waitUntilExit() } }

        // The event: gitgate's session waits for our lock, so that member is mid-migration.
        let observer = try fleet.admin(index)
        var waiting = false
        let deadline = ContinuousClock.now + .seconds(60)
        while !waiting && process.isRunning && ContinuousClock.now < deadline {
            waiting = try observer.query("SELECT 1 FROM pg_locks WHERE database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND relation = 'widgets'::regclass AND NOT granted").count > 0
            if !waiting { Thread.sleep(forTimeInterval: 0.02) }
        }
        #expect(waiting, "the apply never waited on the lock: \(output.read())")
        kill(process.processIdentifier, SIGINT)
        // The next event: gitgate says it took the interrupt; only then does the lock go.
        while !output.read().stderr.contains("gitgate: interrupted (Ctrl-C)") && process.isRunning && ContinuousClock.now < deadline {
            Thread.sleep(forTimeInterval: 0.02)
        }
        try release()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit, "killed by a signal: \(output.read())")
        let (stdout, stderr) = output.read()
        return (process.terminationStatus, stdout, stderr)
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

/// Two files a child process writes its stdout and stderr to, read while it runs.
private struct ScratchFiles {
    let stdout: URL
    let stderr: URL

    init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("fleetcli-out-" + UUID().uuidString)
        stdout = base.appendingPathExtension("stdout")
        stderr = base.appendingPathExtension("stderr")
        for url in [stdout, stderr] {
            guard FileManager.default.createFile(atPath: url.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        }
    }

    func read() -> (stdout: String, stderr: String) {
        ((try? String(contentsOf: stdout, encoding: .utf8)) ?? "", (try? String(contentsOf: stderr, encoding: .utf8)) ?? "")
    }
}
