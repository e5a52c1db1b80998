import Digest
import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// A migration as a layout reports it: the version as written in the file name, the file's path.
private func file(_ version: String, _ path: String, sql: String = detections, bytes: Data? = nil,
                  changeset: Migration.Changeset? = nil) -> Migration {
    Migration(version: version, name: "create_security_detections", path: path, source: .committed,
              contents: Data(sql.utf8), file: bytes, changeset: changeset)
}

/// Each tool's ledger table is created with the tool's own DDL (from its source) and filled with
/// the rows the tool writes; the checker must read it as the tool does.
@Suite struct LedgerTests {
    // MARK: goose

    /// internal/dialect/dialectquery/postgres.go CreateTable; the table's creation inserts version 0.
    static let gooseTable = """
        CREATE TABLE goose_db_version (
            id serial NOT NULL,
            version_id bigint NOT NULL,
            is_applied boolean NOT NULL,
            tstamp timestamp NULL default now(),
            PRIMARY KEY(id)
        );
        INSERT INTO goose_db_version (version_id, is_applied) VALUES (0, true);
        """

    @Test(.database) func gooseReadsTheVersionAsANumberAndTheNewestRowDecides() throws {
        let db = try TestDatabase.conninfo()
        let third = file("00003", "db/migrations/00003_create_security_detections.sql")
        let fourth = file("00004", "db/migrations/00004_add_note.sql", sql: "ALTER TABLE security_detections ADD COLUMN note text")
        try admin(db).execute(detections + ";\n" + Self.gooseTable + """
            INSERT INTO goose_db_version (version_id, is_applied) VALUES (3, true);
            """)
        var result = try states(db, [third, fourth], ledger: .goose)
        // 00003 is stored as 3 (ParseInt); version 0 is the table's own row, not a migration.
        #expect(result["00003"]?.state == .applied)
        #expect(result["00003"]?.detail.contains("goose_db_version as version 3") == true)
        #expect(result["00004"]?.state == .pending)
        #expect(result["00004"]?.detail.contains("not in the ledger") == true)

        // An older goose rolled back by appending is_applied = false: the newest row (highest id) decides.
        try admin(db).execute("INSERT INTO goose_db_version (version_id, is_applied) VALUES (3, false)")
        result = try states(db, [third], ledger: .goose)
        #expect(result["00003"]?.state == .pending)
        #expect(result["00003"]?.detail.contains("is_applied = false") == true)
        try admin(db).execute("INSERT INTO goose_db_version (version_id, is_applied) VALUES (3, true)")
        #expect(try states(db, [third], ledger: .goose)["00003"]?.state == .applied)
    }

    // MARK: diesel

    @Test(.database) func dieselStripsTheDashesFromTheFolderVersion() throws {
        let db = try TestDatabase.conninfo()
        let applied = file("2019-02-26-002946", "migrations/2019-02-26-002946_create_security_detections/up.sql")
        let later = file("2019-03-01-101010", "migrations/2019-03-01-101010_add_note/up.sql",
                         sql: "ALTER TABLE security_detections ADD COLUMN note text")
        // diesel/src/migration/setup_migration_table.sql, and the row `diesel migration run` inserts.
        try admin(db).execute(detections + """
            ;
            CREATE TABLE IF NOT EXISTS __diesel_schema_migrations (
                   version VARCHAR(50) PRIMARY KEY NOT NULL,
                   run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
            );
            INSERT INTO __diesel_schema_migrations (version) VALUES ('20190226002946');
            """)
        let result = try states(db, [applied, later], ledger: .diesel)
        #expect(result["2019-02-26-002946"]?.state == .applied)
        #expect(result["2019-02-26-002946"]?.detail.contains("as 20190226002946") == true)
        #expect(result["2019-03-01-101010"]?.state == .pending)
    }

    // MARK: prisma

