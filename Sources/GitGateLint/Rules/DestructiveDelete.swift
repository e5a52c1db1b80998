import SQL

extension Rule {
    public static let destructiveDelete = Rule(
        "destructive-delete", .error, .dataLoss,
        summary: "DELETE … WHERE removes rows",
        rationale: "A schema migration that deletes rows in production loses data nobody reviewed row by row; data fixes belong in a reviewed script of their own.",
        fix: "keep data fixes out of schema migrations, or archive the rows first and record why with '-- gitgate:allow destructive-delete because …'",
        examples: [
            .bad("DELETE FROM users WHERE id = 1;"),
            .good("""
                CREATE TABLE IF NOT EXISTS staging (id bigint);
                DELETE FROM staging WHERE id = 1;
                """),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard effect.action == .deleteRows(whereClause: true), case .table = effect.object else { return nil }
                return RuleHit("DELETE FROM \(table) removes rows in production",
                               fix: "keep data fixes out of schema migrations, or archive the rows first and record why with '-- gitgate:allow destructive-delete because …'")
            }
        })
}
