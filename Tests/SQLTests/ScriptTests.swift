import Testing
import SQL

@Suite struct ScriptTests {
    struct Located: CustomTestStringConvertible, Sendable {
        var sql: String
        var expected: [(line: Int, column: Int, text: String)]
        var testDescription: String { sql.debugDescription }
    }

    @Test(arguments: [
        Located(sql: "SELECT 1;", expected: [(1, 1, "SELECT 1")]),
        Located(sql: "-- header\n\n  CREATE TABLE a (id int);\n\n\nDROP TABLE a;", expected: [
            (3, 3, "CREATE TABLE a (id int)"), (6, 1, "DROP TABLE a"),
        ]),
        Located(sql: "SELECT 1; /* a /* nested */ still comment */ SELECT 2 ;\n-- x\n\tSELECT 3", expected: [
            (1, 1, "SELECT 1"), (1, 46, "SELECT 2"), (3, 2, "SELECT 3"),
        ]),
        Located(sql: """
            CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$
            BEGIN
              DELETE FROM t; UPDATE u SET a = 1;
            END
            $body$;
               -- after the body
               CREATE TABLE after_function (id int);
            """, expected: [
            (1, 1, "CREATE FUNCTION f() RETURNS void LANGUAGE plpgsql AS $body$\nBEGIN\n  DELETE FROM t; UPDATE u SET a = 1;\nEND\n$body$"),
            (7, 4, "CREATE TABLE after_function (id int)"),
        ]),
        Located(sql: "SELECT 'é', 'ü';  SELECT 2 -- trailing\n;", expected: [
            (1, 1, "SELECT 'é', 'ü'"), (1, 19, "SELECT 2"),
        ]),
        Located(sql: ";;  ;SELECT 1;;", expected: [(1, 6, "SELECT 1")]),
        Located(sql: "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2);\nSELECT 3", expected: [
            (1, 1, "CREATE RULE r AS ON INSERT TO t DO ALSO (SELECT 1; SELECT 2)"), (2, 1, "SELECT 3"),
        ]),
        Located(sql: "SELECT 1 /* inside */ + 2 -- end\r\n;", expected: [(1, 1, "SELECT 1 /* inside */ + 2")]),
    ])
    func statementsAreLocatedAtTheirFirstToken(_ example: Located) throws {
        let script = try SQLScript.parse(example.sql)
        #expect(script.statements.count == example.expected.count)
        for (statement, expected) in zip(script.statements, example.expected) {
            #expect(statement.line == expected.line)
            #expect(statement.column == expected.column)
            #expect(statement.text == expected.text)
        }
    }

    @Test func offsetsAreBytesAndColumnsAreCharacters() throws {
        let script = try SQLScript.parse("SELECT 'ééé'; SELECT 2;")
        let second = try #require(script.statements.last)
        #expect(second.offset == 17)
        #expect(second.column == 15)
        #expect(script.location(ofOffset: second.offset) == SourceLocation(line: 1, column: 15, offset: 17))
    }

    @Test func leadingCommentsAreThoseBetweenStatements() throws {
        let script = try SQLScript.parse("""
            -- file header
            CREATE TABLE a (
              id int -- inside the statement
            ); -- trailing on the same line
            /* block
               comment */
            -- gitgate:allow ban-drop-table because the table is empty
            DROP TABLE old;
            -- at the end
            """)
        #expect(script.comments.map(\.line) == [1, 3, 4, 5, 7, 9])
        #expect(script.comments[3].endLine == 6)
        #expect(script.comments[3].isBlock)
        let create = script.statements[0]
        #expect(create.leadingComments.map(\.text) == ["-- file header"])
        #expect(create.endLine == 4)
        let drop = script.statements[1]
        #expect(drop.leadingComments.map(\.line) == [4, 5, 7])
        #expect(drop.leadingComments.last?.content == "gitgate:allow ban-drop-table because the table is empty")
        #expect(drop.line == 8)
    }

    @Test func syntaxErrorIsLocatedInTheWholeFile() {
        let sql = "CREATE TABLE a (id int);\n\n-- ü comment\nSELECT 'ü' frm x;\nSELECT 3;"
        let error = #expect(throws: SQLError.self) { try SQLScript.parse(sql) }
        #expect(error?.line == 4)
        #expect(error?.column == 16)
        #expect(error?.message == #"syntax error at or near "x""#)
        #expect(error?.description.hasPrefix("line 4, column 16: syntax error") == true)
    }

