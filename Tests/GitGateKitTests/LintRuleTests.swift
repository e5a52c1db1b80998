import Foundation
import GitGateKit
import Testing

/// Reviews SQL files named in order, as `gitgate lint a.sql b.sql` does.
func lint(_ sources: String..., history: MigrationHistory? = nil, branch: Bool = false) throws -> [Finding] {
    let files = sources.enumerated().map { index, sql in
        ReviewFile(path: String(format: "%03d.sql", index + 1), contents: Data(sql.utf8))
    }
    return try Reviewer(files: branch ? .branch : .named, history: history).review(files)
}

/// An earlier migration that creates what the examples work on.
let existingSchema = """
    CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text, name text, age int);
    COMMENT ON TABLE users IS 'people';
    CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint);
    CREATE INDEX IF NOT EXISTS orders_user ON orders (user_id);
    COMMENT ON TABLE orders IS 'orders';
    CREATE VIEW active_users AS SELECT * FROM users;
    CREATE TYPE mood AS ENUM ('ok');
    CREATE SEQUENCE counter;
    CREATE SCHEMA app;
    CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;
    """

struct RuleCase: CustomTestStringConvertible, Sendable {
    var rule: String
    var sql: String
    var testDescription: String { "\(rule): \(sql.prefix(60))" }
    init(_ rule: String, _ sql: String) {
        self.rule = rule
        self.sql = sql
    }
}

@Suite("Lint rules")
struct LintRuleTests {
    /// One statement each, on existing tables (created by an earlier file).
    static let firing: [RuleCase] = [
        RuleCase("destructive-drop", "DROP TABLE users"),
        RuleCase("destructive-drop", "DROP TABLE IF EXISTS orders CASCADE"),
        RuleCase("destructive-drop", "ALTER TABLE users DROP COLUMN email"),
        RuleCase("destructive-drop", "DROP SCHEMA app CASCADE"),
        RuleCase("destructive-drop", "DROP DATABASE legacy"),
        RuleCase("destructive-drop", "DROP VIEW active_users"),
        RuleCase("destructive-drop", "DROP TYPE mood"),
        RuleCase("destructive-drop", "DROP SEQUENCE counter"),
        RuleCase("destructive-drop", "DROP FUNCTION touch() CASCADE"),
        RuleCase("destructive-delete", "DELETE FROM users WHERE id = 1"),
        RuleCase("delete-without-where", "DELETE FROM users"),
        RuleCase("destructive-truncate", "TRUNCATE users"),
        RuleCase("update-without-where", "UPDATE users SET email = NULL"),
        RuleCase("update-without-where", "WITH gone AS (UPDATE users SET name = 'x' RETURNING id) SELECT count(*) FROM gone"),
        RuleCase("index-without-concurrently", "CREATE INDEX users_email ON users (email)"),
        RuleCase("index-without-concurrently", "ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email)"),
        RuleCase("not-null-column-without-default", "ALTER TABLE users ADD COLUMN tier text NOT NULL"),
        RuleCase("volatile-default", "ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid()"),
        RuleCase("volatile-default", "ALTER TABLE users ADD COLUMN seq bigserial"),
        RuleCase("set-not-null", "ALTER TABLE users ALTER COLUMN email SET NOT NULL"),
        RuleCase("column-type-change", "ALTER TABLE users ALTER COLUMN age TYPE bigint"),
        RuleCase("constraint-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id)"),
        RuleCase("constraint-without-not-valid", "ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18)"),
        RuleCase("rename-table", "ALTER TABLE users RENAME TO people"),
        RuleCase("rename-column", "ALTER TABLE users RENAME COLUMN email TO mail"),
    ]

    @Test(arguments: firing)
    func ruleFiresAtTheStatementsFirstToken(_ example: RuleCase) throws {
        // Comments and blank lines before the statement: the finding is on line 4, where it starts.
        let findings = try lint(existingSchema, "-- a data fix\n/* reviewed\n */\n  \(example.sql);\n")
        let finding = try #require(findings.first { $0.rule == example.rule }, "\(findings.map(\.rule))")
        #expect(finding.path == "002.sql")
        #expect(finding.line == 4)
        #expect(finding.severity == Rule(rawValue: example.rule)?.severity)
        #expect(!finding.message.isEmpty && !finding.fix.isEmpty)
        #expect(Rule(rawValue: example.rule) != nil)
    }

