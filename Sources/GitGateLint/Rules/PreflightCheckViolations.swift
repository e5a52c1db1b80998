extension Rule {
    public static let preflightCheckViolations = Rule(
        "preflight-check-violations", .error, .preflight, preflight: true,
        summary: "A CHECK constraint (without NOT VALID) that rows in production violate",
        rationale: "Adding a CHECK constraint checks every existing row and fails on the first one where the expression is false. With --target, and in plan and apply, the expression runs as the WHERE clause of one bounded query (WHERE NOT (…), LIMIT, the target's statement timeout, read-only); an expression that is not one WHERE clause is not sent.",
        fix: "fix the violating rows first, or add the constraint NOT VALID and VALIDATE it once they are fixed",
        examples: [
            .bad("ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18);",
                 production: "INSERT INTO users (id, age) VALUES (1, 30), (2, 12);"),
            .good("ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18);",
                  production: "INSERT INTO users (id, age) VALUES (1, 30), (2, NULL);"),
        ])
}
