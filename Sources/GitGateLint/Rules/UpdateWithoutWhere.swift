import SQL

extension Rule {
    public static let updateWithoutWhere = Rule(
        "update-without-where", .error, .dataLoss,
        summary: "UPDATE without WHERE rewrites every row",
        rationale: "An UPDATE with no WHERE clause overwrites a column in every row and locks them all until commit.",
        fix: "add the WHERE clause meant; backfill a large table in batches, outside the migration",
        examples: [
            .bad("UPDATE users SET email = NULL;"),
            .good("UPDATE users SET email = NULL WHERE id = 1;"),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard effect.action == .updateRows(whereClause: false), case .table = effect.object else { return nil }
                return RuleHit("UPDATE \(table) without WHERE rewrites every row (and locks them all until commit)",
                               fix: "add the WHERE clause meant; backfill a large table in batches, outside the migration")
            }
        })
}
