import Testing
import SQL

@Suite struct TransactionTests {
    @Test(arguments: [
        ("CREATE INDEX CONCURRENTLY i ON t (a)", false),
        ("CREATE INDEX i ON t (a)", true),
        ("DROP INDEX CONCURRENTLY i", false),
        ("DROP INDEX i", true),
        ("REINDEX TABLE CONCURRENTLY t", false),
        ("REINDEX TABLE t", true),
        ("REINDEX DATABASE app", false),
        ("VACUUM", false),
        ("VACUUM ANALYZE t", false),
        ("ANALYZE t", true),
        ("CREATE DATABASE app", false),
        ("DROP DATABASE app", false),
        ("ALTER DATABASE app SET TABLESPACE fast", false),
        ("ALTER DATABASE app SET work_mem = '64MB'", true),
        ("CREATE TABLESPACE fast LOCATION '/x'", false),
        ("ALTER SYSTEM SET work_mem = '64MB'", false),
        ("CLUSTER", false),
        ("CLUSTER t USING i", true),
        ("ALTER TABLE p DETACH PARTITION c CONCURRENTLY", false),
        ("ALTER TABLE p DETACH PARTITION c", true),
        ("ALTER TYPE mood ADD VALUE 'x'", true),
        ("COMMIT PREPARED 'x'", false),
        ("CREATE TABLE t (id int)", true),
        ("SELECT 1", true),
    ])
    func canRunInTransaction(sql: String, expected: Bool) throws {
        let statement = try #require(try SQLScript.parse(sql).statements.first)
        #expect(statement.canRunInTransaction == expected)
    }

    @Test func addEnumValueNeedsPostgres12InATransaction() throws {
        let add = try #require(try SQLScript.parse("ALTER TYPE mood ADD VALUE 'x'").statements.first)
        #expect(add.canRunInTransaction(serverVersion: 110_005) == false)
        #expect(add.canRunInTransaction(serverVersion: 120_000))
        let rename = try #require(try SQLScript.parse("ALTER TYPE mood RENAME VALUE 'a' TO 'b'").statements.first)
        #expect(rename.canRunInTransaction(serverVersion: 100_000))
        let index = try #require(try SQLScript.parse("CREATE INDEX CONCURRENTLY i ON t (a)").statements.first)
        #expect(index.canRunInTransaction(serverVersion: 170_000) == false)
    }

    @Test func transactionControl() throws {
        let script = try SQLScript.parse("""
            BEGIN; START TRANSACTION; SAVEPOINT s1; RELEASE SAVEPOINT s1; ROLLBACK TO SAVEPOINT s1;
            COMMIT; END; ROLLBACK; ABORT; PREPARE TRANSACTION 'g'; SELECT 1;
            """)
        #expect(script.statements.map(\.transactionControl) == [
            .begin, .begin, .savepoint("s1"), .releaseSavepoint("s1"), .rollbackToSavepoint("s1"),
            .commit, .commit, .rollback, .rollback, .prepareTransaction("g"), nil,
        ])
        #expect(script.statements.dropLast().allSatisfy { $0.kind == "TransactionStmt" })
    }

    @Test func settings() throws {
        let script = try SQLScript.parse("""
            SET lock_timeout = '5s'; SET LOCAL statement_timeout TO 1000; SET search_path TO app, public;
            RESET lock_timeout; RESET ALL; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; SET work_mem TO DEFAULT;
            """)
        #expect(script.statements.map(\.setting) == [
            Setting(name: "lock_timeout", value: "5s", isLocal: false),
            Setting(name: "statement_timeout", value: "1000", isLocal: true),
            Setting(name: "search_path", value: "app, public", isLocal: false),
            Setting(name: "lock_timeout", value: nil, isLocal: false),
            Setting(name: nil, value: nil, isLocal: false),
            nil,
            Setting(name: "work_mem", value: nil, isLocal: false),
        ])
    }
}