    /// The same statements where they do not run: a string, comments (nested too), function bodies.
    /// (A DO block runs: see LintDynamicSQLTests.)
    @Test(arguments: firing.map(\.sql))
    func textThatDoesNotRunNeverFires(_ sql: String) throws {
        let quoted = sql.replacingOccurrences(of: "'", with: "''")
        let hidden = """
            SELECT '\(quoted)';
            SELECT $tag$\(sql)$tag$ AS text;
            -- \(sql);
            /* outer /* \(sql); */ still a comment: \(sql); */
            CREATE OR REPLACE FUNCTION tidy() RETURNS void LANGUAGE plpgsql AS $body$
            BEGIN
              \(sql);
            END
            $body$;
            """
        let findings = try lint(existingSchema, hidden)
        #expect(findings.filter { $0.path == "002.sql" }.isEmpty, "\(findings)")
    }

    @Test(arguments: [
        RuleCase("delete-without-where", "DELETE FROM users WHERE email IS NULL;"),
        RuleCase("update-without-where", "UPDATE users SET email = lower(email) WHERE email <> lower(email);"),
        RuleCase("index-without-concurrently", "CREATE INDEX CONCURRENTLY users_email ON users (email);"),
        RuleCase("index-without-concurrently", "CREATE TABLE IF NOT EXISTS events (id bigint, user_id bigint); COMMENT ON TABLE events IS 'e'; CREATE INDEX events_user ON events (user_id);"),
        RuleCase("index-without-concurrently", "CREATE UNIQUE INDEX CONCURRENTLY users_email_key ON users (email); ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE USING INDEX users_email_key;"),
        RuleCase("concurrently-in-transaction", "CREATE TABLE IF NOT EXISTS events (id bigint); COMMENT ON TABLE events IS 'e'; CREATE INDEX CONCURRENTLY events_id ON events (id);"),
        RuleCase("concurrently-in-transaction", "BEGIN; UPDATE users SET name = 'a' WHERE id = 1; COMMIT; CREATE INDEX CONCURRENTLY users_name ON users (name);"),
        RuleCase("missing-if-not-exists", "CREATE TABLE IF NOT EXISTS events (id bigint); COMMENT ON TABLE events IS 'e';"),
        RuleCase("missing-if-not-exists", "CREATE TEMP TABLE scratch (id bigint);"),
        RuleCase("not-null-column-without-default", "ALTER TABLE users ADD COLUMN tier text NOT NULL DEFAULT 'free';"),
        RuleCase("not-null-column-without-default", "CREATE TABLE IF NOT EXISTS events (id bigint); COMMENT ON TABLE events IS 'e'; ALTER TABLE events ADD COLUMN kind text NOT NULL;"),
        RuleCase("volatile-default", "ALTER TABLE users ADD COLUMN created_at timestamptz DEFAULT now();"),
        RuleCase("constraint-without-not-valid", "ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18) NOT VALID; ALTER TABLE users VALIDATE CONSTRAINT adult;"),
        RuleCase("constraint-without-not-valid", "ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"),
        RuleCase("set-not-null", "ALTER TABLE users ALTER COLUMN email DROP NOT NULL;"),
        RuleCase("rename-table", "CREATE TABLE IF NOT EXISTS draft (id bigint); ALTER TABLE draft RENAME TO events; COMMENT ON TABLE events IS 'e';"),
        RuleCase("rename-column", "CREATE TABLE IF NOT EXISTS events (id bigint, nme text); COMMENT ON TABLE events IS 'e'; ALTER TABLE events RENAME COLUMN nme TO name;"),
        RuleCase("destructive-drop", "CREATE TABLE IF NOT EXISTS staging (id bigint); COMMENT ON TABLE staging IS 's'; DROP TABLE staging;"),
        RuleCase("destructive-drop", "DROP VIEW active_users; CREATE VIEW active_users AS SELECT id, email FROM users;"),
        RuleCase("destructive-drop", "DROP INDEX orders_user; DROP TRIGGER IF EXISTS t ON users; ALTER TABLE users DROP CONSTRAINT IF EXISTS adult;"),
        RuleCase("destructive-truncate", "CREATE TEMP TABLE scratch (id bigint); TRUNCATE scratch;"),
        RuleCase("destructive-delete", "CREATE TABLE IF NOT EXISTS staging (id bigint); COMMENT ON TABLE staging IS 's'; INSERT INTO staging VALUES (1); DELETE FROM staging;"),
        RuleCase("foreign-key-unknown-table", "CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, parent_id bigint REFERENCES events, user_id bigint REFERENCES public.users); COMMENT ON TABLE events IS 'e'; CREATE INDEX events_parent ON events (parent_id); CREATE INDEX events_user ON events (user_id);"),
        RuleCase("foreign-key-without-index", "CREATE TABLE IF NOT EXISTS events (user_id bigint REFERENCES users, id bigint, PRIMARY KEY (user_id, id)); COMMENT ON TABLE events IS 'e';"),
        RuleCase("foreign-key-without-index", "CREATE TABLE IF NOT EXISTS events (id bigint, user_id bigint REFERENCES users); COMMENT ON TABLE events IS 'e'; CREATE INDEX events_user ON events (user_id, id);"),
        RuleCase("table-without-comment", "CREATE TABLE IF NOT EXISTS events (id bigint); COMMENT ON TABLE public.events IS 'what happened';"),
        RuleCase("table-without-comment", "CREATE TEMP TABLE scratch (id bigint);"),
    ])
    func nearMissDoesNotFire(_ example: RuleCase) throws {
        let findings = try lint(existingSchema, example.sql)
        #expect(!findings.contains { $0.rule == example.rule && $0.path == "002.sql" }, "\(findings)")
    }

