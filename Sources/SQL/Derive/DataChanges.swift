// Rows a statement inserts, updates, or deletes, including through data-modifying
// WITH queries. Only statements that run their queries now are looked into.
// A SELECT's function calls may change rows too; that cannot be seen from SQL.

enum DataChanges {
    static func effects(kind: String, fields: Node) -> [Effect] {
        switch kind {
        case "SelectStmt":
            var effects: [Effect] = []
            // SELECT … INTO creates a table.
            if let into = fields["intoClause"]?["rel"], let name = Read.relation(into) {
                effects.append(Effect(.create, .table(name), temporary: Read.isTemporary(into)))
            }
            return effects + rowChanges(in: .object([Node.Field(kind, fields)]))
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

    /// The statement's own row changes, then its WITH queries': PostgreSQL allows
    /// data-modifying WITH queries only at the top level, so nothing deeper is looked at.
    private static func rowChanges(in statement: Node) -> [Effect] {
        var effects: [Effect] = []
        collect(statement, into: &effects)
        return effects
    }

    /// `INSERT … VALUES (…), …` without a WITH clause: its rows; nil for INSERT … SELECT and the like.
    static func literalRows(_ fields: Node) -> InsertedRows? {
        guard fields["withClause"] == nil, let select = fields["selectStmt"]?.fields,
              let lists = select["valuesLists"]?.array, select["withClause"] == nil else { return nil }
        let columns = fields["cols"]?.array.map { $0.compactMap { $0.fields["name"]?.string } }
        // Past the bound InsertedRows keeps no values: do not read them.
        let rows = lists.count > InsertedRows.keptRowLimit ? [] : lists.map(literals)
        return InsertedRows(columns: columns, rows: rows, count: lists.count, onConflict: fields["onConflictClause"] != nil)
    }

    /// One row of a VALUES list: each value if it is a literal.
    static func literals(_ list: Node) -> [InsertedRows.Literal?] {
        (list.fields["items"]?.array ?? list.array ?? []).map(literal)
    }

    /// A constant, or a cast of one (`'…'::uuid`); nil for anything else.
    private static func literal(_ node: Node) -> InsertedRows.Literal? {
        let fields = node.fields
        switch node.tag {
        case "A_Const":
            if fields.flag("isnull") { return .null }
            if let integer = fields["ival"] { return .number(String(integer["ival"]?.int ?? 0)) }
            if let float = fields["fval"]?["fval"]?.string { return .number(float) }
            if let text = fields["sval"]?["sval"]?.string { return .string(text) }
            if let text = fields["sval"], text["sval"] == nil { return .string("") }
            if let boolean = fields["boolval"] { return .boolean(boolean.flag("boolval")) }
            return nil
        case "TypeCast":
            return fields["arg"].flatMap(literal)
        default:
            return nil
        }
    }

    private static func collect(_ statement: Node, into effects: inout [Effect]) {
        guard let tag = statement.tag else { return }
        let fields = statement.fields
        let table = Read.relation(fields["relation"])
        switch tag {
        case "InsertStmt":
            if let table { effects.append(Effect(.insertRows, .table(table), detail: literalRows(fields).map { .rows($0) } ?? .none)) }
        case "UpdateStmt":
            if let table { effects.append(Effect(.updateRows(whereClause: fields["whereClause"] != nil), .table(table))) }
        case "DeleteStmt":
            if let table { effects.append(Effect(.deleteRows(whereClause: fields["whereClause"] != nil), .table(table))) }
        case "MergeStmt":
            guard let table else { break }
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
        for query in fields["withClause"]?["ctes"]?.array ?? [] {
            if let inner = query.fields["ctequery"] { collect(inner, into: &effects) }
        }
    }
}
