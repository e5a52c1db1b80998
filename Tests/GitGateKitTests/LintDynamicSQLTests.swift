import Foundation
import GitGateKit
import Testing

@Suite("Lint: DO blocks and EXECUTE")
struct LintDynamicSQLTests {
    static let destructive = [
        "DROP TABLE users", "DROP TABLE IF EXISTS orders CASCADE", "ALTER TABLE users DROP COLUMN email",
        "DROP SCHEMA app CASCADE", "DROP VIEW active_users", "DELETE FROM users WHERE id = 1", "TRUNCATE users",
    ]

    static func review(_ sql: String) throws -> [Finding] {
        try Reviewer(files: .named).review([
            ReviewFile(path: "001.sql", contents: Data(RuleExample.existingSchema.utf8)),
            ReviewFile(path: "002.sql", contents: Data(sql.utf8)),
        ]).filter { $0.path == "002.sql" }
    }

    @Test(arguments: destructive)
    func anExecutedLiteralIsReviewed(_ sql: String) throws {
        let quoted = sql.replacingOccurrences(of: "'", with: "''")
        let findings = try Self.review("SELECT 1;\nDO $$ BEGIN EXECUTE '\(quoted)'; END $$;\n")
        #expect(findings.map(\.rule) == ["hidden-destructive-statement"], "\(findings)")
        #expect(findings.first?.line == 2)
        #expect(findings.first?.message.hasPrefix("an EXECUTE string in this DO block runs ") == true)
    }

    @Test(arguments: destructive)
    func aStatementOfTheBlockIsReviewed(_ sql: String) throws {
        let findings = try Self.review("DO $body$\nBEGIN\n  IF true THEN\n    \(sql);\n  END IF;\nEND\n$body$;\n")
        #expect(findings.map(\.rule) == ["hidden-destructive-statement"], "\(findings)")
        #expect(findings.first?.message.hasPrefix("this DO block runs ") == true)
    }

    @Test func dollarQuotedExecuteAndStringsThatOnlyMentionDropDoNotConfuseIt() throws {
        #expect(try Self.review("DO $$ BEGIN EXECUTE $q$TRUNCATE users$q$; END $$;").map(\.rule) == ["hidden-destructive-statement"])
        #expect(try Self.review("DO $$ BEGIN RAISE NOTICE 'DROP TABLE users; is not run'; END $$;").isEmpty)
        #expect(try Self.review("DO $$ BEGIN -- DROP TABLE users;\n PERFORM 1; END $$;").isEmpty)
    }

    @Test func tablesTheSameFileCreatedAreNotLosses() throws {
        let findings = try Self.review("""
            CREATE TABLE IF NOT EXISTS scratch (id bigint);
            COMMENT ON TABLE scratch IS 'tmp';
            DO $$ BEGIN EXECUTE 'DROP TABLE scratch'; END $$;
            """)
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test(arguments: ["EXECUTE format('DROP TABLE %I', t)", "EXECUTE 'DROP TABLE ' || t", "EXECUTE statement"])
    func sqlBuiltAtRunTimeIsUnreviewable(_ execute: String) throws {
        let findings = try Self.review("DO $$\nDECLARE t text := 'users'; statement text;\nBEGIN\n  \(execute);\nEND $$;")
        #expect(findings.map(\.rule) == ["dynamic-sql"], "\(findings)")
        #expect(findings.first?.severity == .error)
    }

    @Test func anAllowWithAReasonCoversTheBlock() throws {
        let findings = try Self.review("-- gitgate:allow dynamic-sql because it only analyzes tables\nDO $$ BEGIN EXECUTE format('ANALYZE %I', 'users'); END $$;")
        #expect(findings.count == 1)
        #expect(findings.first?.allowedBecause == "it only analyzes tables")
        #expect(findings.first?.blocks == false)
    }
}
