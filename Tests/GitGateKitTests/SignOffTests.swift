import Foundation
import GitGateKit
import Testing
import TestSupport

@Suite("sign-off and gitgate log")
struct SignOffTests {
    /// The world's environment without git's author variables, so the repository's user.name and
    /// user.email are what signs.
    static func environment(_ world: ApplyWorld) -> [String: String] {
        world.environment.filter { !$0.key.hasPrefix("GIT_AUTHOR_") }
    }

    static func options(_ world: ApplyWorld, schema: [LedgerSchemaStep] = LedgerSchema.embedded) -> ApplyOptions {
        ApplyOptions(lockWait: .seconds(30), environment: environment(world), ledgerSchema: schema)
    }

    static func apply(_ world: ApplyWorld, schema: [LedgerSchemaStep] = LedgerSchema.embedded) throws {
        let applier = try Applier(at: world.worktree, target: nil, options: options(world, schema: schema))
        let result = try applier.apply(try applier.plan())
        #expect(result.failure == nil, "\(String(describing: result.failure))")
    }

    static func log(_ world: ApplyWorld) throws -> DeploymentLog.TargetLog {
        let log = try DeploymentLog.read(at: world.worktree, environment: environment(world))
        #expect(log.targets.map(\.target) == ["production"])
        return try #require(log.targets.first)
    }

    @Test("apply and rollback sign in the ledger; the rollback keeps a history row; log lists both, newest first", .database)
    func applyAndRollback() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_a.sql": "CREATE TABLE a (id int);\n"])
        let head = try world.repo.sha("HEAD", in: world.worktree)
        #expect(try Self.log(world).ledger == DeploymentLog.LedgerState.none)

