import SQL

extension Rule {
    public static let deleteWithoutWhere = Rule(
        "delete-without-where", .error, .dataLoss,
        summary: "DELETE without WHERE removes every row",
        rationale: "A DELETE with no WHERE clause empties the table, usually by mistake.",
        fix: "add the WHERE clause that limits it to the rows meant, and archive them first",
        examples: [
            .bad("DELETE FROM users;"),
            .good("DELETE FROM users WHERE id = 1;"),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard effect.action == .deleteRows(whereClause: false), case .table = effect.object else { return nil }
                return RuleHit("DELETE FROM \(table) without WHERE removes every row",
                               fix: "add the WHERE clause that limits it to the rows meant, and archive them first")
            }
        })
}
