import SQL

extension Rule {
    public static let columnTypeChange = Rule(
        "column-type-change", .warning, .locks, lock: true,
        summary: "ALTER COLUMN … TYPE on an existing table",
        rationale: "Changing a column's type usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, and breaks clients that expect the old type.",
        fix: "add a new column of the new type, backfill it in batches, switch the application over, then drop the old one",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN age TYPE bigint;"),
            .good("ALTER TABLE users ADD COLUMN age_years bigint;"),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard effect.action == .alter, case .column(_, let name) = effect.object,
                      case .columnChange(.type(let type, _)) = effect.detail else { return nil }
                return RuleHit("ALTER COLUMN \(name) TYPE \(type) usually rewrites \(table) and its indexes under an exclusive lock, and breaks clients expecting the old type",
                               fix: "add a new column of the new type, backfill it in batches, switch the application over, then drop the old one",
                               lockTable: table)
            }
        })
}
