import Digest
import Foundation
import GitGateKit
import Testing
import TestSupport

/// Each framework's files, shaped like its own documentation's examples, read as its tool reads
/// them: what runs forward, what is the down part, how it runs, what is not read at all.
private struct Folder {
    let repo: TestRepository
    let worktree: String

    /// `main` and `branch` are paths relative to the migrations folder `db`.
    init(config: String = "", main: [String: String], branch: [String: String]) throws {
        repo = try TestRepository()
        var files = main.mapKeys { "db/" + $0 }
        files[".gitgate"] = "[gitgate]\n\tmigrations = db\n" + config
        files["db/.keep"] = ""
        try repo.commitFiles(files, message: "main")
        worktree = try repo.addWorktree(branch: "feature")
        if !branch.isEmpty { try repo.commitFiles(branch.mapKeys { "db/" + $0 }, message: "feature", in: worktree) }
    }

    func inspect() throws -> Inspection { try Inspector(at: worktree).inspectWorktree() }
}

private func text(_ data: Data?) -> String { data.map { String(decoding: $0, as: UTF8.self) } ?? "" }

@Suite struct FrameworkLayoutTests {
    // dbmate's README example, with a down section that would destroy the table.
    static let dbmateFile = """
        -- migrate:up
        create table users (
          id integer,
          name varchar(255),
          email varchar(255) not null
        );

        -- migrate:down
        drop table users;

        """

    @Test func dbmateRunsTheUpSectionOnly() throws {
        let folder = try Folder(main: ["20151129054053_test_migration.sql": Self.dbmateFile.replacingOccurrences(of: "users", with: "accounts")],
                                branch: ["20151129054054_create_users.sql": Self.dbmateFile])
        let inspection = try folder.inspect()
        #expect(inspection.layout == .dbmate)
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        let migration = try #require(inspection.migrations.first)
        #expect(migration.version == "20151129054054")
        #expect(!text(migration.contents).contains("drop table"))
        #expect(text(migration.contents).contains("create table users"))
        #expect(text(migration.down).contains("drop table users"))
        #expect(migration.downPath == migration.path)
        // Line numbers stay the file's: the create statement is on line 2.
        #expect(text(migration.contents).split(separator: "\n", omittingEmptySubsequences: false)[1].hasPrefix("create table users"))
        #expect(migration.checksum == SHA256.hex(Data(Self.dbmateFile.prefix(upTo: Self.dbmateFile.range(of: "-- migrate:down")!.lowerBound).utf8)))
        #expect(migration.transaction)
    }

    @Test func dbmateTransactionFalse() throws {
        let file = "-- migrate:up transaction:false\nCREATE INDEX CONCURRENTLY users_email ON users (email);\n-- migrate:down\nDROP INDEX users_email;\n"
        let folder = try Folder(main: [:], branch: ["20200101000000_index.sql": file])
        let migration = try #require(try folder.inspect().migrations.first)
        #expect(!migration.transaction)
    }

    @Test("dbmate files that dbmate itself refuses block, naming the file and line", arguments: [
        ("-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n-- migrate:down\n", 3, "second '-- migrate:up'"),
        ("-- migrate:down\nDROP TABLE x;\n-- migrate:up\nCREATE TABLE x ();\n", 1, "before '-- migrate:up'"),
        ("-- migrate:up\nCREATE TABLE x ();\n", 1, "no '-- migrate:down'"),
    ])
    func dbmateBadFiles(file: String, line: Int, words: String) throws {
        let folder = try Folder(config: "\tlayout = dbmate\n", main: [:], branch: ["20200101000000_x.sql": file])
        let inspection = try folder.inspect()
        #expect(inspection.migrations.isEmpty)
        let conflict = try #require(inspection.conflicts.first { $0.code == .unreadableMigration })
        #expect(conflict.message.hasPrefix("db/20200101000000_x.sql:\(line): "), "\(conflict.message)")
        #expect(conflict.message.contains(words), "\(conflict.message)")
    }

