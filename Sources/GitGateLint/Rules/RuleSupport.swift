import SQL

/// `name` as PostgreSQL needs it written: bare when it is a plain lower-case identifier, else quoted.
package func sqlIdentifier(_ name: String) -> String {
    let plain = name.utf8.enumerated().allSatisfy { index, byte in
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
            || (index > 0 && ((byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "$")))
    }
    return plain && !name.isEmpty ? name : "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

extension RuleContext {
    static func definedColumns(of statement: ReviewScript.Statement) -> [(table: QualifiedName, column: ColumnDefinition, isKey: Bool)] {
        var found: [(QualifiedName, ColumnDefinition, Bool)] = []
        for effect in statement.effects where effect.creates && !effect.temporary {
            switch (effect.object, effect.detail) {
            case (.table(let table), .table(let definition)):
                let key = Set(definition.primaryKey ?? [])
                for column in definition.columns { found.append((table, column, column.isPrimaryKey || key.contains(column.name))) }
            case (.column(let table, _), .column(let column)):
                found.append((table, column, column.isPrimaryKey))
            default:
                break
            }
        }
        return found
    }
}

extension TypeName {
    /// The name without pg_catalog, lower-cased: `int4`, `varchar`, `timestamp`, `serial`.
    package var plainName: String { name.lowercased() }
}