    /// flavour/postgres.rs create_migrations_table.
    static let prismaTable = """
        CREATE TABLE _prisma_migrations (
            id                      VARCHAR(36) PRIMARY KEY NOT NULL,
            checksum                VARCHAR(64) NOT NULL,
            finished_at             TIMESTAMPTZ,
            migration_name          VARCHAR(255) NOT NULL,
            logs                    TEXT,
            rolled_back_at          TIMESTAMPTZ,
            started_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
            applied_steps_count     INTEGER NOT NULL DEFAULT 0
        );
        """

    @Test(.database) func prismaAppliedFailedRolledBackAndModified() throws {
        let db = try TestDatabase.conninfo()
        let name = "20240101120000_create_security_detections"
        let migration = file("20240101120000", "prisma/migrations/\(name)/migration.sql")
        let checksum = SHA256.hex(Data(detections.utf8))
        try admin(db).execute(detections + ";\n" + Self.prismaTable)

        // A failed deploy: started, never finished, not rolled back. It blocks prisma migrate deploy.
        try admin(db).execute("""
            INSERT INTO _prisma_migrations (id, checksum, migration_name, logs, started_at)
            VALUES ('00000000-0000-4000-8000-000000000001', '\(checksum)', '\(name)', 'ERROR: relation exists', now() - interval '2 hours')
            """)
        var status = try #require(try states(db, [migration], ledger: .prisma)["20240101120000"])
        #expect(status.state == .pending)
        #expect(status.detail.contains("failed: ERROR: relation exists"))
        #expect(status.detail.contains("prisma migrate resolve"))

        // `prisma migrate resolve --rolled-back` sets rolled_back_at: deploy runs it again.
        try admin(db).execute("UPDATE _prisma_migrations SET rolled_back_at = now()")
        status = try #require(try states(db, [migration], ledger: .prisma)["20240101120000"])
        #expect(status.state == .pending)
        #expect(status.detail.contains("rolled_back_at"))

        // Then a successful deploy: a new row, finished.
        try admin(db).execute("""
            INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
            VALUES ('00000000-0000-4000-8000-000000000002', '\(checksum)', '\(name)', now(), now(), 1)
            """)
        status = try #require(try states(db, [migration], ledger: .prisma)["20240101120000"])
        #expect(status.state == .applied)
        #expect(status.detail.contains("checksum matches"))

        // Another checksum: the file changed after it was applied.
        try admin(db).execute("UPDATE _prisma_migrations SET checksum = '\(SHA256.hex("something else"))' WHERE finished_at IS NOT NULL")
        #expect(try states(db, [migration], ledger: .prisma)["20240101120000"]?.state == .modified)
    }

    @Test(.database, arguments: [
        // Checked out with CRLF, applied from an LF checkout …
        ("line one;\r\nline two;\r\n", "line one;\nline two;\n"),
        // … and the other way round.
        ("line one;\nline two;\n", "line one;\r\nline two;\r\n"),
    ])
    func prismaAcceptsEitherLineEnding(onDisk: String, applied: String) throws {
        let db = try TestDatabase.conninfo()
        let name = "20240101120000_data"
        let migration = file("20240101120000", "prisma/migrations/\(name)/migration.sql", sql: onDisk, bytes: Data(onDisk.utf8))
        try admin(db).execute(Self.prismaTable + """
            INSERT INTO _prisma_migrations (id, checksum, migration_name, finished_at, applied_steps_count)
            VALUES ('00000000-0000-4000-8000-000000000003', '\(SHA256.hex(Data(applied.utf8)))', '\(name)', now(), 1);
            """)
        let status = try #require(try states(db, [migration], ledger: .prisma)["20240101120000"])
        #expect(status.state == .applied)
        #expect(status.detail.contains("checksum matches"))
    }

    // MARK: pop