    // goose's documentation example: a function body between StatementBegin and StatementEnd.
    static let gooseFile = """
        -- +goose Up
        CREATE TABLE post (
            id int NOT NULL,
            title text,
            body text,
            PRIMARY KEY(id)
        );

        -- +goose StatementBegin
        CREATE OR REPLACE FUNCTION histories_partition_creation( DATE, DATE )
        returns void AS $$
        DECLARE
          create_query text;
        BEGIN
          FOR create_query IN SELECT
              'CREATE TABLE IF NOT EXISTS histories_'
              || TO_CHAR( d, 'YYYY_MM' )
              || ' ( CHECK( created_at >= timestamp '''
              || TO_CHAR( d, 'YYYY-MM-DD 00:00:00' )
              || ''' AND created_at < timestamp '''
              || TO_CHAR( d + INTERVAL '1 month', 'YYYY-MM-DD 00:00:00' )
              || ''' ) ) inherits ( histories );'
            FROM generate_series( $1, $2, '1 month' ) AS d
          LOOP
            EXECUTE create_query;
          END LOOP;  -- LOOP END
        END;         -- FUNCTION END
        $$
        language plpgsql;
        -- +goose StatementEnd

        -- +goose Down
        DROP TABLE post;
        DROP FUNCTION histories_partition_creation(DATE, DATE);

        """

    @Test func gooseRunsTheUpSectionWithItsFunctionWhole() throws {
        let folder = try Folder(main: ["00001_init.sql": "-- +goose Up\nCREATE TABLE histories (created_at timestamp);\n-- +goose Down\nDROP TABLE histories;\n"],
                                branch: ["00002_post.sql": Self.gooseFile])
        let inspection = try folder.inspect()
        #expect(inspection.layout == .goose)
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        let migration = try #require(inspection.migrations.first)
        #expect(migration.version == "00002")
        #expect(!text(migration.contents).contains("DROP TABLE post"))
        #expect(text(migration.contents).contains("language plpgsql"))
        #expect(text(migration.down).contains("DROP TABLE post"))
        #expect(migration.transaction)
    }

    @Test func gooseNoTransactionAndMissingUp() throws {
        let folder = try Folder(main: [:], branch: [
            "00001_index.sql": "-- +goose NO TRANSACTION\n-- +goose Up\nCREATE INDEX CONCURRENTLY i ON t (c);\n-- +goose Down\nDROP INDEX i;\n",
        ])
        #expect(try folder.inspect().migrations.first?.transaction == false)

        let broken = try Folder(config: "\tlayout = goose\n", main: [:], branch: ["00001_x.sql": "CREATE TABLE x ();\n-- +goose Down\nDROP TABLE x;\n"])
        let conflict = try #require(try broken.inspect().conflicts.first)
        #expect(conflict.message.hasPrefix("db/00001_x.sql:1: "))
        #expect(conflict.message.contains("'-- +goose Up'"))
    }

    @Test func goosesGoMigrationsAndPopsFizzFilesFailClosed() throws {
        let goose = try Folder(config: "\tlayout = goose\n", main: [:], branch: [
            "00001_init.sql": "-- +goose Up\nCREATE TABLE a (id int);\n", "00002_backfill.go": "package migrations\n",
        ])
        let conflict = try #require(try goose.inspect().conflicts.first)
        #expect(conflict.code == .unreadableMigration && conflict.paths == ["db/00002_backfill.go"], "\(conflict)")
        #expect(conflict.message.contains("goose Go migration"))

        let pop = try Folder(config: "\tlayout = pop\n", main: [:], branch: ["20200101000000_x.up.fizz": "create_table(\"x\") {}\n"])
        #expect(try pop.inspect().conflicts.map(\.code) == [.unreadableMigration])

        // Checked by hand and listed on main: no longer a conflict.
        try goose.repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = db\n\tlayout = goose\n\tignore = *.go\n"], message: "Go migrations are checked by hand")
        #expect(try goose.inspect().conflicts.isEmpty)
    }

    @Test func flatLayoutRefusesAFileWithDbmateSections() throws {
        let folder = try Folder(config: "\tlayout = flat\n", main: [:], branch: ["20200101000000_x.sql": Self.dbmateFile])
        let inspection = try folder.inspect()
        #expect(inspection.migrations.isEmpty)
        #expect(inspection.conflicts.contains { $0.message.contains("gitgate.layout = dbmate") })
    }

