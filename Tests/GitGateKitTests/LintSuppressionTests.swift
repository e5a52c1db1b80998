import Foundation
import GitGateKit
import Testing

@Suite("Lint: allow comments, unreadable files")
struct LintSuppressionTests {
    @Test(arguments: [
        "-- gitgate:allow destructive-drop because the feature was removed in v3\nDROP TABLE users;",
        "DROP TABLE users; -- gitgate:allow destructive-drop because the feature was removed in v3",
        "/* gitgate:allow destructive-drop because the feature was removed in v3 */\nDROP TABLE users;",
        "-- gitgate:allow destructive-drop, destructive-truncate because the feature was removed in v3\n\n-- (backed up to s3)\nDROP TABLE users;",
    ])
    func allowWithAReasonKeepsTheFindingWithItsReason(_ sql: String) throws {
        let findings = try lint(existingSchema, sql).filter { $0.path == "002.sql" }
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding.rule == "destructive-drop")
        #expect(finding.severity == .error)
        #expect(finding.allowedBecause == "the feature was removed in v3")
        #expect(!finding.blocks)
    }

    @Test func allowWithoutAReasonIsItselfAnErrorAndAllowsNothing() throws {
        let findings = try lint(existingSchema, "SELECT 1;\n-- gitgate:allow destructive-drop\nDROP TABLE users;")
            .filter { $0.path == "002.sql" }
        let drop = try #require(findings.first { $0.rule == "destructive-drop" })
        #expect(drop.allowedBecause == nil && drop.blocks && drop.line == 3)
        let allow = try #require(findings.first { $0.rule == "allow-without-reason" })
        #expect(allow.line == 2 && allow.severity == .error && allow.blocks)
        // "because" with nothing after it is no reason either.
        let empty = try lint(existingSchema, "DROP TABLE users; -- gitgate:allow destructive-drop because   ")
        #expect(empty.contains { $0.rule == "allow-without-reason" })
        #expect(empty.contains { $0.rule == "destructive-drop" && $0.blocks })
    }

    @Test func anAllowSpeaksOnlyForItsRuleAndItsStatement() throws {
        let findings = try lint(existingSchema, """
            -- gitgate:allow destructive-truncate because wrong rule
            DROP TABLE users;
            -- gitgate:allow destructive-drop because only the next statement
            SELECT 1;
            DROP TABLE orders;
            """).filter { $0.path == "002.sql" }
        #expect(findings.filter { $0.rule == "destructive-drop" }.map(\.line) == [2, 5])
        #expect(findings.allSatisfy { $0.allowedBecause == nil })
    }

    @Test func allowNamingNoRuleIsAWarning() throws {
        let findings = try lint(existingSchema, "-- gitgate:allow drop-table because typo\nDROP TABLE users;")
        let unknown = try #require(findings.first { $0.rule == "allow-unknown-rule" })
        #expect(unknown.line == 1 && unknown.severity == .warning)
        #expect(findings.contains { $0.rule == "destructive-drop" && $0.blocks })
    }

    @Test(arguments: [
        ("SELECT 1;\n\nCREATE TABLE (id int);\n", 3),
        ("-- header\nSELECT 1;\nSELECT 2;\nSELEC 3;\n", 4),
        ("CREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$ SELECT 1 $$;\nSELECT 'unterminated;\n", 2),
    ])
    func aFileThatDoesNotParseIsAnErrorOnItsLine(_ sql: String, _ line: Int) throws {
        let findings = try lint(sql, "-- gitgate:allow destructive-drop because fine\nDROP TABLE IF EXISTS x;")
        let error = try #require(findings.first)
        #expect(error.rule == "syntax-error" && error.path == "001.sql" && error.line == line && error.blocks)
        #expect(findings.filter { $0.path == "001.sql" }.count == 1)
        // The next file is still reviewed.
        #expect(findings.contains { $0.path == "002.sql" && $0.rule == "destructive-drop" })
    }

    @Test func aFileThatIsNotTextIsAnErrorOnItsLine() throws {
        var binary = Data("SELECT 1;\nSELECT 2;\n".utf8)
        binary.append(contentsOf: [0x00, 0x01, 0x02, 0xFF])
        var latin1 = Data("-- café\n".utf8)
        latin1.append(contentsOf: Array("SELECT 1;\n-- caf".utf8) + [0xE9] + Array("\n".utf8))
        let reviewer = Reviewer(files: .named)
        let findings = try reviewer.review([
            ReviewFile(path: "blob.sql", contents: binary),
            ReviewFile(path: "latin1.sql", contents: latin1),
            ReviewFile(path: "ok.sql", contents: Data("SELECT 1;".utf8)),
        ])
        #expect(findings.map(\.rule) == ["not-text", "not-text"])
        #expect(findings.map(\.path) == ["blob.sql", "latin1.sql"])
        #expect(findings.map(\.line) == [3, 3])
        #expect(findings.allSatisfy { $0.severity == .error })
    }

    @Test func aByteOrderMarkAndCRLFAreText() throws {
        let findings = try lint("\u{FEFF}-- x\r\nDELETE FROM t;\r\n")
        #expect(findings.map(\.rule) == ["delete-without-where"])
        #expect(findings.first?.line == 2)
    }
}
