import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// A database whose tables belong to a login role that is not a superuser, so a preflight can
/// be refused a table (the owner may revoke its own SELECT); the examples' schema is in place.
struct PreflightWorld {
    let conninfo: String
    let owner: String

    /// - Parameter rows: SQL run as the owner after `RuleExample.existingSchema`.
    init(rows: String? = nil) throws {
        let admin = try TestDatabase.make()
        let database = try #require(admin.split(separator: " ").first { $0.hasPrefix("dbname=") }).dropFirst("dbname=".count)
        owner = "owner_" + database.filter { $0.isLetter || $0.isNumber || $0 == "_" }
        let superuser = try Connection(admin, options: .init(readOnly: false))
        try superuser.execute("CREATE ROLE \(owner) LOGIN; GRANT CONNECT, CREATE ON DATABASE \(database) TO \(owner); GRANT CREATE ON SCHEMA public TO \(owner)")
        conninfo = admin + " user=\(owner)"
        let connection = try Connection(conninfo, options: .init(readOnly: false))
        try connection.execute(RuleExample.existingSchema)
        if let rows { try connection.execute(rows) }
    }

    func execute(_ sql: String) throws {
        try Connection(conninfo, options: .init(readOnly: false)).execute(sql)
    }

    func target(statementTimeoutMs: Int = 5_000, gate: Bool = true) -> Target {
        Target(name: "production", connection: .conninfo(conninfo), gate: gate, statementTimeoutMs: statementTimeoutMs)
    }

    /// The change as the second of two named files, after the examples' schema.
    func review(_ sql: String, statementTimeoutMs: Int = 5_000, settings: LintSettings = LintSettings()) throws -> [Finding] {
        try Reviewer(files: .named, preflight: target(statementTimeoutMs: statementTimeoutMs), settings: settings)
            .review([ReviewFile(path: "001_schema.sql", contents: Data(RuleExample.existingSchema.utf8)),
                     ReviewFile(path: "002_change.sql", contents: Data(sql.utf8))])
    }
}

/// One example of a preflight rule, as a test argument.
struct PreflightExample: CustomTestStringConvertible, Sendable {
    var rule: Rule
    var index: Int
    var example: RuleExample { rule.examples[index] }
    var testDescription: String { "\(rule.rawValue) \(example.isBad ? "bad" : "good") #\(index + 1)" }

    static let all: [PreflightExample] = Rules.all.filter(\.isPreflight).flatMap { rule in
        rule.examples.indices.map { PreflightExample(rule: rule, index: $0) }
    }
}

@Suite("Preflight: production's rows")
struct PreflightTests {
    /// Each preflight rule's examples on a real PostgreSQL holding the example's rows. The
    /// timeout example runs with a 300 ms statement timeout; the rest with the default.
    @Test(arguments: PreflightExample.all)
    func exampleBehavesAsDocumented(_ case: PreflightExample) throws {
        let world = try PreflightWorld(rows: `case`.example.production)
        let findings = try world.review(`case`.example.sql, statementTimeoutMs: `case`.rule == .preflightTimeout ? 300 : 5_000,
                                        settings: `case`.example.settings)
        let own = findings.filter { $0.rule == `case`.rule.rawValue }
        if let line = `case`.example.line {
            let finding = try #require(own.first, "\(findings.map { "\($0.rule)@\($0.line): \($0.message)" })")
            #expect(finding.line == line && finding.path == "002_change.sql")
            #expect(finding.severity == `case`.rule.severity)
            #expect(finding.message.hasPrefix("production: ") && !finding.fix.isEmpty)
        } else {
            #expect(own.isEmpty, "\(own.map(\.message))")
        }
        // No preflight of any kind complains about a good example.
        if !`case`.example.isBad {
            #expect(!findings.contains { Rule(rawValue: $0.rule)?.isPreflight == true }, "\(findings.map(\.message))")
        }
    }

    @Test func duplicatesAreCountedWithTheirRowsAndKeys() throws {
        let world = try PreflightWorld(rows: """
            INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'a@x'), (3, 'b@x'), (4, 'b@x'), (5, 'b@x'), (6, 'c@x'), (7, NULL), (8, NULL);
            """)
        let findings = try world.review("ALTER TABLE users ADD CONSTRAINT users_email UNIQUE (email);")
        let finding = try #require(findings.first { $0.rule == "preflight-duplicates" })
        #expect(finding.blocks)
        #expect(finding.message == "production: ADD UNIQUE on users (email) will fail: 2 values appear more than once (5 rows), e.g. email='a@x', email='b@x'")
        #expect(finding.fix.contains("SELECT email, count(*) FROM users GROUP BY email HAVING count(*) > 1"))
    }

    @Test func aPrimaryKeyNeedsNoDuplicatesAndNoNulls() throws {
        let world = try PreflightWorld(rows: """
            CREATE TABLE tags (name text, label text);
            INSERT INTO tags VALUES ('a', 'x'), ('a', 'y'), (NULL, 'z');
            """)
        let findings = try world.review("ALTER TABLE tags ADD PRIMARY KEY (name);")
        #expect(Set(findings.map(\.rule)).isSuperset(of: ["preflight-duplicates", "preflight-nulls"]))
        // Without a primary key, a row is shown by its physical address.
        let nulls = try #require(findings.first { $0.rule == "preflight-nulls" })
        #expect(nulls.message.contains("1 row has NULL in name, e.g. ctid='(0,3)'"), "\(nulls.message)")
    }

