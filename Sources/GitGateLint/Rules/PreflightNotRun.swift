extension Rule {
    public static let preflightNotRun = Rule(
        "preflight-not-run", .warning, .preflight, preflight: true,
        summary: "A preflight query could not run on the target (PostgreSQL refused it)",
        rationale: "The preflight's query failed for another reason than a timeout or a permission: e.g. the column a CHECK names is added by this branch, or a value cannot be compared as a number. The rows were not checked.",
        fix: "check the rows by hand before applying",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN email TYPE integer;",
                 production: "INSERT INTO users (id, email) VALUES (1, 'a@example.com');"),
            .good("ALTER TABLE users ALTER COLUMN age TYPE smallint;", production: "INSERT INTO users (id, age) VALUES (1, 30);"),
        ])
}