    // pop: one version per dialect; a PostgreSQL target reads the .postgres. file, else the generic one.
    @Test func popTakesThePostgresFileAndNeverReadsOtherDialects() throws {
        let folder = try Folder(main: ["20190101000000_init.up.sql": "CREATE TABLE a (id int);\n", "20190101000000_init.down.sql": "DROP TABLE a;\n"],
                                branch: [
                                    "20200101000000_identities.up.sql": "CREATE TABLE generic ();\n",
                                    "20200101000000_identities.postgres.up.sql": "CREATE TABLE identities (id uuid);\n",
                                    "20200101000000_identities.postgres.down.sql": "DROP TABLE identities;\n",
                                    "20200101000000_identities.mysql.up.sql": "CREATE TABLE identities (id CHAR(36)) ENGINE=InnoDB;\n",
                                    "20200101000000_identities.sqlite3.up.sql": "CREATE TABLE identities (id TEXT);\n",
                                    "20200101000000_identities.cockroach.up.sql": "CREATE TABLE identities (id UUID);\n",
                                    "20200202000000_index.autocommit.up.sql": "CREATE INDEX CONCURRENTLY i ON identities (id);\n",
                                    "20200202000000_index.autocommit.down.sql": "DROP INDEX i;\n",
                                ])
        let inspection = try folder.inspect()
        #expect(inspection.layout == .pop)
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        #expect(inspection.migrations.map(\.version) == ["20200101000000", "20200202000000"])
        let identities = inspection.migrations[0]
        #expect(identities.path == "db/20200101000000_identities.postgres.up.sql")
        #expect(identities.downPath == "db/20200101000000_identities.postgres.down.sql")
        #expect(text(identities.contents).contains("uuid"))
        #expect(!inspection.migrations[1].transaction)
    }

    @Test func popWithCockroachTargetsTakesTheCockroachFile() throws {
        let folder = try Folder(config: "\tdialect = cockroachdb\n", main: [:], branch: [
            "20200101000000_x.up.sql": "CREATE TABLE x (id int);\n",
            "20200101000000_x.postgres.up.sql": "CREATE TABLE x (id serial);\n",
            "20200101000000_x.crdb.up.sql": "CREATE TABLE x (id INT8 DEFAULT unique_rowid());\n",
        ])
        let inspection = try folder.inspect()
        #expect(inspection.migrations.map(\.path) == ["db/20200101000000_x.crdb.up.sql"], "\(inspection.problems)")

        let mysql = try Folder(config: "\tdialect = mysql\n", main: [:], branch: [:])
        #expect(throws: GitGateError.self) { try mysql.inspect() }
    }

    @Test func popVersionWithoutAPostgresFileBlocks() throws {
        let folder = try Folder(config: "\tlayout = pop\n", main: [:], branch: [
            "20200101000000_x.mysql.up.sql": "CREATE TABLE x (id int) ENGINE=InnoDB;\n",
            "20200101000000_x.sqlite3.up.sql": "CREATE TABLE x (id int);\n",
        ])
        let inspection = try folder.inspect()
        #expect(inspection.migrations.isEmpty)
        let conflict = try #require(inspection.conflicts.first)
        #expect(conflict.code == .noPostgresFile)
        #expect(conflict.message.contains("mysql, sqlite3"))
    }

    // Liquibase formatted SQL: changesets in one file; one for another database.
    static let changelog = """
        --liquibase formatted sql

        --changeset nvoxland:1
        create table test1 (
            id int primary key,
            name varchar(255)
        );
        --rollback drop table test1;

        --changeset nvoxland:2 runInTransaction:false
        create index concurrently test1_name on test1 (name);

        --changeset nvoxland:3 dbms:mysql
        alter table test1 engine=InnoDB;

        """

    @Test func liquibaseChangesetsAreMigrations() throws {
        let folder = try Folder(main: [:], branch: ["changelog/001-init.sql": Self.changelog])
        let inspection = try folder.inspect()
        #expect(inspection.layout == .liquibase)
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        #expect(inspection.migrations.map(\.version) == ["nvoxland:1", "nvoxland:2"])
        try #require(inspection.migrations.count == 2)
        let first = inspection.migrations[0], second = inspection.migrations[1]
        // The file as the folder names it: Liquibase records it relative to its search path.
        #expect(first.changeset == Migration.Changeset(id: "1", author: "nvoxland", file: "changelog/001-init.sql", index: 0))
        #expect(text(first.contents).contains("create table test1"))
        #expect(!text(first.contents).contains("create index"))
        #expect(!text(second.contents).contains("create table"))
        #expect(!second.transaction)
    }