    @Test func concurrentlyInsideATransactionBlockIsAnError() throws {
        let findings = try lint(existingSchema, """
            BEGIN;
            SET LOCAL lock_timeout = '2s';
            CREATE INDEX CONCURRENTLY users_name ON users (name);
            COMMIT;
            """)
        let finding = try #require(findings.first { $0.rule == "concurrently-in-transaction" })
        #expect(finding.line == 3)
        #expect(finding.severity == .error)
        #expect(finding.message.contains("BEGIN on line 1"))
    }

    @Test func createTableWithoutIfNotExistsCommentAndIndexedForeignKeys() throws {
        let findings = try lint(existingSchema, """
            CREATE TABLE events (
              id bigint PRIMARY KEY,
              user_id bigint NOT NULL REFERENCES users (id),
              order_id bigint REFERENCES orders
            );
            CREATE INDEX events_user ON events (user_id);
            """)
        #expect(findings.map(\.rule).sorted() == ["foreign-key-without-index", "missing-if-not-exists", "table-without-comment"])
        let unindexed = try #require(findings.first { $0.rule == "foreign-key-without-index" })
        #expect(unindexed.message.contains("order_id"))
        #expect(findings.allSatisfy { $0.line == 1 && $0.severity == .warning })
    }

    @Test func foreignKeyToATableNoEarlierMigrationCreates() throws {
        let findings = try lint(existingSchema, """
            CREATE TABLE IF NOT EXISTS events (id bigint PRIMARY KEY, ghost_id bigint);
            COMMENT ON TABLE events IS 'e';
            CREATE INDEX events_ghost ON events (ghost_id);

            ALTER TABLE events ADD CONSTRAINT events_ghost_fk FOREIGN KEY (ghost_id) REFERENCES ghosts (id);
            """)
        let finding = try #require(findings.first { $0.rule == "foreign-key-unknown-table" })
        #expect(finding.line == 5)
        #expect(finding.severity == .error)
        #expect(finding.message.contains("ghosts"))
        // Referencing a table an earlier migration dropped is just as wrong.
        let dropped = try lint(existingSchema, "-- gitgate:allow destructive-drop because unused\nDROP TABLE orders;",
                               "ALTER TABLE users ADD COLUMN last_order bigint REFERENCES orders;")
        #expect(dropped.contains { $0.rule == "foreign-key-unknown-table" && $0.path == "003.sql" && $0.line == 1 })
        // Created later does not count: the migration would fail.
        let later = try lint("CREATE TABLE IF NOT EXISTS a (id bigint PRIMARY KEY, b_id bigint REFERENCES b);",
                             "CREATE TABLE IF NOT EXISTS b (id bigint PRIMARY KEY);")
        #expect(later.contains { $0.rule == "foreign-key-unknown-table" && $0.path == "001.sql" })
    }

    @Test func createTableIfNotExistsOfAnExistingTableDoesNotMakeItNew() throws {
        let findings = try lint(existingSchema, """
            CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY);
            CREATE INDEX users_name ON users (name);
            """)
        #expect(findings.contains { $0.rule == "index-without-concurrently" && $0.line == 2 })
    }

    @Test func eachNamedFileIsHistoryForTheNextButOnlyTheSameFileMakesATableNew() throws {
        // 001 creates users; 002 indexing it is a lock on an existing table (001 is presumably applied).
        let named = try lint(existingSchema, "CREATE INDEX users_name ON users (name);")
        #expect(named.contains { $0.rule == "index-without-concurrently" })
        // On a branch, the tables an earlier branch migration created hold no production rows yet.
        let branch = try lint(existingSchema, "CREATE INDEX users_name ON users (name);", branch: true)
        #expect(!branch.contains { $0.rule == "index-without-concurrently" })
    }
}
