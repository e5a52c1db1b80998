import Postgres
import Testing
import TestSupport

@Suite("Queries against a real server")
struct QueryTests {
    private func connect(readOnly: Bool = true) throws -> Connection {
        try Connection(try TestDatabase.conninfo(), options: .init(readOnly: readOnly))
    }

    @Test(.database) func parametersAndTypedResults() throws {
        let connection = try connect()
        let result = try connection.query(
            "SELECT $1::int + 1 AS n, $2::text AS s, $3::bool AS b, $4::text AS missing, 'it''s' AS quoted",
            ["41", "héllo; DROP TABLE x", "true", nil])
        #expect(result.columns == ["n", "s", "b", "missing", "quoted"])
        #expect(result.count == 1)
        #expect(result.int(row: 0, column: "n") == 42)
        #expect(result.string(row: 0, column: "s") == "héllo; DROP TABLE x")
        #expect(result.bool(row: 0, column: "b") == true)
        #expect(result[0, "missing"] == nil)
        #expect(result[0, "quoted"] == "it's")
        #expect(result.command == "SELECT 1")
    }

    @Test(.database) func manyRows() throws {
        let result = try connect().query("SELECT g AS n, g % 2 = 0 AS even FROM generate_series(1, 500) g")
        #expect(result.count == 500)
        #expect(result.int(row: 499, column: "n") == 500)
        #expect(result.bool(row: 0, column: "even") == false)
        #expect(result.bool(row: 1, column: "even") == true)
    }

    @Test(.database) func sessionFacts() throws {
        let connection = try connect()
        let cluster = try TestPostgres.cluster()
        #expect(connection.serverVersion >= 100_000)
        #expect(connection.user == "postgres")
        #expect(connection.database.hasPrefix("test_"))
        #expect(connection.host == cluster.socketDirectory)
        #expect(connection.port == cluster.port)
        #expect(connection.transactionStatus == .idle)
        #expect((Libpq.version ?? 0) >= 100_000)
        let name = try connection.query("SELECT current_setting('application_name') AS a")
        #expect(name[0, "a"] == "gitgate")
    }

    @Test(.database) func ownStartupOptionsAreKeptAlongsideOurs() throws {
        let connection = try Connection(
            try TestDatabase.conninfo() + " options='-c search_path=elsewhere'",
            options: .init(statementTimeoutMs: 1234, lockTimeoutMs: 567))
        let settings = try connection.batch(
            "SHOW search_path; SHOW default_transaction_read_only; SHOW statement_timeout; SHOW lock_timeout")
        #expect(settings.map { $0.rows[0][0] } == ["elsewhere", "on", "1234ms", "567ms"])
    }

    @Test(.database) func ping() throws {
        #expect(Libpq.ping(try TestDatabase.conninfo(), connectTimeout: 2) == .ok)
        #expect(Libpq.ping("host=127.0.0.1 port=\(try TCPListener.unusedPort())", connectTimeout: 2) == .noResponse)
        #expect(Libpq.ping("host=/tmp sslmode=nonsense") == .noAttempt)
    }

    @Test(.database) func undefinedTableCarriesSQLState() throws {
        let error = try #require(throws: PostgresError.self) {
            try connect().query("SELECT * FROM no_such_table")
        }
        #expect(error.kind == .query)
        #expect(error.sqlState == "42P01")
        #expect(error.message.contains("no_such_table"))
        #expect(error.position == 15)
        #expect(error.description.contains("[SQLSTATE 42P01]"))
    }

    @Test(.database) func syntaxErrorCarriesPosition() throws {
        let error = try #require(throws: PostgresError.self) {
            try connect().query("SELECT 1 FROM FROM")
        }
        #expect(error.sqlState == "42601")
        #expect(error.position == 15)
        #expect(error.description.contains("at character 15"))
    }

    @Test(.database) func readOnlySessionRefusesWrites() throws {
        let connection = try connect()
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("CREATE TABLE t (id int)")
        }
        #expect(error.sqlState == "25006")
        #expect(error.kind == .query)
        // The refusal did not break the session.
        #expect(try connection.query("SELECT 1 AS one")[0, "one"] == "1")
    }

    @Test(.database) func extraSettingsTravelInTheStartupPacket() throws {
        var options = Connection.Options()
        options.settings = ["jit": "off", "work_mem": "8MB"]
        let connection = try Connection(try TestDatabase.conninfo(), options: options)
        #expect(try connection.query("SHOW jit")[0, "jit"] == "off")
        #expect(try connection.query("SHOW work_mem")[0, "work_mem"] == "8MB")
        #expect(try connection.query("SHOW default_transaction_read_only")[0, "default_transaction_read_only"] == "on")
    }

    @Test(.database) func writableSessionRunsAScript() throws {
        let connection = try connect(readOnly: false)
        try connection.execute("""
            CREATE TABLE items (id int PRIMARY KEY, name text);
            INSERT INTO items VALUES (1, 'a'), (2, 'b');
            -- a comment, as migration files have
            UPDATE items SET name = 'c' WHERE id = 2;
            """)
        let result = try connection.query("SELECT name FROM items ORDER BY id")
        #expect(result.rows == [["a"], ["c"]])
        let insert = try connection.query("INSERT INTO items VALUES ($1, $2)", ["3", nil])
        #expect(insert.affectedRows == 1)
    }

    @Test(.database) func noticesAreKeptNotPrinted() throws {
        let connection = try connect(readOnly: false)
        try connection.execute("DROP TABLE IF EXISTS never_made; DO $$ BEGIN RAISE WARNING 'careful'; END $$")
        #expect(connection.notices == [
            "NOTICE: table \"never_made\" does not exist, skipping",
            "WARNING: careful",
        ])
    }

    @Test(.database) func batchReturnsEveryResult() throws {
        let connection = try connect()
        let results = try connection.batch("SELECT 1 AS a; SELECT 'x' AS b, NULL AS c; SET search_path = public; SELECT 2 AS d")
        #expect(results.count == 4)
        #expect(results[0].rows == [["1"]])
        #expect(results[1].columns == ["b", "c"])
        #expect(results[1].rows == [["x", nil]])
        #expect(results[2].command == "SET")
        #expect(results[3][0, "d"] == "2")
    }

    @Test(.database) func batchThrowsTheFirstErrorAndRollsBack() throws {
        let connection = try connect(readOnly: false)
        let error = try #require(throws: PostgresError.self) {
            try connection.batch("CREATE TABLE kept (id int); SELECT * FROM missing_one; SELECT * FROM missing_two")
        }
        #expect(error.sqlState == "42P01")
        #expect(error.message.contains("missing_one"))
        // One implicit transaction: the CREATE went with the error. The session is in sync again.
        let exists = try connection.query("SELECT to_regclass('kept') IS NOT NULL AS present")
        #expect(exists.bool(row: 0, column: "present") == false)
        #expect(connection.transactionStatus == .idle)
    }

    @Test(.database) func copyIsRefusedWithoutLosingTheSession() throws {
        let connection = try connect(readOnly: false)
        try connection.execute("CREATE TABLE c (id int)")
        let error = try #require(throws: PostgresError.self) {
            try connection.execute("COPY c FROM STDIN")
        }
        #expect(error.description.contains("psql"))
        #expect(try connection.query("SELECT count(*) AS n FROM c").int(row: 0, column: "n") == 0)
    }
}