    @Test func liquibaseChangesetAppendedToAChangelogMainHas() throws {
        let folder = try Folder(main: ["changelog.sql": "--liquibase formatted sql\n\n--changeset ada:1\ncreate table a (id int);\n"], branch: [:])
        try folder.repo.commitFiles(["db/changelog.sql": "--liquibase formatted sql\n\n--changeset ada:1\ncreate table a (id int);\n\n--changeset ada:2\ncreate table b (id int);\n"],
                                    message: "append", in: folder.worktree)
        let inspection = try folder.inspect()
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        #expect(inspection.migrations.map(\.version) == ["ada:2"])

        try folder.repo.commitFiles(["db/changelog.sql": "--liquibase formatted sql\n\n--changeset ada:1\ncreate table a (id bigint);\n"],
                                    message: "edit", in: folder.worktree)
        #expect(try folder.inspect().conflicts.contains { $0.code == .historyChanged && $0.message.contains("ada:1") })
    }

    // Atlas: atlas.sum verified like `atlas migrate validate`.
    static func atlasSum(_ files: [(String, String)]) -> String {
        var running = RunningSHA256()
        var lines: [(String, String)] = []
        for (name, body) in files.sorted(by: { $0.0 < $1.0 }) {
            running.update(Data(name.utf8)); running.update(Data(body.utf8))
            lines.append((name, Data(running.digest()).base64EncodedString()))
        }
        var sum = RunningSHA256()
        for (name, hash) in lines { sum.update(Data(name.utf8)); sum.update(Data(hash.utf8)) }
        return "h1:\(Data(sum.digest()).base64EncodedString())\n" + lines.map { "\($0.0) h1:\($0.1)\n" }.joined()
    }

    @Test func atlasSumMatchesAndMismatches() throws {
        let one = ("20220318104614_initial.sql", "CREATE TABLE users (id int);\n")
        let two = ("20220318104615_second.sql", "ALTER TABLE users ADD COLUMN name text;\n")
        let folder = try Folder(main: [one.0: one.1, "atlas.sum": Self.atlasSum([one])],
                                branch: [two.0: two.1, "atlas.sum": Self.atlasSum([one, two])])
        let inspection = try folder.inspect()
        #expect(inspection.layout == .atlas)
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        #expect(inspection.migrations.map(\.version) == ["20220318104615"])

        // The file changed after `atlas migrate hash`.
        try folder.repo.commitFiles(["db/" + two.0: "ALTER TABLE users ADD COLUMN email text;\n"], message: "edit", in: folder.worktree)
        let changed = try #require(try folder.inspect().conflicts.first { $0.code == .atlasSum })
        #expect(changed.message.hasPrefix("db/atlas.sum:3: "), "\(changed.message)")

        // An unreadable sum file.
        try folder.repo.commitFiles(["db/atlas.sum": "garbage\n"], message: "break", in: folder.worktree)
        let broken = try #require(try folder.inspect().conflicts.first { $0.code == .atlasSum })
        #expect(broken.message.hasPrefix("db/atlas.sum:1: "), "\(broken.message)")
    }

    @Test func flywayUndoIsTheDownPartAndDieselMetadataDecidesTheTransaction() throws {
        let flyway = try Folder(main: ["V1__init.sql": "CREATE TABLE a (id int);\n"],
                                branch: ["V2__b.sql": "CREATE TABLE b (id int);\n", "U2__b.sql": "DROP TABLE b;\n"])
        let v2 = try #require(try flyway.inspect().migrations.first)
        #expect(v2.version == "2" && v2.downPath == "db/U2__b.sql")

        let diesel = try Folder(main: [:], branch: [
            "2019-02-26-002946_a/up.sql": "CREATE TABLE a ();\n", "2019-02-26-002946_a/down.sql": "DROP TABLE a;\n",
            "2019-02-27-000000_b/up.sql": "CREATE INDEX CONCURRENTLY i ON a (id);\n", "2019-02-27-000000_b/metadata.toml": "run_in_transaction = false\n",
            "2019-02-28-000000_c/up.sql": "SELECT 1;\n", "2019-02-28-000000_c/metadata.toml": "# nothing said\n",
        ])
        let transactions = try diesel.inspect().migrations.map(\.transaction)
        // No metadata.toml: in a transaction; a metadata.toml without the key: diesel's serde default, false.
        #expect(transactions == [true, false, false])
    }

    @Test func strayFilesBlockUnlessIgnored() throws {
        let folder = try Folder(main: ["001_init.sql": "CREATE TABLE a ();\n"],
                                branch: ["002_b.sql": "CREATE TABLE b ();\n", "seed-data.sql": "INSERT INTO a DEFAULT VALUES;\n"])
        let stray = try #require(try folder.inspect().conflicts.first { $0.code == .unclaimedFile })
        #expect(stray.message.contains("db/seed-data.sql"))
        #expect(stray.message.contains("003_seed-data.sql"), "\(stray.message)")  // the name it should have
        #expect(stray.message.contains("gitgate.ignore"))

        // The policy is main's: the branch's own .gitgate would take effect only when merged.
        try folder.repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = db\n\tignore = seed-*.sql\n"], message: "ignore seeds")
        let inspection = try folder.inspect()
        #expect(inspection.conflicts.isEmpty, "\(inspection.conflicts)")
        #expect(inspection.migrations.map(\.version) == ["002"])
    }

