extension Rule {
    public static let preflightOrphans = Rule(
        "preflight-orphans", .error, .preflight, preflight: true,
        summary: "A FOREIGN KEY (without NOT VALID) that rows in production already break",
        rationale: "Adding a foreign key checks every existing row and fails on the first one whose key the referenced table lacks. With --target, and in plan and apply, one bounded query (NOT EXISTS, LIMIT, the target's statement timeout, read-only) counts those rows and shows up to three of their keys. A NOT VALID key checks new rows only and is not probed.",
        fix: "delete or fix the orphan rows first, or add the key NOT VALID and VALIDATE it once they are clean",
        examples: [
            .bad("ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);",
                 production: "INSERT INTO users (id) VALUES (1); INSERT INTO orders (id, user_id) VALUES (10, 1), (11, 2);"),
            .good("ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id);",
                  production: "INSERT INTO users (id) VALUES (1); INSERT INTO orders (id, user_id) VALUES (10, 1), (11, NULL);"),
            .good("ALTER TABLE orders ADD CONSTRAINT orders_user FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;",
                  production: "INSERT INTO orders (id, user_id) VALUES (11, 2);"),
        ])
}
