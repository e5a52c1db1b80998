import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// The literals the catalog query is built from, read back by a real server: every name reaches
/// it as written, whichever bytes it holds.
@Suite("SQL text escapes")
struct SQLTextTests {
    private static let names = ["plain_name", "it's", "back\\slash", "say \"hi\"", "a,b", "{braces}", "naïve 表", "'\\\"mix\"\\'", "",
                                "@`~?^", "\u{7F}del"]

    @Test("string literals and array elements round-trip through PostgreSQL", .database)
    func roundTrip() throws {
        let connection = try Connection(try TestDatabase.conninfo(), options: .init(connectTimeout: 5, readOnly: true))
        for name in Self.names {
            let literal = try connection.query("SELECT \(sqlLiteral(name))").rows.first?.first ?? nil
            #expect(literal == name, "literal of \(name)")
        }
        let array = Catalog.textArray(Self.names + [nil])
        let elements = try connection.query("SELECT e FROM pg_catalog.unnest(\(array)::pg_catalog.text[]) WITH ORDINALITY AS u(e, i) ORDER BY i")
            .rows.map { $0.first ?? nil }
        #expect(elements == Self.names.map { Optional($0) } + [nil])
    }

    @Test("a NUL byte is dropped from a literal (PostgreSQL text cannot hold it); text without specials is returned as is")
    func nulAndFastPath() {
        #expect(ASCIIEscapes.sqlLiteral.apply(to: "a\u{0}b") == "ab")
        #expect(ASCIIEscapes.sqlLiteral.apply(to: "unchanged_name_42") == "unchanged_name_42")
        #expect(ASCIIEscapes.identifier.apply(to: "x\"y") == "x\"\"y")
        #expect(ASCIIEscapes.arrayElement.apply(to: "\\\"") == "\\\\\\\"")
    }
}
