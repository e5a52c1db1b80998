
extension Rule {
    public static let banDropNotNull = Rule(
        "ban-drop-not-null", .warning, .checklist,
        summary: "ALTER COLUMN … DROP NOT NULL on an existing table",
        rationale: "Code that reads the column relies on it never being NULL; once the constraint is gone, a NULL written by anyone breaks that code later, far from this migration.",
        fix: "check every reader handles NULL first, and say so with '-- gitgate:allow ban-drop-not-null because …'",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN id DROP NOT NULL;"),
            .good("ALTER TABLE users ALTER COLUMN email SET DEFAULT '';"),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard case .columnChange(.dropNotNull) = effect.detail, case .column(_, let name) = effect.object else { return nil }
                return RuleHit("DROP NOT NULL on \(table).\(sqlIdentifier(name)) lets NULLs in where code expects none",
                               fix: "make sure every reader of \(sqlIdentifier(name)) handles NULL, then allow it with '-- gitgate:allow ban-drop-not-null because …'")
            }
        })
}
