import SQL

/// What rules read of a statement's parse tree beyond its effects, taken while the tree exists.
package enum StatementDetails: Sendable, Codable {
    /// REINDEX: what it rebuilds (`index users_email`, `table users`, …) and whether CONCURRENTLY.
    case reindex(object: String, concurrently: Bool)
    /// VACUUM FULL of these tables (empty: the whole database).
    case vacuumFull(tables: [String])
    /// CLUSTER of this table (nil: every previously clustered table).
    case cluster(table: String?)
    /// DO: its body and language.
    case doBlock(body: String, language: String)
    /// CREATE DOMAIN with constraints (CHECK, NOT NULL): the domain.
    case domainWithConstraints(domain: String)
    /// ALTER DOMAIN … ADD CONSTRAINT: the domain, and whether NOT VALID.
    case domainConstraint(domain: String, notValid: Bool)

    package init?(_ statement: SQL.Statement) {
        let fields = statement.fields
        switch statement.kind {
        case "ReindexStmt":
            let concurrently = (fields["params"]?.array ?? []).contains { Self.isOn($0.fields, "concurrently") }
            let kind = (fields["kind"]?.string ?? "").replacingOccurrences(of: "REINDEX_OBJECT_", with: "").lowercased()
            let name = Self.relation(fields["relation"]) ?? fields["name"]?.string ?? ""
            self = .reindex(object: "\(kind) \(name)".trimmingCharacters(in: .whitespaces), concurrently: concurrently)
        case "VacuumStmt":
            guard fields.flag("is_vacuumcmd"),
                  (fields["options"]?.array ?? []).contains(where: { Self.isOn($0.fields, "full") }) else { return nil }
            let tables = (fields["rels"]?.array ?? []).compactMap { Self.relation($0.fields["relation"]) }
            self = .vacuumFull(tables: tables)
        case "CreateDomainStmt":
            guard !(fields["constraints"]?.array ?? []).isEmpty else { return nil }
            let names = fields["domainname"]?.stringValues ?? []
            self = .domainWithConstraints(domain: QualifiedName(schema: names.count > 1 ? names[names.count - 2] : nil, name: names.last ?? "").description)
        case "AlterDomainStmt":
            guard fields["subtype"]?.string == "C", let constraint = fields["def"]?.fields else { return nil }
            let names = fields["typeName"]?.stringValues ?? []
            let domain = QualifiedName(schema: names.count > 1 ? names[names.count - 2] : nil, name: names.last ?? "")
            self = .domainConstraint(domain: domain.description, notValid: constraint.flag("skip_validation"))
        case "ClusterStmt":
            self = .cluster(table: Self.relation(fields["relation"]))
        case "DoStmt":
            var body: String?
            var language = "plpgsql"
            for argument in fields["args"]?.array ?? [] {
                let element = argument.fields
                switch element["defname"]?.string {
                case "as": body = element["arg"]?.stringValue
                case "language": language = element["arg"]?.stringValue ?? language
                default: break
                }
            }
            guard let body else { return nil }
            self = .doBlock(body: body, language: language.lowercased())
        default:
            return nil
        }
    }

    /// A DefElem option `name` that is on (`(FULL)`, `(FULL true)`, `(CONCURRENTLY)`).
    private static func isOn(_ element: Node, _ name: String) -> Bool {
        guard element["defname"]?.string == name else { return false }
        guard let value = element["arg"] else { return true }
        if let text = value.stringValue?.lowercased() { return !["false", "off", "0"].contains(text) }
        if let number = value.fields["ival"]?.int ?? value.int { return number != 0 }
        if let flag = value.fields["boolval"]?.bool { return flag }
        return true
    }

    private static func relation(_ node: Node?) -> String? {
        guard let node, let name = node["relname"]?.string else { return nil }
        let table = QualifiedName(schema: node["schemaname"]?.string, name: name)
        return table.description
    }
}