    /// gobuffalo/pop: the fizz table of schema_migrations.go, as fizz renders it for PostgreSQL.
    static let gobuffaloTable = """
        CREATE TABLE "schema_migration" ("version" VARCHAR (14) NOT NULL, PRIMARY KEY("version"));
        CREATE UNIQUE INDEX "schema_migration_version_idx" ON "schema_migration" (version);
        """
    /// ory/x popx/migrator.go createTransactionalMigrationTable.
    static let popxTable = """
        CREATE TABLE schema_migration (version VARCHAR (48) NOT NULL, version_self INT NOT NULL DEFAULT 0);
        CREATE UNIQUE INDEX schema_migration_version_idx ON schema_migration (version);
        CREATE INDEX schema_migration_version_self_idx ON schema_migration (version_self);
        """

    @Test(.database) func popAppliedByVersionAsWritten() throws {
        let db = try TestDatabase.conninfo()
        let applied = file("20240101120000", "migrations/20240101120000_create_security_detections.up.sql")
        let pending = file("20240102120000", "migrations/20240102120000_add_note.up.sql",
                           sql: "ALTER TABLE security_detections ADD COLUMN note text")
        try admin(db).execute(detections + ";\n" + Self.gobuffaloTable + """
            insert into schema_migration (version) values ('20240101120000');
            """)
        let result = try states(db, [applied, pending], ledger: .pop)
        #expect(result["20240101120000"]?.state == .applied)
        #expect(result["20240102120000"]?.state == .pending)
    }

    /// popx counts a long version applied when a legacy row holds its first 14 characters; gobuffalo
    /// does not (its objects exist, so without a row it is applied by hand).
    @Test(.database, arguments: [(true, MigrationState.applied), (false, MigrationState.appliedByHand)])
    func popxLegacyFourteenCharacterRows(popx: Bool, expected: MigrationState) throws {
        let db = try TestDatabase.conninfo()
        let long = file("20240101120000000001", "migrations/20240101120000000001_create_security_detections.up.sql")
        try admin(db).execute(detections + ";\n" + (popx ? Self.popxTable : Self.gobuffaloTable) + """
            INSERT INTO schema_migration (version) VALUES ('20240101120000');
            """)
        let status = try #require(try states(db, [long], ledger: .pop)["20240101120000000001"])
        #expect(status.state == expected)
        #expect(status.detail.contains(popx ? "first 14 characters" : "not in the ledger"))
    }

    // MARK: Atlas

    /// The revisions table Atlas's ent schema creates (ent/schema/revision.go), in its default schema.
    static let atlasTable = """
        CREATE SCHEMA atlas_schema_revisions;
        CREATE TABLE atlas_schema_revisions.atlas_schema_revisions (
            version character varying NOT NULL,
            description character varying NOT NULL,
            type bigint NOT NULL DEFAULT 2,
            applied bigint NOT NULL DEFAULT 0,
            total bigint NOT NULL DEFAULT 0,
            executed_at timestamptz NOT NULL,
            execution_time bigint NOT NULL,
            error text NULL,
            error_stmt text NULL,
            hash character varying NOT NULL,
            partial_hashes jsonb NULL,
            operator_version character varying NOT NULL,
            PRIMARY KEY (version)
        );
        INSERT INTO atlas_schema_revisions.atlas_schema_revisions
            (version, description, type, applied, total, executed_at, execution_time, hash, operator_version)
            VALUES ('.atlas_cloud_identifier', '6f1f6ac8-0c7e-4b4e-9a38-2d2b0e0c9f4a', 2, 0, 0, now(), 0, '', 'Atlas CLI v0.30.0');
        """

