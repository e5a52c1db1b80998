import Digest
import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// gitgate's ledger schema, as the repository ships it.
private let ledgerSchema = try! String(
    contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("../../migrations/001_create_ledger.sql"), encoding: .utf8)

let detections = """
    -- the checklist's first migration
    CREATE TABLE IF NOT EXISTS security_detections (
        id bigserial PRIMARY KEY,
        user_id integer NOT NULL,
        kind text NOT NULL,
        CONSTRAINT detections_kind_check CHECK (kind <> '')
    );
    CREATE INDEX IF NOT EXISTS security_detections_user_idx ON security_detections (user_id);
    COMMENT ON TABLE security_detections IS 'what the scanner found';
    """

func migration(_ version: String, _ name: String, _ sql: String) -> Migration {
    Migration(version: version, name: name, path: "migrations/\(version)_\(name).sql", source: .committed, contents: Data(sql.utf8))
}

func admin(_ conninfo: String) throws -> Connection {
    try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
}

private func record(_ migration: Migration, checksum: String? = nil, in conninfo: String) throws {
    let connection = try admin(conninfo)
    try connection.execute(ledgerSchema)
    _ = try connection.query(
        "INSERT INTO gitgate.migrations (version, name, path, checksum, how) VALUES ($1, $2, $3, $4, 'applied')",
        [migration.version, migration.name, migration.path, checksum ?? migration.checksum])
}

func states(_ conninfo: String, _ migrations: [Migration], ledger: LedgerKind = .gitgate) throws -> [String: TargetStatus] {
    let check = TargetChecker(ledger: ledger).check([Target(name: "production", connection: .conninfo(conninfo))], migrations: migrations)
    return try #require(check.first).outcome.get()
}

@Suite struct TargetCheckTests {
    let m3 = migration("003", "create_security_detections", detections)

    @Test(.database) func pendingWhenNothingIsThere() throws {
        let status = try #require(try states(TestDatabase.conninfo(), [m3])["003"])
        #expect(status.state == .pending)
        #expect(status.detail.contains("no ledger table"))
        #expect(status.detail.contains("security_detections"))
    }