    @Test func nullsOrphansChecksTypesAndEnumsOnQuotedNames() throws {
        let world = try PreflightWorld(rows: """
            CREATE TABLE "Accounts" ("Id" bigint PRIMARY KEY, "Code" text, "ownerId" bigint, amount numeric);
            INSERT INTO users (id) VALUES (1);
            INSERT INTO "Accounts" VALUES (10, 'ABCDEF', 1, 5), (11, NULL, 7, 12345.678), (12, 'AB', 8, -1), (13, 'ABCD  ', NULL, 1);
            """)
        let findings = try world.review("""
            ALTER TABLE "Accounts" ALTER COLUMN "Code" SET NOT NULL;
            ALTER TABLE "Accounts" ADD CONSTRAINT "Accounts_owner" FOREIGN KEY ("ownerId") REFERENCES users;
            ALTER TABLE "Accounts" ADD CONSTRAINT positive CHECK ("Accounts".amount > 0);
            ALTER TABLE "Accounts" ALTER COLUMN "Code" TYPE varchar(4);
            ALTER TABLE "Accounts" ALTER COLUMN amount TYPE numeric(5, 2);
            """)
        let byLine = Dictionary(grouping: findings.filter { Rule(rawValue: $0.rule)?.isPreflight == true }, by: \.line)
        #expect(byLine[1]?.map(\.message) == [#"production: SET NOT NULL on "Accounts"."Code" will fail: 1 row has NULL in "Code", e.g. "Id"=11"#])
        #expect(byLine[2]?.map(\.message) == [#"production: the foreign key "Accounts" ("ownerId") → users will fail: 2 rows of "Accounts" reference keys users lacks, e.g. "ownerId"=7, "ownerId"=8"#])
        #expect(byLine[3]?.map(\.message) == [#"production: ADD CONSTRAINT positive CHECK on "Accounts" will fail: 1 row violates CHECK ("Accounts".amount > 0), e.g. "Id"=12"#])
        // Trailing spaces are dropped by the cast, so 'ABCD  ' fits varchar(4).
        #expect(byLine[4]?.map(\.message) == [#"production: ALTER COLUMN "Code" TYPE varchar(4) on "Accounts" will fail: 1 row holds values of "Code" that do not fit varchar(4), e.g. "Id"=10"#])
        #expect(byLine[5]?.first?.rule == "preflight-type-mismatch")
        #expect(byLine[5]?.first?.message.contains(#""Id"=11"#) == true)
    }

    @Test func aMillionRowsStayWithinTheTimeoutAndTheLimit() throws {
        let world = try PreflightWorld(rows: """
            CREATE TABLE visits (id bigint PRIMARY KEY, visitor text, note text);
            INSERT INTO visits SELECT g, 'v' || (g % 400000), NULL FROM generate_series(1, 1000000) g;
            ANALYZE visits;
            """)
        let findings = try world.review("""
            CREATE UNIQUE INDEX CONCURRENTLY visits_visitor ON visits (visitor);
            ALTER TABLE visits ALTER COLUMN note SET NOT NULL;
            """)
        let rules = findings.map(\.rule)
        // Both queries finished: no timeout, no failure.
        #expect(!rules.contains("preflight-timeout") && !rules.contains("preflight-not-run"), "\(findings.map(\.message))")
        let duplicates = try #require(findings.first { $0.rule == "preflight-duplicates" })
        #expect(duplicates.message.contains("at least 1000 values appear more than once"), "\(duplicates.message)")
        #expect(duplicates.message.components(separatedBy: "visitor='v").count - 1 == 3)
        let nulls = try #require(findings.first { $0.rule == "preflight-nulls" })
        #expect(nulls.message.contains("at least 1000 rows have NULL in note, e.g. id="), "\(nulls.message)")
        #expect(nulls.message.components(separatedBy: "id=").count - 1 == 3)
    }