    @Test("a collision prints the git mv that resolves it, in the layout's own naming", arguments: [
        ("001_init.sql", "002_a.sql", "002_b.sql", "003_b.sql"),
        ("V1__init.sql", "V2__a.sql", "V2__b.sql", "V3__b.sql"),
        ("20240101000000_init.up.sql", "20240102000000_a.up.sql", "20240102000000_b.up.sql", "20240102000001_b.up.sql"),
    ])
    func collisionFix(initial: String, mainAdds: String, branchAdds: String, renamed: String) throws {
        let folder = try Folder(main: [initial: "SELECT 1;\n"], branch: [branchAdds: "CREATE TABLE b ();\n"])
        try folder.repo.commitFiles(["db/" + mainAdds: "CREATE TABLE a ();\n"], message: "main gains the same version")
        let conflict = try #require(try folder.inspect().conflicts.first { $0.code == .duplicateVersion })
        let command = "git mv db/\(branchAdds) db/\(renamed)"
        #expect(conflict.message.contains(command), "\(conflict.message)")
        // The command does what it says.
        try folder.repo.git(arguments: command.split(separator: " ").dropFirst().map(String.init), in: folder.worktree)
        try folder.repo.commit("renumber", in: folder.worktree)
        #expect(try folder.inspect().conflicts.isEmpty)
    }
}

/// `gitgate init` detects each layout and its ledger, on an unborn branch too, and does not guess between folders.
@Suite struct InitDetectionTests {
    @Test func flywayOnAnUnbornTrunk() throws {
        let repo = try TestRepository(branch: "trunk", initialCommit: false)
        try repo.write("db/migration/V1__init.sql", "CREATE TABLE a (id int);\n")
        let result = try Initializer.run(at: repo.path, migrations: nil, production: nil, force: false)
        #expect(result.migrations == "db/migration")
        #expect(result.layout == "flyway")
        let written = try repo.read(".gitgate")
        #expect(written.contains("mainBranch = trunk"))
        #expect(written.contains("ledger = flyway"))
    }

    @Test("each layout's ledger", arguments: [
        (["20151129054053_x.sql": FrameworkLayoutTests.dbmateFile], "dbmate", "dbmate"),
        (["00001_x.sql": FrameworkLayoutTests.gooseFile], "goose", "goose"),
        (["1_x.up.sql": "SELECT 1;", "1_x.down.sql": "SELECT 1;"], "updown", "golang-migrate"),
        (["1_x.postgres.up.sql": "SELECT 1;", "1_x.mysql.up.sql": "SELECT 1;"], "pop", "pop"),
        (["20230101_x/migration.sql": "SELECT 1;", "migration_lock.toml": "provider = \"postgresql\""], "directory", "prisma"),
        (["2019-02-26-002946_x/up.sql": "SELECT 1;", "2019-02-26-002946_x/down.sql": "SELECT 1;"], "directory", "diesel"),
        (["changelog.sql": FrameworkLayoutTests.changelog], "liquibase", "liquibase"),
        (["001_x.sql": "SELECT 1;"], "flat", "gitgate"),
    ])
    func ledgers(files: [String: String], layout: String, ledger: String) throws {
        let repo = try TestRepository()
        for (path, contents) in files { try repo.write("migrations/" + path, contents) }
        let result = try Initializer.run(at: repo.path, migrations: nil, production: nil, force: false)
        #expect(result.layout == layout)
        #expect(try repo.read(".gitgate").contains("ledger = \(ledger)"))
    }

    @Test func twoCandidateFoldersAreListedNotGuessed() throws {
        let repo = try TestRepository()
        try repo.write("services/a/sql/001_a.sql", "SELECT 1;")
        try repo.write("services/b/sql/001_b.sql", "SELECT 1;")
        #expect {
            try Initializer.run(at: repo.path, migrations: nil, production: nil, force: false)
        } throws: { error in
            let message = (error as? GitGateError)?.message ?? ""
            return message.contains("services/a/sql") && message.contains("services/b/sql") && message.contains("--migrations")
        }
    }
}
