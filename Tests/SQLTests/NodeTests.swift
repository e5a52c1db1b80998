import Testing
import SQL

@Suite struct NodeTests {
    @Test func stringsSurviveTheJSONRoundTrip() throws {
        // libpg_query escapes non-ASCII as \u sequences; emoji need surrogate pairs.
        let texts = ["é ü ß", "tab\there\nnewline", #"quote " backslash \ slash /"#, "emoji 🐘 and 日本", "\u{1}control"]
        for text in texts {
            let literal = "'" + text.replacing("'", with: "''") + "'"
            let identifier = "\"" + text.replacing("\"", with: "\"\"") + "\""
            let statement = try #require(try SQLScript.parse("COMMENT ON TABLE \(identifier) IS \(literal)").statements.first)
            #expect(statement.effects == [Effect(.comment, .table(QualifiedName(name: text)), detail: .comment(text))])
        }
    }

    @Test func numbersAndBooleans() throws {
        let statement = try #require(try SQLScript.parse("SELECT 42, -7, 1.5, true, NULL").statements.first)
        let constants = statement.node.all("A_Const")
        #expect(constants.count == 5)
        #expect(constants[0]["ival"]?["ival"] == .int(42))
        #expect(constants[1]["ival"]?["ival"]?.int == -7)
        #expect(constants[2]["fval"]?["fval"]?.string == "1.5")
        #expect(constants[3]["boolval"]?["boolval"]?.bool == true)
        #expect(constants[4].flag("isnull"))
        #expect(constants[0]["location"]?.int == 7)
    }

    @Test(arguments: [("SELECT -7", -7), ("SELECT - 12", -12), ("SELECT 0", 0), ("SELECT -0", 0), ("SELECT 3", 3)])
    func negativeIntegersKeepTheirValue(sql: String, value: Int) throws {
        // libpg_query 15-4.0 drops them from its JSON; gitgate restores them.
        let constant = try #require(try SQLScript.parse(sql).statements.first?.node.first("A_Const"))
        #expect((constant["ival"]?["ival"]?.int ?? 0) == value)
    }

    @Test func navigation() throws {
        let statement = try #require(try SQLScript.parse("""
            WITH gone AS (DELETE FROM a WHERE x RETURNING *), moved AS (DELETE FROM b RETURNING *)
            INSERT INTO c SELECT * FROM gone
            """).statements.first)
        #expect(statement.kind == "InsertStmt")
        #expect(statement.node.tag == "InsertStmt")
        #expect(statement.fields["relation"]?["relname"] == .string("c"))
        // Document order: the first DELETE of the WITH list comes first.
        #expect(statement.node.first("DeleteStmt")?["relation"]?["relname"]?.string == "a")
        #expect(statement.node.all("DeleteStmt").map { $0["whereClause"] != nil } == [true, false])
        #expect(statement.fields["withClause"]?["ctes"]?[1]?.fields["ctename"]?.string == "moved")
        #expect(statement.fields["withClause"]?["ctes"]?[5] == nil)
        var count = 0
        statement.node.walk { _ in count += 1 }
        #expect(count > 10)
        #expect(statement.node.first("MergeStmt") == nil)
        #expect(statement.node.keys == ["InsertStmt"])
    }

    @Test func nodeLocationsMapToLines() throws {
        let script = try SQLScript.parse("SELECT 1;\n\nALTER TABLE t\n  ADD COLUMN c int,\n  DROP COLUMN d;")
        let alter = try #require(script.statements.last)
        let columnDefinition = try #require(alter.node.first("ColumnDef"))
        let location = try #require(columnDefinition["location"]?.int)
        #expect(script.location(ofOffset: location) == SourceLocation(line: 4, column: 14, offset: location))
    }
}
