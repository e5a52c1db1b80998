import Foundation
import GitGateKit
import SQL
import Testing

/// A large file is read piecewise (windows of the scanner, long VALUES lists in pieces) so that
/// memory follows the statements, not the bytes. Its review must be the whole-file parse's, byte
/// for byte: these tests run both readings on the same files and compare what the review reads
/// (`ReviewScript` as JSON) and the findings (as JSON).
@Suite("Piecewise parse")
struct PiecewiseParseTests {
    /// What the review reads of a file, as JSON: statements, effects, comments, allows, or the error.
    static func reviewed(_ sql: String, _ strategy: ScriptReading) throws -> String {
        switch ParsedFile(Data(sql.utf8), strategy: strategy) {
        case .script(let script): return try json(script)
        case .syntaxError(let error): return "syntax error \(error.line):\(error.column) \(error.message)"
        case .notText(let line, let reason): return "not text \(line) \(reason)"
        }
    }

    static func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func findings(_ sql: String, _ strategy: ScriptReading, settings: LintSettings = LintSettings()) throws -> String {
        let files = [ReviewFile(path: "001_schema.sql", contents: Data(RuleExample.existingSchema.utf8)),
                     ReviewFile(path: "002_data.sql", contents: Data(sql.utf8))]
        let parsed = files.map { ParsedFile($0.contents, strategy: strategy) }
        return try json(Reviewer(files: .named, settings: settings).review(files, parsed: parsed))
    }

    /// A single INSERT of `rows` rows of mixed literals (strings with commas, semicolons,
    /// parentheses and quotes, negative numbers, casts, NULL, booleans, an expression), with
    /// comments between rows, one of them a `gitgate:allow`.
    static func bigInsert(rows: Int, table: String = "users") -> String {
        var sql = "-- seed\nINSERT INTO \(table) (id, email, note, active, score) VALUES\n"
        for index in 0..<rows {
            if index > 0 { sql += ",\n" }
            if index % 997 == 5 { sql += "  -- a comment between rows, with a comma, and a ; semicolon\n" }
            if index % 1_499 == 7 { sql += "  /* gitgate:allow destructive-drop because the block comment is inside the rows */\n" }
            let note = index % 3 == 0 ? "'it''s (\(index)), ok; yes'" : index % 3 == 1 ? "E'line\\n\(index)'" : "NULL"
            let score = index % 5 == 0 ? "-\(index)" : index % 5 == 1 ? "\(index).5" : index % 5 == 2 ? "'\(index)'::numeric" : "\(index) + 1"
            sql += "(\(index), 'user\(index)@example.com', \(note), \(index % 2 == 0 ? "true" : "false"), \(score))"
        }
        return sql + "\nON CONFLICT (id) DO NOTHING;\n"
    }

    @Test(arguments: ExampleCase.all)
    func ruleExamplesReadTheSameEitherWay(_ example: ExampleCase) throws {
        let sql = example.example.sql
        let whole = try Self.reviewed(sql, .whole)
        #expect(try Self.reviewed(sql, .piecewiseEverywhere) == whole)
        var settings = example.example.settings
        settings.enabled.insert(example.rule)
        let findings = try Self.findings(sql, .whole, settings: settings)
        #expect(try Self.findings(sql, .piecewiseEverywhere, settings: settings) == findings)
    }

    @Test func theSchemaTheExamplesAssumeReadsTheSameEitherWay() throws {
        #expect(try Self.reviewed(RuleExample.existingSchema, .piecewiseEverywhere) == Self.reviewed(RuleExample.existingSchema, .whole))
    }