    @Test func aTimeoutSaysSoAndDoesNotBlock() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id, age) VALUES (1, 30);")
        let findings = try world.review("ALTER TABLE users ADD CONSTRAINT adult CHECK (pg_sleep(5) IS NOT NULL AND age >= 18) NOT VALID;",
                                        statementTimeoutMs: 200)
        // NOT VALID checks no existing row: nothing to ask.
        #expect(!findings.contains { Rule(rawValue: $0.rule)?.isPreflight == true })
        let slow = try world.review("ALTER TABLE users ADD CONSTRAINT adult CHECK (pg_sleep(5) IS NOT NULL AND age >= 18);",
                                    statementTimeoutMs: 200)
        let finding = try #require(slow.first { $0.rule == "preflight-timeout" })
        #expect(!finding.blocks)
        #expect(finding.message.contains("did not finish within 200 ms"))
        #expect(!slow.contains { $0.blocks })
    }

    @Test func aTableTheRoleCannotReadIsNamed() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id) VALUES (1); INSERT INTO orders VALUES (5, 2);")
        try world.execute("REVOKE SELECT ON users FROM CURRENT_USER")
        let findings = try world.review("ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);")
        let finding = try #require(findings.first { $0.rule == "preflight-unreadable" })
        #expect(finding.message.contains("cannot read users"), "\(finding.message)")
        #expect(!finding.blocks)
    }

    @Test func tablesTheFilesCreateAndEarlierBackfillsAreTakenIntoAccount() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id, name) VALUES (1, NULL);")
        let findings = try world.review("""
            CREATE TABLE IF NOT EXISTS notes (id bigint PRIMARY KEY, body text);
            COMMENT ON TABLE notes IS 'n';
            ALTER TABLE notes ALTER COLUMN body SET NOT NULL;
            UPDATE users SET name = '' WHERE name IS NULL;
            ALTER TABLE users ALTER COLUMN name SET NOT NULL;
            """)
        let preflight = findings.filter { Rule(rawValue: $0.rule)?.isPreflight == true }
        #expect(preflight.map(\.line) == [5])
        // The backfill on line 4 may fix the rows: a warning that says so, not an error.
        #expect(preflight.first?.severity == .warning)
        #expect(preflight.first?.message.contains("counted before 002_change.sql:4 changes rows") == true)
    }

    @Test func validatingAConstraintAddedNotValidIsAskedAbout() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id, age) VALUES (1, 30), (2, 12); INSERT INTO orders VALUES (5, 9);")
        let findings = try world.review("""
            ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18) NOT VALID;
            ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
            ALTER TABLE users VALIDATE CONSTRAINT adult;
            ALTER TABLE orders VALIDATE CONSTRAINT orders_user;
            """)
        let preflight = findings.filter { Rule(rawValue: $0.rule)?.isPreflight == true }
        #expect(preflight.map(\.line) == [3, 4])
        #expect(preflight.first?.message == "production: VALIDATE CONSTRAINT of ADD CONSTRAINT adult CHECK on users will fail: 1 row violates CHECK (age >= 18), e.g. id=2")
        #expect(preflight.last?.rule == "preflight-orphans" && preflight.allSatisfy { $0.blocks })
    }

    @Test func aDisabledRuleRunsNoQuery() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id, name) VALUES (1, NULL);")
        let findings = try world.review("ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
                                        settings: LintSettings(disabled: [.preflightNulls]))
        #expect(!findings.contains { $0.rule == "preflight-nulls" })
    }

    @Test func applyRefusesBeforeChangingAnything() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id, email) VALUES (1, 'a@x'), (2, 'a@x');")
        let apply = try ApplyWorld(conninfo: world.conninfo, branch: [
            "002_unique_email.sql": "CREATE UNIQUE INDEX users_email ON users (email);\n",
        ])
        let plan = try apply.applier().plan()
        #expect(plan.refusals.contains { $0.contains("preflight-duplicates") || $0.contains("1 value appears more than once") },
                "\(plan.refusals)")
        let finding = try #require(plan.items.first?.findings.first { $0.rule == "preflight-duplicates" })
        #expect(finding.message.contains("email='a@x'"))
        let indexes = try Connection(world.conninfo).query("SELECT count(*) AS n FROM pg_indexes WHERE indexname = 'users_email'")
        #expect(indexes[0, "n"] == "0")
    }
}

@Suite("Preflight through gitgate lint --target")
struct PreflightLintServiceTests {
    private func lint(_ world: PreflightWorld, gate: Bool) throws -> LintService.Outcome {
        let repo = try TestRepository()
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:GG_PREFLIGHT_URL\n\tgate = \(gate)\n",
                              "migrations/README": "migrations\n"], message: "Setup")
        try repo.write("change.sql", "ALTER TABLE users ALTER COLUMN name SET NOT NULL;\n")
        return try LintService.run(paths: ["change.sql"], in: repo.path, target: "production",
                                   environment: ["GG_PREFLIGHT_URL": world.conninfo])
    }

    @Test func aGatedTargetsUnreadableTableMeansCouldNotCheck() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id, name) VALUES (1, 'Ann');")
        try world.execute("REVOKE SELECT ON users FROM CURRENT_USER")
        let gated = try lint(world, gate: true)
        #expect(gated.findings.contains { $0.rule == "preflight-unreadable" })
        #expect(gated.exitCode == 2)
        let ungated = try lint(world, gate: false)
        #expect(ungated.findings.contains { $0.rule == "preflight-unreadable" })
        #expect(ungated.exitCode == 0)
    }

    @Test func nullsOnTheTargetBlock() throws {
        let world = try PreflightWorld(rows: "INSERT INTO users (id, name) VALUES (1, NULL);")
        let outcome = try lint(world, gate: true)
        #expect(outcome.findings.first { $0.rule == "preflight-nulls" }?.message
                == "production: SET NOT NULL on users.name will fail: 1 row has NULL in name, e.g. id=1")
        #expect(outcome.exitCode == 1)
    }
}
