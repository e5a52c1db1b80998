import SQL

extension Rule {
    public static let renameTable = Rule(
        "rename-table", .warning, .locks, lock: true,
        summary: "renaming an existing table",
        rationale: "The application still running during the deployment uses the old name; every query of it fails from the moment the rename commits.",
        fix: "create the new table (or a view named like the old one) and move clients over before removing the old name",
        examples: [
            .bad("ALTER TABLE users RENAME TO people;"),
            .good("CREATE VIEW people AS SELECT * FROM users;"),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard case .rename(let to) = effect.action, case .table = effect.object else { return nil }
                return RuleHit("renaming \(table) to \(to) breaks every running client that still uses the old name",
                               fix: "create the new table (or a view named like the old one) and move clients over before removing the old name",
                               lockTable: table)
            }
        })
}
