// Reading common shapes of libpg_query's parse tree into schema values.

enum Read {
    /// A RangeVar (tagged or not) as a qualified name.
    static func relation(_ node: Node?) -> QualifiedName? {
        guard let fields = node?.fields, let name = fields["relname"]?.string else { return nil }
        return QualifiedName(schema: fields["schemaname"]?.string, name: name)
    }

    static func isTemporary(_ rangeVar: Node?) -> Bool {
        rangeVar?.fields["relpersistence"]?.string == "t"
    }

    /// A dotted name given as a list, a String node, a RangeVar, or a TypeName.
    static func name(_ node: Node?) -> QualifiedName? {
        guard let node else { return nil }
        if let relation = relation(node) { return relation }
        if node.tag == "TypeName" || node["names"] != nil { return QualifiedName(parts: node.fields["names"]?.stringValues ?? []) }
        return QualifiedName(parts: node.stringValues)
    }

    static func typeName(_ node: Node?) -> TypeName? {
        guard let fields = node?.fields, let parts = fields["names"]?.stringValues, let last = parts.last else { return nil }
        let modifiers = (fields["typmods"]?.array ?? []).map(constantText)
        return TypeName(
            schema: parts.count >= 2 ? parts[parts.count - 2] : nil,
            name: last,
            modifiers: modifiers,
            isArray: !(fields["arrayBounds"]?.array ?? []).isEmpty,
            isSetOf: fields.flag("setof")
        )
    }

    /// A constant (A_Const, Integer, Float, String node, column name) as text.
    static func constantText(_ node: Node) -> String {
        let fields = node.fields
        if node.tag == "A_Const" {
            if let integer = fields["ival"] { return String(integer["ival"]?.int ?? 0) }
            if let float = fields["fval"]?["fval"]?.string { return float }
            if let text = fields["sval"]?["sval"]?.string { return text }
            if let bit = fields["bsval"]?["bsval"]?.string { return bit }
            if let boolean = fields["boolval"] { return boolean.flag("boolval") ? "true" : "false" }
            if fields.flag("isnull") { return "NULL" }
        }
        if node.tag == "Integer" { return String(fields["ival"]?.int ?? 0) }
        if node.tag == "Float" { return fields["fval"]?.string ?? "" }
        if node.tag == "ColumnRef" { return (fields["fields"]?.stringValues ?? []).joined(separator: ".") }
        if let text = node.stringValue { return text }
        return "?"
    }

    /// A RoleSpec as a role name; PUBLIC and CURRENT_USER-style specs in lower case.
    static func role(_ node: Node?) -> String? {
        guard let fields = node?.fields else { return nil }
        switch fields["roletype"]?.string {
        case "ROLESPEC_CSTRING": return fields["rolename"]?.string
        case "ROLESPEC_PUBLIC": return "public"
        case "ROLESPEC_CURRENT_USER": return "current_user"
        case "ROLESPEC_CURRENT_ROLE": return "current_role"
        case "ROLESPEC_SESSION_USER": return "session_user"
        default: return fields["rolename"]?.string
        }
    }

    /// `DROP_CASCADE` behaviour.
    static func cascades(_ fields: Node) -> Bool {
        fields["behavior"]?.string == "DROP_CASCADE"
    }

    /// The string argument of the DefElem named `name` in a list of options.
    static func option(_ name: String, in options: Node?) -> Node? {
        for option in options?.array ?? [] where option.fields["defname"]?.string == name {
            return option.fields["arg"] ?? .bool(true)
        }
        return nil
    }

    /// Whether a boolean option's value is on: `(ANALYZE)`, `(ANALYZE true)`, `(ANALYZE on)`.
    static func isOn(_ value: Node) -> Bool {
        if value.tag == "Boolean" { return value.fields.flag("boolval") }
        if value.tag == "Integer" { return (value.fields["ival"]?.int ?? 0) != 0 }
        if let boolean = value.bool { return boolean }
        if let text = value.stringValue { return !["false", "off", "no", "0"].contains(text.lowercased()) }
        return true
    }

    /// The object a relation-kind ObjectType (`OBJECT_TABLE`, `OBJECT_INDEX`, …) names.
    static func relationObject(_ objectType: String, _ name: QualifiedName) -> DatabaseObject {
        switch objectType {
        case "OBJECT_INDEX": return .index(name, table: nil)
        case "OBJECT_VIEW": return .view(name)
        case "OBJECT_MATVIEW": return .materializedView(name)
        case "OBJECT_SEQUENCE": return .sequence(name)
        case "OBJECT_TYPE": return .type(name)
        default: return .table(name)
        }
    }

    /// The object an ObjectType plus its name node (as DROP, COMMENT ON, GRANT,
    /// ALTER … RENAME/OWNER/SET SCHEMA give them) denotes.
    static func object(_ objectType: String, _ node: Node?) -> DatabaseObject? {
        guard let node else { return nil }
        let parts = node.stringValues
        switch objectType {
        case "OBJECT_SCHEMA": return parts.last.map(DatabaseObject.schema)
        case "OBJECT_EXTENSION": return parts.last.map(DatabaseObject.extension)
        case "OBJECT_DATABASE": return parts.last.map(DatabaseObject.database)
        case "OBJECT_ROLE": return parts.last.map(DatabaseObject.role)
        case "OBJECT_TABLE", "OBJECT_FOREIGN_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_INDEX":
            return name(node).map { relationObject(objectType, $0) }
        case "OBJECT_TYPE", "OBJECT_DOMAIN":
            return name(node).map(DatabaseObject.type)
        case "OBJECT_FUNCTION", "OBJECT_PROCEDURE", "OBJECT_ROUTINE", "OBJECT_AGGREGATE":
            let fields = node.fields
            guard let function = QualifiedName(parts: fields["objname"]?.stringValues ?? []) else { return nil }
            let arguments = fields.flag("args_unspecified")
                ? nil
                : (fields["objargs"]?.array ?? []).compactMap { typeName($0)?.signature }
            return .function(function, arguments: arguments)
        case "OBJECT_COLUMN":
            guard let column = parts.last, let table = QualifiedName(parts: parts.dropLast()) else { return nil }
            return .column(table: table, name: column)
        case "OBJECT_TABCONSTRAINT":
            guard let constraint = parts.last, let table = QualifiedName(parts: parts.dropLast()) else { return nil }
            return .constraint(table: table, name: constraint)
        case "OBJECT_TRIGGER":
            guard let trigger = parts.last, let table = QualifiedName(parts: parts.dropLast()) else { return nil }
            return .trigger(name: trigger, table: table)
        case "OBJECT_POLICY", "OBJECT_RULE":
            guard let name = parts.last, let table = QualifiedName(parts: parts.dropLast()) else { return nil }
            let kind = objectType == "OBJECT_POLICY" ? "policy" : "rule"
            return .other("\(kind) \(quoteIdentifier(name)) on \(table)")
        default:
            let words = String(objectType.dropFirst("OBJECT_".count).lowercased().map { $0 == "_" ? " " : $0 })
            let named = parts.isEmpty ? name(node)?.description ?? "" : parts.map(quoteIdentifier).joined(separator: ".")
            return .other(named.isEmpty ? words : "\(words) \(named)")
        }
    }
}

extension QualifiedName {
    init?(parts: ArraySlice<String>) { self.init(parts: Array(parts)) }
}
