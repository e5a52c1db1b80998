extension Rule {
    public static let columnTypeChange = Rule(
        "column-type-change", .warning, .locks, lock: true,
        summary: "ALTER COLUMN … TYPE on an existing table",
        rationale: "Changing a column's type usually rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, and breaks clients that expect the old type.",
        fix: "add a new column of the new type, backfill it in batches, switch the application over, then drop the old one",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN age TYPE bigint;"),
            .good("ALTER TABLE users ADD COLUMN age_years bigint;"),
        ])
}
