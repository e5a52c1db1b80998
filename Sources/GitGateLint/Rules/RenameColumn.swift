import SQL

extension Rule {
    public static let renameColumn = Rule(
        "rename-column", .warning, .locks, lock: true,
        summary: "renaming a column of an existing table",
        rationale: "Clients still running use the old column name and fail as soon as the rename commits.",
        fix: "add the new column, write both while clients move over, then drop the old one",
        examples: [
            .bad("ALTER TABLE users RENAME COLUMN email TO mail;"),
            .good("ALTER TABLE users ADD COLUMN mail text;"),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard case .rename(let to) = effect.action, case .column(_, let name) = effect.object else { return nil }
                return RuleHit("renaming column \(table).\(name) to \(to) breaks every running client that still uses the old name",
                               fix: "add the new column, write both while clients move over, then drop the old one",
                               lockTable: table)
            }
        })
}