        try Self.apply(world)
        #expect(try world.column("SELECT git_user_name || ' <' || git_user_email || '> ' || git_commit || ' ' || git_branch FROM gitgate.migrations")
                == ["\(TestRepository.identity.name) <\(TestRepository.identity.email)> \(head) feature"])
        #expect(try world.column("SELECT host IS NOT NULL AND host <> '' FROM gitgate.migrations") == ["t"])

        let rollbacker = try Rollbacker(at: world.worktree, target: "production", versions: [],
                                        options: RollbackOptions(lockWait: .seconds(30), environment: Self.environment(world)))
        let result = try rollbacker.run(try rollbacker.plan())
        #expect(result.rolledBack.count == 1, "\(String(describing: result.failure))")
        #expect(try world.ledger() == [])
        #expect(try world.column("SELECT action FROM gitgate.history ORDER BY id") == ["applied", "rolled-back"])

        let log = try Self.log(world)
        #expect(log.ledger == .history)
        #expect(log.error == nil)
        #expect(log.events.map(\.action) == [.rolledBack, .applied])
        for event in log.events {
            #expect(event.version == "001")
            #expect(event.path == "migrations/001_a.sql")
            #expect(event.signOff.gitUserName == TestRepository.identity.name)
            #expect(event.signOff.gitUserEmail == TestRepository.identity.email)
            #expect(event.signOff.commit == head)
            #expect(event.signOff.branch == "feature")
            #expect(event.signOff.host?.isEmpty == false)
            #expect(event.signOff.osUser?.isEmpty == false)
            #expect(event.dbUser?.isEmpty == false)
        }
        #expect(log.events[1].durationMs != nil)
        #expect(log.events[0].at >= log.events[1].at)
    }

    @Test("record and baseline sign too: recorded, baselined, with the --unverified reason", .database)
    func recordAndBaseline() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(),
                                   branch: ["002_b.sql": "CREATE TABLE b (id int);\nUPDATE b SET id = 1;\n"],
                                   main: ["migrations/001_a.sql": "CREATE TABLE a (id int);\n"])
        try world.connect().execute("CREATE TABLE a (id int); CREATE TABLE b (id int)")
        let outcome = try Baseline.run(at: world.repo.path, target: "production", through: nil, unverified: false, reason: nil,
                                       options: Self.options(world))
        #expect(outcome.entries.map(\.recorded) == [true])
        let recorder = try Recorder(at: world.worktree, target: "production", options: Self.options(world))
        _ = try recorder.record(["002"], unverified: true, reason: "ran it in psql")

        let log = try Self.log(world)
        #expect(log.events.map(\.action) == [.recorded, .baselined])
        #expect(log.events.map(\.version) == ["002", "001"])
        #expect(log.events.map(\.reason) == ["ran it in psql", nil])
        #expect(log.events.map(\.signOff.branch) == ["feature", "main"])
        #expect(log.events.allSatisfy { $0.signOff.gitUserEmail == TestRepository.identity.email })
        #expect(try world.ledger() == ["001:recorded", "002:recorded"])
    }

    @Test("a ledger from before the sign-off is listed as it is, and its rows become history when it is upgraded", .database)
    func upgradeKeepsHistory() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["001_a.sql": "CREATE TABLE a (id int);\n"])
        let before = LedgerSchema.embedded.filter { $0.version < "003" }
        #expect(before.map(\.version) == ["001", "002"])
        // What a gitgate before the sign-off left: its schema steps, the table, and its ledger row.
        let head = try world.repo.sha("HEAD", in: world.worktree)
        let connection = try world.connect()
        for step in before {
            try connection.execute(step.sql + ";\nINSERT INTO gitgate.ledger_schema (version) VALUES ('\(step.version)')")
        }
        try connection.execute("""
            CREATE TABLE a (id int);
            INSERT INTO gitgate.migrations (version, name, path, checksum, db_user, os_user, git_commit, git_branch, duration_ms, how)
            VALUES ('001', 'a', 'migrations/001_a.sql', '\(Migration(version: "001", name: "a", path: "migrations/001_a.sql", source: .committed, contents: Data("CREATE TABLE a (id int);\n".utf8)).checksum)',
                    session_user, 'olduser', '\(head)', 'feature', 12, 'applied')
            """)
        #expect(try world.exists("gitgate.history") == false)

        let old = try Self.log(world)
        #expect(old.ledger == .beforeSignOff)
        #expect(old.events.map(\.action) == [.applied])
        #expect(old.events.first?.signOff.gitUserName == nil)
        #expect(old.events.first?.signOff.commit == head)
        #expect(old.events.first?.signOff.osUser == "olduser")

        try world.add(["002_b.sql": "CREATE TABLE b (id int);\n"])
        try Self.apply(world)
        #expect(try world.column("SELECT version FROM gitgate.ledger_schema ORDER BY 1") == LedgerSchema.embedded.map(\.version))
        let upgraded = try Self.log(world)
        #expect(upgraded.ledger == .history)
        #expect(upgraded.events.map(\.version) == ["002", "001"])
        #expect(upgraded.events.map(\.action) == [.applied, .applied])
        #expect(upgraded.events.map(\.signOff.gitUserName) == [TestRepository.identity.name, nil])
        #expect(upgraded.events.map(\.signOff.osUser).last == "olduser")
        #expect(upgraded.events.map(\.durationMs).last == 12)
    }

    @Test("log refuses another tool's ledger; an unknown target is a usage error", .database)
    func refusals() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [:], ledger: .flyway)
        let other = try #require(throws: GitGateError.self) { try DeploymentLog.read(at: world.worktree, environment: world.environment) }
        #expect(other.kind == .refused)
        #expect(other.message.hasPrefix("gitgate log lists gitgate's own ledger (gitgate.history): this repository uses flyway's"), "\(other.message)")

        let mine = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [:])
        let unknown = try #require(throws: GitGateError.self) {
            try DeploymentLog.read(at: mine.worktree, targets: ["staging"], environment: mine.environment)
        }
        #expect(unknown.kind == .usage)
    }
}
