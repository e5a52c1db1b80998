
extension Rule {
    public static let preferTimestamptz = Rule(
        "prefer-timestamptz", .warning, .types, enabledByDefault: false,
        summary: "a column of type timestamp (without time zone)",
        rationale: "timestamp without time zone stores wall-clock time with no zone: the same value means different instants on servers or clients in different zones, and daylight-saving changes make it ambiguous. timestamptz stores an instant. Off unless .gitgate enables it.",
        fix: "declare it timestamptz",
        examples: [
            .bad("ALTER TABLE users ADD COLUMN seen_at timestamp;"),
            .good("ALTER TABLE users ADD COLUMN seen_at timestamptz;"),
        ],
        check: { context in
            var hits = context.definedColumns.compactMap { table, column, _ -> RuleHit? in
                guard column.type?.plainName == "timestamp" else { return nil }
                return RuleHit("\(table).\(sqlIdentifier(column.name)) is timestamp without time zone", fix: "declare \(sqlIdentifier(column.name)) timestamptz")
            }
            for effect in context.statement.effects {
                if case .columnChange(.type(let type, _)) = effect.detail, type.plainName == "timestamp",
                   case .column(let table, let name) = effect.object {
                    hits.append(RuleHit("\(table).\(sqlIdentifier(name)) becomes timestamp without time zone", fix: "change it to timestamptz instead"))
                }
            }
            return hits
        })
}
