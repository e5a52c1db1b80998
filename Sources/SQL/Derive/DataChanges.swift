// Rows a statement inserts, updates, or deletes, including through data-modifying
// WITH queries. Only statements that run their queries now are looked into.

enum DataChanges {
    static func effects(kind: String, fields: Node) -> [Effect] {
        switch kind {
        case "SelectStmt":
            var effects: [Effect] = []
            // SELECT … INTO creates a table.
            if let into = fields["intoClause"]?["rel"], let name = Read.relation(into) {
                effects.append(Effect(.create, .table(name), temporary: Read.isTemporary(into)))
            }
            return effects + rowChanges(in: fields)
        case "InsertStmt", "UpdateStmt", "DeleteStmt", "MergeStmt":
            return rowChanges(in: .object([Node.Field(kind, fields)]))
        case "CopyStmt":
            if let query = fields["query"] { return rowChanges(in: query) }
            guard fields.flag("is_from"), let table = Read.relation(fields["relation"]) else { return [] }
            return [Effect(.insertRows, .table(table))]
        case "ExplainStmt":
            // EXPLAIN ANALYZE runs its statement.
            guard Read.option("analyze", in: fields["options"]).map(Read.isOn) == true else { return [] }
            return fields["query"].map(rowChanges) ?? []
        default:
            return []
        }
    }

    private static func rowChanges(in tree: Node) -> [Effect] {
        var effects: [Effect] = []
        tree.walk { node in
            guard let tag = node.tag else { return }
            let fields = node.fields
            switch tag {
            case "InsertStmt":
                if let table = Read.relation(fields["relation"]) { effects.append(Effect(.insertRows, .table(table))) }
            case "UpdateStmt":
                if let table = Read.relation(fields["relation"]) {
                    effects.append(Effect(.updateRows(whereClause: fields["whereClause"] != nil), .table(table)))
                }
            case "DeleteStmt":
                if let table = Read.relation(fields["relation"]) {
                    effects.append(Effect(.deleteRows(whereClause: fields["whereClause"] != nil), .table(table)))
                }
            case "MergeStmt":
                guard let table = Read.relation(fields["relation"]) else { return }
                for clause in fields["mergeWhenClauses"]?.array ?? [] {
                    // Every MERGE action is limited by the join condition.
                    switch clause.fields["commandType"]?.string {
                    case "CMD_INSERT": effects.append(Effect(.insertRows, .table(table)))
                    case "CMD_UPDATE": effects.append(Effect(.updateRows(whereClause: true), .table(table)))
                    case "CMD_DELETE": effects.append(Effect(.deleteRows(whereClause: true), .table(table)))
                    default: break
                    }
                }
            default:
                break
            }
        }
        return effects
    }
}