    @Test(.database) func atlasDoneWhenAppliedEqualsTotal() throws {
        let db = try TestDatabase.conninfo()
        let done = file("20240101120000", "migrations/20240101120000_create_security_detections.sql")
        let broken = file("20240102120000", "migrations/20240102120000_add_note.sql",
                          sql: "ALTER TABLE security_detections ADD COLUMN note text; ALTER TABLE security_detections ADD COLUMN kind2 text")
        try admin(db).execute(detections + ";\n" + Self.atlasTable + """
            INSERT INTO atlas_schema_revisions.atlas_schema_revisions
                (version, description, type, applied, total, executed_at, execution_time, hash, partial_hashes, operator_version)
                VALUES ('20240101120000', 'create_security_detections', 2, 3, 3, now(), 1200000, 'h1:x', '["h1:a","h1:b","h1:c"]', 'Atlas CLI v0.30.0');
            INSERT INTO atlas_schema_revisions.atlas_schema_revisions
                (version, description, type, applied, total, executed_at, execution_time, error, error_stmt, hash, partial_hashes, operator_version)
                VALUES ('20240102120000', 'add_note', 2, 1, 2, now(), 800000, 'pq: column "kind2" cannot be added',
                        'ALTER TABLE security_detections ADD COLUMN kind2 text', 'h1:y', '["h1:d"]', 'Atlas CLI v0.30.0');
            """)
        let result = try states(db, [done, broken], ledger: .atlas)
        #expect(result["20240101120000"]?.state == .applied)
        let failed = try #require(result["20240102120000"])
        #expect(failed.state == .pending)
        #expect(failed.detail.contains("1 of 2 statements applied"))
        #expect(failed.detail.contains("cannot be added"))
    }

    @Test(.database) func atlasBaselineCoversEarlierFiles() throws {
        let db = try TestDatabase.conninfo()
        let early = file("20240101120000", "migrations/20240101120000_create_security_detections.sql")
        let after = file("20240301120000", "migrations/20240301120000_add_note.sql",
                         sql: "ALTER TABLE security_detections ADD COLUMN note text")
        // `atlas migrate apply --baseline 20240201120000`: one baseline row (type 1), nothing ran.
        try admin(db).execute(detections + ";\n" + Self.atlasTable + """
            INSERT INTO atlas_schema_revisions.atlas_schema_revisions
                (version, description, type, applied, total, executed_at, execution_time, hash, operator_version)
                VALUES ('20240201120000', 'baseline', 1, 0, 0, now(), 0, 'h1:z', 'Atlas CLI v0.30.0');
            """)
        let result = try states(db, [early, after], ledger: .atlas)
        #expect(result["20240101120000"]?.state == .applied)
        #expect(result["20240101120000"]?.detail.contains("baseline revision 20240201120000") == true)
        #expect(result["20240301120000"]?.state == .pending)
    }

    @Test(.database) func atlasWithoutItsSchemaRecordsNothing() throws {
        let status = try #require(try states(TestDatabase.conninfo(), [file("1", "migrations/1_x.sql")], ledger: .atlas)["1"])
        #expect(status.state == .pending)
        #expect(status.detail.contains("no ledger table atlas_schema_revisions.atlas_schema_revisions"))
    }

    // MARK: Liquibase

    /// CreateDatabaseChangeLogTableGenerator, as Liquibase creates it on PostgreSQL.
    static let liquibaseTable = """
        CREATE TABLE databasechangelog (id VARCHAR(255) NOT NULL, author VARCHAR(255) NOT NULL, filename VARCHAR(255) NOT NULL,
            dateexecuted TIMESTAMP WITHOUT TIME ZONE NOT NULL, orderexecuted INTEGER NOT NULL, exectype VARCHAR(10) NOT NULL,
            md5sum VARCHAR(35), description VARCHAR(255), comments VARCHAR(255), tag VARCHAR(255), liquibase VARCHAR(20),
            contexts VARCHAR(255), labels VARCHAR(255), deployment_id VARCHAR(10));
        """