    /// Inputs that cut windows in awkward places: strings with commas, quote continuation across
    /// a newline, dollar quotes, nested comments, numbers, multi-byte text, BEGIN ATOMIC bodies
    /// (semicolons inside one statement), INSERTs that are not plain VALUES lists.
    static let awkward: [String] = [
        "INSERT INTO t VALUES (1, 'a,b'), (2, 'c;d'), (3, 'e''f');",
        "INSERT INTO t VALUES ('a'\n'b', 1), ('c'\n  'd', 2);",
        "INSERT INTO t VALUES ($$x, y$$, 1), ($tag$;),($tag$, 2);\nSELECT 1.5e10, 12345, .5;",
        "/* outer /* nested, ; */ still */ INSERT INTO t VALUES (1), (2); -- trailing, comment",
        "INSERT INTO t (a) VALUES ('ü, é'), ('日本, 語'), ('x');\nDROP TABLE users;",
        "CREATE FUNCTION f() RETURNS void LANGUAGE sql BEGIN ATOMIC INSERT INTO t VALUES (1); INSERT INTO t VALUES (1), (2), (3); END;\nINSERT INTO t VALUES (4), (5);",
        "INSERT INTO t SELECT 1 UNION VALUES (1), (2);",
        "INSERT INTO t VALUES (1), (2) ORDER BY 1 LIMIT 1;",
        "INSERT INTO t DEFAULT VALUES; INSERT INTO t (a) OVERRIDING SYSTEM VALUE VALUES (1), ((2)), (3) RETURNING a;",
        "WITH x AS (SELECT 1) INSERT INTO t VALUES (1), (2);",
        "INSERT INTO t VALUES (1), (2), (3 +);",
        "INSERT INTO t VALUES (1), (2) (3);",
        "INSERT INTO t VALUES (1), (2, 'unterminated);",
        "INSERT INTO t VALUES (1), (2);\nSELEC broken;",
        "CREATE RULE r AS ON INSERT TO t DO ALSO (INSERT INTO u VALUES (1), (2); INSERT INTO u VALUES (3));",
        "\u{FEFF}INSERT INTO t VALUES (1),\r\n(2);\r\n",
        "INSERT INTO t VALUES (1), (2)",
        "",
    ]

