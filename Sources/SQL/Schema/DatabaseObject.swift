/// A database object a statement creates, changes, or removes.
public enum DatabaseObject: Hashable, Sendable, Codable, CustomStringConvertible {
    case schema(String)
    case table(QualifiedName)
    case column(table: QualifiedName, name: String)
    /// The name is nil for `CREATE INDEX ON t (…)`, which lets PostgreSQL choose it.
    /// The table is nil where the SQL does not say it (DROP INDEX, ALTER INDEX).
    case index(QualifiedName?, table: QualifiedName?)
    /// The name is nil for an unnamed constraint, which PostgreSQL names itself.
    case constraint(table: QualifiedName, name: String?)
    case view(QualifiedName)
    case materializedView(QualifiedName)
    case sequence(QualifiedName)
    /// Enum, composite, range, and base types, and domains.
    case type(QualifiedName)
    /// Functions, procedures, and aggregates. `arguments` are the input argument
    /// types as SQL text (`pg_catalog.int4`, `text[]`), nil when the SQL omits them.
    case function(QualifiedName, arguments: [String]?)
    case `extension`(String)
    case trigger(name: String, table: QualifiedName)
    case database(String)
    case role(String)
    /// Any other object, described in words, e.g. `policy p on t`.
    case other(String)

    public var description: String {
        switch self {
        case .schema(let name): return "schema \(quoteIdentifier(name))"
        case .table(let name): return "table \(name)"
        case .column(let table, let name): return "column \(table).\(quoteIdentifier(name))"
        case .index(let name, let table):
            let named = name.map { "index \($0)" } ?? "index"
            return table.map { "\(named) on \($0)" } ?? named
        case .constraint(let table, let name):
            return name.map { "constraint \(quoteIdentifier($0)) on \(table)" } ?? "constraint on \(table)"
        case .view(let name): return "view \(name)"
        case .materializedView(let name): return "materialized view \(name)"
        case .sequence(let name): return "sequence \(name)"
        case .type(let name): return "type \(name)"
        case .function(let name, let arguments):
            return "function \(name)" + (arguments.map { "(\($0.joined(separator: ", ")))" } ?? "")
        case .extension(let name): return "extension \(quoteIdentifier(name))"
        case .trigger(let name, let table): return "trigger \(quoteIdentifier(name)) on \(table)"
        case .database(let name): return "database \(quoteIdentifier(name))"
        case .role(let name): return "role \(quoteIdentifier(name))"
        case .other(let words): return words
        }
    }
}

extension DatabaseObject {
    /// This object with `schema` filled in where the SQL left names unqualified
    /// (elements of CREATE SCHEMA s CREATE TABLE …).
    func defaultingSchema(to schema: String) -> DatabaseObject {
        switch self {
        case .table(let name): return .table(name.defaultingSchema(to: schema))
        case .column(let table, let name): return .column(table: table.defaultingSchema(to: schema), name: name)
        case .index(let name, let table):
            return .index(name?.defaultingSchema(to: schema), table: table?.defaultingSchema(to: schema))
        case .constraint(let table, let name): return .constraint(table: table.defaultingSchema(to: schema), name: name)
        case .view(let name): return .view(name.defaultingSchema(to: schema))
        case .materializedView(let name): return .materializedView(name.defaultingSchema(to: schema))
        case .sequence(let name): return .sequence(name.defaultingSchema(to: schema))
        case .type(let name): return .type(name.defaultingSchema(to: schema))
        case .function(let name, let arguments): return .function(name.defaultingSchema(to: schema), arguments: arguments)
        case .trigger(let name, let table): return .trigger(name: name, table: table.defaultingSchema(to: schema))
        default: return self
        }
    }
}
