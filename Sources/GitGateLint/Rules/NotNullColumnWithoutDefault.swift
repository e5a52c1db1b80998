
extension Rule {
    public static let notNullColumnWithoutDefault = Rule(
        "not-null-column-without-default", .warning, .locks, lock: true,
        summary: "ADD COLUMN … NOT NULL without a default on an existing table",
        rationale: "PostgreSQL refuses to add a NOT NULL column without a default to a table that has rows: the migration fails in production although it passed on an empty development database.",
        fix: "add it nullable (or with a constant DEFAULT), backfill in batches, then add a CHECK (… IS NOT NULL) NOT VALID, VALIDATE it, and SET NOT NULL",
        examples: [
            .bad("ALTER TABLE users ADD COLUMN tier text NOT NULL;"),
            .good("ALTER TABLE users ADD COLUMN tier text NOT NULL DEFAULT 'free';"),
        ])
}
