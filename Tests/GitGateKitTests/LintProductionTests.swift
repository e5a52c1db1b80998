import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// `--target`: the target's catalog answers for tables the history lacks, and its table sizes
/// decide whether a lock is a warning or an error.
@Suite("Lint against a real PostgreSQL target")
struct LintProductionTests {
    /// `big` (planner estimate set to 5 million rows), `small` (analyzed, 10 rows), `fresh` (never analyzed).
    private func production() throws -> Target {
        let conninfo = try TestDatabase.conninfo()
        let connection = try Connection(conninfo, options: .init(readOnly: false))
        try connection.execute("""
            CREATE TABLE big (id bigint PRIMARY KEY, email text);
            INSERT INTO big SELECT g, 'u' || g FROM generate_series(1, 2000) g;
            CREATE TABLE small (id bigint PRIMARY KEY, big_id bigint);
            INSERT INTO small SELECT g, g FROM generate_series(1, 10) g;
            CREATE TABLE fresh (id bigint);
            ANALYZE big;
            ANALYZE small;
            """)
        // A superuser may set the estimate the planner (and gitgate) read, instead of loading 5M rows.
        try connection.execute("UPDATE pg_class SET reltuples = 5000000 WHERE oid = 'big'::regclass")
        return Target(name: "production", connection: .conninfo(conninfo))
    }

    private func review(_ sql: String, target: Target, largeTableRows: Int = 100_000) throws -> [Finding] {
        try Reviewer(files: .named, target: target, largeTableRows: largeTableRows)
            .review([ReviewFile(path: "002_change.sql", contents: Data(sql.utf8))])
    }

    @Test(.database) func lockWarningsBecomeErrorsOnLargeTables() throws {
        let target = try production()
        let findings = try review("""
            CREATE INDEX big_email ON big (email);
            CREATE INDEX small_big ON small (big_id);
            ALTER TABLE big RENAME COLUMN email TO mail;
            ALTER TABLE fresh ALTER COLUMN id TYPE text;
            """, target: target)
        let byLine = Dictionary(grouping: findings, by: \.line)
        let onBig = try #require(byLine[1]?.first)
        #expect(onBig.rule == "index-without-concurrently")
        #expect(onBig.severity == .error && onBig.blocks)
        #expect(onBig.message.contains("5.0M rows") && onBig.message.contains("gitgate.largeTableRows = 100000"))
        let onSmall = try #require(byLine[2]?.first)
        #expect(onSmall.severity == .warning)
        #expect(onSmall.message.contains("≈ 10 rows"))
        #expect(byLine[3]?.first?.rule == "rename-column")
        #expect(byLine[3]?.first?.severity == .error)
        let onFresh = try #require(byLine[4]?.first)
        #expect(onFresh.rule == "column-type-change" && onFresh.severity == .warning)
        #expect(onFresh.message.contains("never analyzed"))
    }

    @Test(.database) func theThresholdIsConfigurable() throws {
        let target = try production()
        let findings = try review("CREATE INDEX small_big ON small (big_id);", target: target, largeTableRows: 10)
        #expect(findings.first?.severity == .error)
        let relaxed = try review("CREATE INDEX big_email ON big (email);", target: target, largeTableRows: 10_000_000)
        #expect(relaxed.first?.severity == .warning)
    }

    @Test(.database) func theCatalogHasTablesNoMigrationCreated() throws {
        let target = try production()
        let findings = try review("""
            CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, big_id bigint REFERENCES big, ghost_id bigint REFERENCES ghosts);
            COMMENT ON TABLE events IS 'e';
            CREATE INDEX events_big ON events (big_id);
            CREATE INDEX events_ghost ON events (ghost_id);
            """, target: target)
        #expect(findings.map(\.rule) == ["foreign-key-unknown-table"])
        #expect(findings.first?.message.contains("ghosts") == true)
        // Without the target, big is unknown too.
        let offline = try Reviewer(files: .named).review([ReviewFile(path: "x.sql", contents: Data(
            "CREATE TABLE IF NOT EXISTS e (id bigint PRIMARY KEY REFERENCES big); COMMENT ON TABLE e IS 'e';".utf8))])
        #expect(offline.map(\.rule) == ["foreign-key-unknown-table"])
    }

    @Test(.database) func newTablesAreNotAskedAbout() throws {
        let target = try production()
        // events is created in the file, so its index is no lock, whatever production holds.
        let findings = try review("""
            CREATE TABLE IF NOT EXISTS big2 (id bigint);
            COMMENT ON TABLE big2 IS 'x';
            CREATE INDEX big2_id ON big2 (id);
            """, target: target)
        #expect(findings.isEmpty)
    }

    @Test func anUnreachableTargetIsAnErrorToReport() throws {
        let target = Target(name: "production", connection: .conninfo("host=/nonexistent-gitgate-socket dbname=x user=x"),
                            connectTimeout: 2)
        #expect(throws: GitGateError.self) {
            _ = try review("CREATE INDEX i ON t (x);", target: target)
        }
        // A file with nothing to ask about needs no connection.
        #expect(try review("SELECT 1;", target: target).isEmpty)
    }
}
