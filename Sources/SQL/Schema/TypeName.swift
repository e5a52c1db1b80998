/// A type as a column or argument declares it. SQL-standard spellings arrive
/// translated by the parser: `int` is `pg_catalog.int4`, `varchar(20)` is
/// `pg_catalog.varchar` with modifier 20, `char(3)` is `pg_catalog.bpchar`,
/// `timestamp with time zone` is `pg_catalog.timestamptz`. `serial` stays `serial`.
public struct TypeName: Hashable, Sendable, Codable, CustomStringConvertible {
    public var schema: String?
    /// The type's own name, e.g. `int4`, `varchar`, `timestamptz`, `serial`.
    public var name: String
    /// Type modifiers as written, e.g. `["20"]` for varchar(20), `["10", "2"]` for numeric(10,2).
    public var modifiers: [String]
    public var isArray: Bool
    /// `SETOF type` (function results only).
    public var isSetOf: Bool

    public init(schema: String? = nil, name: String, modifiers: [String] = [], isArray: Bool = false, isSetOf: Bool = false) {
        self.schema = schema
        self.name = name
        self.modifiers = modifiers
        self.isArray = isArray
        self.isSetOf = isSetOf
    }

    /// For people: `varchar(20)`, `numeric(10,2)[]`, `myschema.mood` (pg_catalog is left out).
    public var description: String {
        var text = schema.map { $0 == "pg_catalog" ? "" : quoteIdentifier($0) + "." } ?? ""
        text += quoteIdentifier(name)
        if !modifiers.isEmpty { text += "(\(modifiers.joined(separator: ",")))" }
        if isArray { text += "[]" }
        return (isSetOf ? "setof " : "") + text
    }

    /// For a function signature PostgreSQL can resolve, e.g. with to_regprocedure:
    /// qualified as written, without modifiers, e.g. `pg_catalog.int4`, `text[]`.
    public var signature: String {
        var text = schema.map { quoteIdentifier($0) + "." } ?? ""
        text += quoteIdentifier(name)
        if isArray { text += "[]" }
        return text
    }
}