    @Test func errorWithoutPositionIsLocatedAtItsStatement() {
        // PostgreSQL reports this one without a cursor position.
        let sql = "SELECT 1;\n\n  /* c */ SELECT 1 FROM t FETCH FIRST 1 ROWS WITH TIES;"
        let error = #expect(throws: SQLError.self) { try SQLScript.parse(sql) }
        #expect(error?.message.contains("WITH TIES") == true)
        #expect(error?.line == 3)
        #expect(error?.column == 11)
    }

    @Test(arguments: [
        ("SELECT 1;\nSELECT $$ unterminated", 2, 8),
        ("SELECT 1;\r\nSELECT 'unterminated", 2, 8),
        ("SELECT 1;\nSELECT (1", 2, 10),
    ])
    func lexicalErrorsAreLocated(sql: String, line: Int, column: Int) {
        let error = #expect(throws: SQLError.self) { try SQLScript.parse(sql) }
        #expect(error?.line == line)
        #expect(error?.column == column)
    }

    @Test(arguments: ["", "   \n\n", "-- only a comment\n/* and /* nested */ another */\n", ";;;"])
    func scriptsWithoutStatements(_ sql: String) throws {
        let script = try SQLScript.parse(sql)
        #expect(script.statements.isEmpty)
        #expect(script.text == sql)
    }

    @Test func crlfAndBOM() throws {
        let sql = "\u{FEFF}CREATE TABLE a (id int);\r\n\r\n-- c\r\n  DROP TABLE a;\r\n"
        let script = try SQLScript.parse(sql)
        #expect(script.statements.map(\.line) == [1, 4])
        #expect(script.statements.map(\.column) == [1, 3])
        #expect(script.statements[0].offset == 3)
        #expect(script.statements[0].text == "CREATE TABLE a (id int)")
        #expect(script.statements[1].text == "DROP TABLE a")
        #expect(script.statements[1].leadingComments.first?.text == "-- c")
        #expect(script.statements[1].leadingComments.first?.line == 3)

        let error = #expect(throws: SQLError.self) { try SQLScript.parse("\u{FEFF}SELEC 1;") }
        #expect(error?.line == 1)
        #expect(error?.column == 1)
    }

    @Test func nulByteIsAnError() {
        let error = #expect(throws: SQLError.self) { try SQLScript.parse("SELECT 1;\nSELECT \u{0}2;") }
        #expect(error?.line == 2)
        #expect(error?.column == 8)
    }

    @Test func largeFileParses() throws {
        var sql = "-- bulk data\n"
        var count = 0
        while sql.utf8.count < 10 * 1024 * 1024 {
            sql += "INSERT INTO items (id, name, price) VALUES (\(count), 'item \(count) ü', \(count).99);\n"
            count += 1
        }
        let script = try SQLScript.parse(sql)
        #expect(script.statements.count == count)
        let last = try #require(script.statements.last)
        #expect(last.line == count + 1)
        #expect(last.column == 1)
        let values: [InsertedRows.Literal?] = [.number("\(count - 1)"), .string("item \(count - 1) ü"), .number("\(count - 1).99")]
        #expect(last.effects == [Effect(.insertRows, .table(QualifiedName(name: "items")),
                                        detail: .rows(InsertedRows(columns: ["id", "name", "price"], rows: [values])))])
        #expect(script.comments.count == 1)
    }

    @Test func sameLineStatementsOnALongLine() throws {
        let sql = String(repeating: "SELECT 'ü'; ", count: 2000)
        let script = try SQLScript.parse(sql)
        #expect(script.statements.count == 2000)
        #expect(script.statements.last?.column == 1999 * 12 + 1)
    }

    @Test func parsesConcurrently() async throws {
        try await withThrowingTaskGroup(of: Int.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let sql = index.isMultiple(of: 2) ? "CREATE TABLE t\(index) (id int); DROP TABLE x;" : "SELEC broken"
                    do { return try SQLScript.parse(sql).statements.count } catch { return -1 }
                }
            }
            for try await result in group { #expect(result == 2 || result == -1) }
        }
    }

    @Test func parserVersion() {
        #expect(Parser.version == "15-4.0")
        #expect(Parser.postgresVersion.hasPrefix("15."))
        #expect(Parser.postgresVersionNumber / 10_000 == 15)
    }
}
