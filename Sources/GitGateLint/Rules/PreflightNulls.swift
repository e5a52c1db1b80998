extension Rule {
    public static let preflightNulls = Rule(
        "preflight-nulls", .error, .preflight, preflight: true,
        summary: "SET NOT NULL or a PRIMARY KEY on a column production has NULLs in; ADD COLUMN … NOT NULL without a default on a table with rows",
        rationale: "SET NOT NULL and ADD PRIMARY KEY fail on the first NULL; a NOT NULL column without a default fails on the first row. With --target, and in plan and apply, one bounded query (LIMIT, the target's statement timeout, read-only) counts those rows and shows up to three primary keys.",
        fix: "backfill the NULLs (in batches) in a migration before this one, or give the new column a DEFAULT",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
                 production: "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, NULL);"),
            .good("ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
                  production: "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bo');"),
        ])
}