    @Test(.database) func appliedWhenRecordedWithTheSameChecksumAndObjectsExist() throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute(detections)
        try record(m3, in: db)
        let status = try #require(try states(db, [m3])["003"])
        #expect(status.state == .applied, "\(status)")
        #expect(status.detail.contains("checksum matches"))
    }

    @Test(.database) func appliedByHandWhenObjectsExistWithoutARecord() throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute(detections)
        let status = try #require(try states(db, [m3])["003"])
        #expect(status.state == .appliedByHand, "\(status)")
    }

    @Test(.database) func modifiedWhenTheChecksumDiffers() throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute(detections)
        try record(m3, checksum: SHA256.hex("an older version of the file"), in: db)
        #expect(try states(db, [m3])["003"]?.state == .modified)
    }

    @Test(.database, arguments: [
        ("DROP INDEX security_detections_user_idx", "index"),
        ("ALTER TABLE security_detections DROP COLUMN kind", "column"),
        ("DROP TABLE security_detections", "table"),
    ])
    func objectsMissingAfterDrift(drift: String, what: String) throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute(detections)
        try record(m3, in: db)
        try admin(db).execute(drift)
        let status = try #require(try states(db, [m3])["003"])
        #expect(status.state == .objectsMissing, "\(status)")
        #expect(status.detail.contains(what))
    }

    @Test(.database) func aLaterBranchMigrationThatDropsAnObjectIsTakenIntoAccount() throws {
        let db = try TestDatabase.conninfo()
        let m4 = migration("004", "drop_kind", "ALTER TABLE security_detections DROP COLUMN kind;")
        try admin(db).execute(detections + ";\n" + m4.sql!)
        try record(m3, in: db)
        try record(m4, in: db)
        let result = try states(db, [m3, m4])
        #expect(result["003"]?.state == .applied, "\(String(describing: result["003"]))")
        #expect(result["004"]?.state == .applied)
    }

    /// Every probed name travels inside array literals: quotes, backslashes, commas, braces and
    /// the word NULL must reach the catalog unchanged, one way (applied) and the other (pending).
    @Test(.database) func namesThatNeedEscapingAreProbedExactly() throws {
        let db = try TestDatabase.conninfo()
        let odd = migration("006", "odd_names", #"""
            CREATE SCHEMA IF NOT EXISTS "Sch,ema{1}";
            CREATE TABLE IF NOT EXISTS "Sch,ema{1}"."it's ""quoted"" \ {x,y}" (
                "NULL" integer, "a,b" text, "back\slash" text, "br{ce}" text
            );
            CREATE INDEX IF NOT EXISTS "idx ""NULL"", \" ON "Sch,ema{1}"."it's ""quoted"" \ {x,y}" ("a,b");
            """#)
        let before = try #require(try states(db, [odd])["006"])
        #expect(before.state == .pending, "\(before)")
        try admin(db).execute(odd.sql!)
        let after = try #require(try states(db, [odd])["006"])
        #expect(after.state == .appliedByHand, "\(after)")
        #expect(after.detail.contains("all 7 catalog objects exist"), "\(after)")
    }

    /// The check's session is read-only and runs without JIT: a ledger view whose recorder
    /// column reports the reading session's own settings shows what the server applied.
    @Test(.database) func theCheckSessionIsReadOnlyWithoutJIT() throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute(detections)
        try admin(db).execute("""
            CREATE SCHEMA gitgate;
            CREATE VIEW gitgate.migrations AS SELECT '003'::text AS version, '\(m3.checksum)'::text AS checksum,
                'applied'::text AS how, now() AS applied_at,
                'jit=' || current_setting('jit') || ',read_only=' || current_setting('transaction_read_only') AS db_user;
            """)
        #expect(try admin(db).query("SELECT current_setting('jit') AS jit")[0, "jit"] == "on")
        let status = try #require(try states(db, [m3])["003"])
        #expect(status.state == .applied, "\(status)")
        #expect(status.detail.contains("by jit=off,read_only=on"), "\(status)")
    }

    @Test(.database) func aDataOnlyMigrationIsPendingUntilRecorded() throws {
        let db = try TestDatabase.conninfo()
        let fix = migration("005", "backfill", "UPDATE pg_catalog.pg_class SET relname = relname WHERE false;")
        let status = try #require(try states(db, [fix])["005"])
        #expect(status.state == .pending)
        #expect(status.cause == .unprovable)
        #expect(status.detail.contains("line 1 (UPDATE) cannot be confirmed"), "\(status.detail)")
    }

    @Test(.database) func twoGatedTargetsWhereOneLags() throws {
        let ahead = try TestDatabase.conninfo()
        let behind = try TestDatabase.make()
        try admin(ahead).execute(detections)
        try record(m3, in: ahead)
        let checks = TargetChecker(ledger: .gitgate).check([
            Target(name: "eu", connection: .conninfo(ahead)),
            Target(name: "us", connection: .conninfo(behind)),
        ], migrations: [m3])
        #expect(checks.map(\.target) == ["eu", "us"])
        #expect(checks[0].states?["003"]?.state == .applied)
        #expect(checks[1].states?["003"]?.state == .pending)
    }

    // MARK: Other tools' ledgers, created the way each tool creates them

    @Test(.database) func flywayLedger() throws {
        let db = try TestDatabase.conninfo()
        let file = migration("3", "create_security_detections", detections)
        try admin(db).execute(detections + """
            ;
            CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50),
              description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL,
              checksum INTEGER, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),
              execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL);
            INSERT INTO flyway_schema_history VALUES
              (1, '3', 'create security detections', 'SQL', 'V3__create_security_detections.sql', \(flywayChecksum(detections)), 'ci', now(), 12, true);
            """)
        #expect(try states(db, [file], ledger: .flyway)["3"]?.state == .applied)
        // A different checksum is a modified file.
        try admin(db).execute("UPDATE flyway_schema_history SET checksum = checksum + 1")
        #expect(try states(db, [file], ledger: .flyway)["3"]?.state == .modified)
    }

    @Test(.database) func golangMigrateLedger() throws {
        let db = try TestDatabase.conninfo()
        let file = migration("3", "create_security_detections", detections)
        try admin(db).execute(detections + ";\nCREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL); INSERT INTO schema_migrations VALUES (3, false)")
        #expect(try states(db, [file], ledger: .golangMigrate)["3"]?.state == .applied)
        try admin(db).execute("UPDATE schema_migrations SET dirty = true")
        #expect(try states(db, [file], ledger: .golangMigrate)["3"]?.state == .pending)
    }

    @Test(.database) func dbmateLedger() throws {
        let db = try TestDatabase.conninfo()
        let file = migration("20240101120000", "create_security_detections", detections)
        try admin(db).execute("CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)")
        #expect(try states(db, [file], ledger: .dbmate)["20240101120000"]?.state == .pending)
        try admin(db).execute(detections + ";\nINSERT INTO schema_migrations VALUES ('20240101120000')")
        #expect(try states(db, [file], ledger: .dbmate)["20240101120000"]?.state == .applied)
    }

    @Test(.database) func sqitchLedger() throws {
        let db = try TestDatabase.conninfo()
        let file = migration("003", "create_security_detections", detections)
        try admin(db).execute(detections + """
            ;
            CREATE SCHEMA sqitch;
            CREATE TABLE sqitch.changes (change_id TEXT PRIMARY KEY, script_hash TEXT, change TEXT NOT NULL, project TEXT NOT NULL,
              note TEXT NOT NULL DEFAULT '', committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
              committer_name TEXT NOT NULL, committer_email TEXT NOT NULL, planned_at TIMESTAMPTZ NOT NULL,
              planner_name TEXT NOT NULL, planner_email TEXT NOT NULL);
            INSERT INTO sqitch.changes VALUES ('abc', '\(SHA1.hex(Data(detections.utf8)))', 'create_security_detections', 'app', '',
              now(), 'ci', 'ci@example.com', now(), 'ci', 'ci@example.com');
            """)
        #expect(try states(db, [file], ledger: .sqitch)["003"]?.state == .applied)
    }

    // MARK: Failing closed: every failure to check is an error for that target, never a pass

    @Test func nothingListening() throws {
        let check = TargetChecker(ledger: .gitgate).check(
            [Target(name: "production", connection: .conninfo("host=127.0.0.1 port=1 dbname=x user=x"), connectTimeout: 2)],
            migrations: [m3])
        let error = try #require(check.first.flatMap { if case .failure(let e) = $0.outcome { e } else { nil } })
        #expect(error.exitCode == 2)
        #expect(error.message.contains("target production"))
    }

    @Test func aSocketThatAcceptsAndNeverAnswers() throws {
        let listener = try SilentListener()
        let started = ContinuousClock.now
        let check = TargetChecker(ledger: .gitgate).check(
            [Target(name: "production", connection: .conninfo("host=127.0.0.1 port=\(listener.port) dbname=x user=x"), connectTimeout: 2)],
            migrations: [m3])
        #expect(ContinuousClock.now - started < .seconds(15))
        let error = try #require(check.first.flatMap { if case .failure(let e) = $0.outcome { e } else { nil } })
        #expect(error.message.contains("trusted sources"))
    }

    @Test(.database) func anExclusiveLockOnACatalogTableEndsInATimeout() async throws {
        let db = try TestDatabase.conninfo()
        let holder = try admin(db)
        try holder.execute("BEGIN; LOCK TABLE pg_catalog.pg_constraint IN ACCESS EXCLUSIVE MODE")
        defer { try? holder.execute("ROLLBACK") }
        let check = TargetChecker(ledger: .gitgate).check(
            [Target(name: "production", connection: .conninfo(db), statementTimeoutMs: 2_000, lockTimeoutMs: 500)],
            migrations: [m3])
        let error = try #require(check.first.flatMap { if case .failure(let e) = $0.outcome { e } else { nil } })
        #expect(error.message.contains("55P03") || error.message.contains("57014"), "\(error)")
    }

    @Test(.database) func aWrongPasswordIsNeverPrinted() throws {
        let cluster = try TestPostgres.cluster()
        let secret = "s3cret-Pa55-\(UUID().uuidString.prefix(8))"
        try admin(TestDatabase.conninfo()).execute("CREATE ROLE gg_reader LOGIN PASSWORD 'right-password'")
        let conninfo = try #require(cluster.tcpConninfo(user: "gg_reader", password: secret))
        let check = TargetChecker(ledger: .gitgate, environment: ["PRODUCTION_URL": conninfo]).check(
            [Target(name: "production", connection: .environment("PRODUCTION_URL"), connectTimeout: 5)], migrations: [m3])
        let error = try #require(check.first.flatMap { if case .failure(let e) = $0.outcome { e } else { nil } })
        #expect(!error.message.contains(secret))
        #expect(error.message.contains("password"))
        #expect(error.exitCode == 2)
    }

    @Test func anUnsetEnvironmentVariable() throws {
        let check = TargetChecker(ledger: .gitgate, environment: [:]).check(
            [Target(name: "production", connection: .environment("DATABASE_URL"))], migrations: [m3])
        let error = try #require(check.first.flatMap { if case .failure(let e) = $0.outcome { e } else { nil } })
        #expect(error.message.contains("DATABASE_URL is not set"))
    }

    @Test(.database) func permissionDeniedOnTheLedger() throws {
        let db = try TestDatabase.conninfo()
        try record(m3, in: db)
        let role = "gg_nobody_\(UUID().uuidString.prefix(6).lowercased())"
        try admin(db).execute("CREATE ROLE \(role) LOGIN; REVOKE ALL ON SCHEMA gitgate FROM PUBLIC")
        let asRole = db.replacingOccurrences(of: "user=postgres", with: "user=\(role)")
        let check = TargetChecker(ledger: .gitgate).check([Target(name: "production", connection: .conninfo(asRole))], migrations: [m3])
        let error = try #require(check.first.flatMap { if case .failure(let e) = $0.outcome { e } else { nil } })
        #expect(error.message.contains("42501"), "\(error)")
    }
}

/// Flyway's checksum, computed independently of gitgate's: CRC-32 of the lines without endings.
private func flywayChecksum(_ text: String) -> Int32 {
    var crc: UInt32 = 0xFFFF_FFFF
    for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
        for byte in line.utf8 {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
    }
    return Int32(bitPattern: ~crc)
}