    @Test(arguments: awkward)
    func awkwardInputsReadTheSameEitherWay(_ sql: String) throws {
        let whole = try Self.reviewed(sql, .whole)
        #expect(try Self.reviewed(sql, .piecewiseEverywhere) == whole)
        for window in [17, 23, 40, 64] {
            let strategy = ScriptReading(piecewiseFromBytes: 0, valuesFromBytes: 0, valuesPieceBytes: 9, window: window)
            #expect(try Self.reviewed(sql, strategy) == whole, "window \(window)")
        }
        // Statement texts and positions too (apply runs them one by one without a transaction).
        let a = try? SQLScript.parse(sql, strategy: .whole)
        let b = try? SQLScript.parse(sql, strategy: .piecewiseEverywhere)
        #expect(a?.statements.map { "\($0.line):\($0.column)-\($0.endLine)@\($0.offset)..\($0.endOffset) \($0.text)" }
                == b?.statements.map { "\($0.line):\($0.column)-\($0.endLine)@\($0.offset)..\($0.endOffset) \($0.text)" })
    }

    /// A generated 2 MB single INSERT, then a DROP: read in pieces by default, and linted with
    /// the same findings as the whole-file parse; the DROP after it is still caught.
    @Test func bigInsertIsLintedTheSameAndALaterDropIsCaught() throws {
        let sql = Self.bigInsert(rows: 30_000) + "-- and then\nDROP TABLE users;\nINSERT INTO orders (id) VALUES (1), (2);\n"
        #expect(sql.utf8.count > 1_500_000)
        let whole = try Self.findings(sql, .whole)
        let standard = try Self.findings(sql, .standard)
        #expect(standard == whole)
        #expect(try Self.reviewed(sql, .standard) == Self.reviewed(sql, .whole))
        let findings = try Reviewer(files: .named).review([ReviewFile(path: "002_data.sql", contents: Data(sql.utf8))])
        let lines = sql.split(separator: "\n", omittingEmptySubsequences: false)
        let dropLine = try #require(lines.firstIndex { $0.hasPrefix("DROP TABLE users") }) + 1
        #expect(findings.contains { $0.rule == Rule.destructiveDrop.rawValue && $0.line == dropLine }, "\(findings.map { "\($0.rule)@\($0.line)" })")
    }

    /// The rows' literals are all read (each piece is parsed), but a list this long keeps only its count.
    @Test func bigInsertKeepsItsCountNotItsValues() throws {
        let script = try SQLScript.parse(Self.bigInsert(rows: 20_000))
        let insert = try #require(script.statements.first)
        guard case .rows(let rows) = insert.effects.first?.detail else {
            Issue.record("no rows: \(insert.effects)")
            return
        }
        #expect(rows.count == 20_000 && rows.rows.isEmpty && !rows.keepsValues)
        #expect(rows.columns == ["id", "email", "note", "active", "score"] && rows.onConflict)
        #expect(insert.text.hasPrefix("INSERT INTO users") && insert.text.hasSuffix("DO NOTHING"))
        // Read in pieces: the statement's own tree has only the first row.
        #expect(insert.fields["selectStmt"]?.fields["valuesLists"]?.array?.count == 1)
        #expect(script.comments.count == 1 + (0..<20_000).filter { $0 % 997 == 5 || $0 % 1_499 == 7 }.count)
    }

    /// The piecewise path is taken (not a silent fall-back to the whole parse) where it applies,
    /// and not for what only looks like a VALUES list.
    @Test(arguments: [("INSERT INTO t VALUES (1, 'a,b'), (2, 'c;d'), (3, 'e''f');", true),
                      ("SELECT 1; INSERT INTO t (a) VALUES (1), ((2)), (3) ON CONFLICT DO NOTHING;", true),
                      ("INSERT INTO t SELECT 1 UNION VALUES (1), (2);", false),
                      ("WITH x AS (SELECT 1) INSERT INTO t VALUES (1), (2);", false)])
    func valuesAreReadInPiecesWhereTheyCanBe(_ sql: String, inPieces: Bool) throws {
        let script = try SQLScript.parse(sql, strategy: .piecewiseEverywhere)
        let insert = try #require(script.statements.last)
        let lists = insert.fields["selectStmt"]?.fields["valuesLists"]?.array?.count
        #expect(inPieces ? lists == 1 : lists != 1)
        let whole = try SQLScript.parse(sql, strategy: .whole).statements.last?.effects
        #expect(insert.effects == whole)
    }

    /// Up to the bound every value is kept, read in pieces or whole alike.
    @Test func aListWithinTheBoundKeepsEveryValue() throws {
        let sql = Self.bigInsert(rows: InsertedRows.keptRowLimit)
        let tiny = ScriptReading(piecewiseFromBytes: 0, valuesFromBytes: 0, valuesPieceBytes: 500, window: 300)
        let pieces = try SQLScript.parse(sql, strategy: tiny).statements[0].effects
        let whole = try SQLScript.parse(sql, strategy: .whole).statements[0].effects
        #expect(pieces == whole)
        guard case .rows(let rows) = pieces.first?.detail else {
            Issue.record("no rows")
            return
        }
        #expect(rows.count == InsertedRows.keptRowLimit && rows.keepsValues)
        #expect(rows.rows[1] == [.number("1"), .string("user1@example.com"), .string("line\n1"), .boolean(false), .number("1.5")])
    }

    /// A syntax error deep in the rows is reported where and as the whole-file parse reports it.
    @Test func aSyntaxErrorInTheRowsIsReportedAsBefore() throws {
        var sql = Self.bigInsert(rows: 20_000)
        let marker = "(15000, "
        let at = try #require(sql.range(of: marker))
        sql.replaceSubrange(at, with: "(15000 15000, ")
        let whole = try Self.reviewed(sql, .whole)
        #expect(whole.hasPrefix("syntax error"))
        #expect(try Self.reviewed(sql, .standard) == whole)
    }
}
