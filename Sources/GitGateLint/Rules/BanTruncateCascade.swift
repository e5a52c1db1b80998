
extension Rule {
    public static let banTruncateCascade = Rule(
        "ban-truncate-cascade", .error, .dataLoss,
        summary: "TRUNCATE … CASCADE",
        rationale: "CASCADE also empties every table with a foreign key to the truncated one, and the tables referencing those: the statement does not say which tables lose their rows.",
        fix: "TRUNCATE the referencing tables by name (or delete the rows meant), without CASCADE",
        examples: [
            .bad("TRUNCATE orders CASCADE;"),
            .good("""
                CREATE TABLE IF NOT EXISTS staging (id bigint);
                TRUNCATE staging;
                """),
        ],
        check: { context in
            guard context.statement.kind == "TruncateStmt",
                  context.statement.effects.contains(where: \.cascade) else { return [] }
            let tables = context.statement.effects.compactMap(\.object.table).map(\.description).joined(separator: ", ")
            return [RuleHit("TRUNCATE \(tables) CASCADE also empties every table that references \(tables), whichever they are",
                            fix: "name every table to empty in the TRUNCATE and leave out CASCADE, so PostgreSQL refuses if another table references them")]
        })
}