    @Test(.database) func liquibaseMatchesIdAuthorAndFileIgnoringCase() throws {
        let db = try TestDatabase.conninfo()
        let changeset = Migration.Changeset(id: "create-detections", author: "alice", file: "db/changelog/001.sql")
        let migration = file("1", "db/changelog/001.sql", changeset: changeset)
        let elsewhere = file("2", "db/changelog/002.sql",
                             changeset: .init(id: "create-detections", author: "alice", file: "db/changelog/002.sql"))
        try admin(db).execute(detections + ";\n" + Self.liquibaseTable + """
            INSERT INTO databasechangelog (id, author, filename, dateexecuted, orderexecuted, exectype, md5sum, description, liquibase, deployment_id)
            VALUES ('Create-Detections', 'ALICE', 'classpath:/db/changelog/001.sql', now(), 1, 'EXECUTED',
                    '9:0a1b2c3d4e5f60718293a4b5c6d7e8f9', 'sql', '4.29.2', '1234567890');
            """)
        let result = try states(db, [migration, elsewhere], ledger: .liquibase)
        let applied = try #require(result["1"])
        #expect(applied.state == .applied)
        #expect(applied.detail.contains("md5sum is not compared"))
        #expect(!applied.detail.contains("checksum matches"))
        // Same id and author in another changelog file: another changeset, not recorded.
        #expect(result["2"]?.state == .appliedByHand)
        #expect(result["2"]?.detail.contains("not in the ledger") == true)

        try admin(db).execute("UPDATE databasechangelog SET exectype = 'FAILED'")
        let failed = try #require(try states(db, [migration], ledger: .liquibase)["1"])
        #expect(failed.state == .pending)
        #expect(failed.detail.contains("FAILED"))
    }

    // MARK: Every ledger

    @Test func everyLedgerKindHasItsFormatAndCommands() {
        let migration = file("003", "migrations/003_create_security_detections.sql")
        for kind in LedgerKind.allCases {
            let commands = LedgerCommands(ledger: kind, folder: "migrations")
            #expect(!commands.apply(target: "production").isEmpty)
            #expect(!commands.record(migration, target: "production").isEmpty)
            #expect(LedgerKind(rawValue: kind.rawValue) == kind)
        }
        #expect(LedgerCommands(ledger: .gitgate, folder: "migrations").record(migration, target: "production")
                == "gitgate record 003 --target production")
        #expect(LedgerCommands(ledger: .goose, folder: "migrations").record(migration, target: "production")
                == "INSERT INTO goose_db_version (version_id, is_applied) VALUES (3, true)")
        #expect(LedgerCommands(ledger: .diesel, folder: "migrations")
                .record(file("2019-02-26-002946", "migrations/2019-02-26-002946_x/up.sql"), target: "production")
                == "INSERT INTO __diesel_schema_migrations (version) VALUES ('20190226002946')")
    }

    /// The statement a record hint prints writes the row the tool itself would, so the tool and
    /// gitgate then agree the migration is applied.
    @Test(.database, arguments: [LedgerKind.dbmate, .goose, .diesel, .pop, .flyway, .liquibase])
    func theRecordStatementMakesTheToolCountItApplied(kind: LedgerKind) throws {
        let db = try TestDatabase.conninfo()
        var migration = file("003", "migrations/003_create_security_detections.sql")
        if kind == .liquibase { migration.changeset = .init(id: "3", author: "alice", file: "migrations/003_create_security_detections.sql") }
        let tables: [LedgerKind: String] = [
            .dbmate: "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY)",
            .goose: Self.gooseTable, .diesel: "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY NOT NULL, run_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP)",
            .pop: Self.gobuffaloTable, .liquibase: Self.liquibaseTable,
            .flyway: """
                CREATE TABLE flyway_schema_history (installed_rank INT NOT NULL PRIMARY KEY, version VARCHAR(50),
                  description VARCHAR(200) NOT NULL, type VARCHAR(20) NOT NULL, script VARCHAR(1000) NOT NULL,
                  checksum INTEGER, installed_by VARCHAR(100) NOT NULL, installed_on TIMESTAMP NOT NULL DEFAULT now(),
                  execution_time INTEGER NOT NULL, success BOOLEAN NOT NULL)
                """,
        ]
        try admin(db).execute(detections + ";\n" + (tables[kind] ?? ""))
        #expect(try states(db, [migration], ledger: kind)["003"]?.state == .appliedByHand)
        try admin(db).execute(LedgerCommands(ledger: kind, folder: "migrations").record(migration, target: "production"))
        let status = try #require(try states(db, [migration], ledger: kind)["003"])
        #expect(status.state == .applied)
        if kind == .flyway { #expect(status.detail.contains("checksum matches")) }
    }
}
