/// A possibly schema-qualified name. PostgreSQL's parser has already folded
/// unquoted identifiers to lower case; quoted ones keep their case.
public struct QualifiedName: Hashable, Sendable, Codable, CustomStringConvertible {
    /// nil when the SQL did not qualify the name (the search_path decides).
    public var schema: String?
    public var name: String

    public init(schema: String? = nil, name: String) {
        self.schema = schema
        self.name = name
    }

    /// From the parts of a dotted name: `name`, `schema.name`, or `database.schema.name`.
    init?(parts: [String]) {
        guard let last = parts.last else { return nil }
        self.init(schema: parts.count >= 2 ? parts[parts.count - 2] : nil, name: last)
    }

    /// The name as SQL would write it, quoting parts that need it.
    public var description: String {
        if let schema { return "\(quoteIdentifier(schema)).\(quoteIdentifier(name))" }
        return quoteIdentifier(name)
    }

    /// This name with `schema` filled in when the SQL left it out.
    func defaultingSchema(to schema: String?) -> QualifiedName {
        QualifiedName(schema: self.schema ?? schema, name: name)
    }
}

/// `name` as SQL would write it: bare when it is a plain lower-case identifier, else quoted.
/// (Reserved words are not detected; this is for messages, never for building SQL.)
func quoteIdentifier(_ name: String) -> String {
    var plain = !name.isEmpty
    for (index, byte) in name.utf8.enumerated() {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "_"): continue
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "$"): if index > 0 { continue }
        default: break
        }
        plain = false
        break
    }
    if plain { return name }
    var quoted = "\""
    for character in name {
        quoted.append(character)
        if character == "\"" { quoted.append(character) }
    }
    return quoted + "\""
}
