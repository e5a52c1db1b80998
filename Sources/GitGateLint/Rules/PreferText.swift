
extension Rule {
    public static let preferText = Rule(
        "prefer-text", .warning, .types, enabledByDefault: false,
        summary: "a column of type varchar(n) or char(n)",
        rationale: "In PostgreSQL varchar(n) stores the same as text but raising its limit later can lock and rewrite the table, and char(n) pads with blanks that comparisons then ignore. text with a CHECK on length() says the same and changes cheaply. Off unless .gitgate enables it.",
        fix: "declare it text, with CHECK (length(column) <= n) if the limit matters",
        examples: [
            .bad("ALTER TABLE users ADD COLUMN country varchar(2);"),
            .bad("CREATE TABLE IF NOT EXISTS codes (code char(3));"),
            .good("ALTER TABLE users ADD COLUMN country text CHECK (length(country) = 2);"),
        ],
        check: { context in
            context.definedColumns.compactMap { table, column, _ in
                guard let type = column.type else { return nil }
                let name = type.plainName
                let limited = (name == "varchar" && !type.modifiers.isEmpty) || name == "bpchar" || name == "char"
                guard limited else { return nil }
                let limit = type.modifiers.first ?? "1"
                let column = sqlIdentifier(column.name)
                return RuleHit("\(table).\(column) is \(type): a length limit in the type is costly to change\(name == "varchar" ? "" : ", and char pads with blanks")",
                               fix: "declare \(column) text CHECK (length(\(column)) <= \(limit))")
            }
        })
}
