extension Rule {
    public static let preflightDuplicates = Rule(
        "preflight-duplicates", .error, .preflight, preflight: true,
        summary: "A UNIQUE index or constraint, or a PRIMARY KEY, on columns production holds duplicates in",
        rationale: "CREATE UNIQUE INDEX, ADD UNIQUE and ADD PRIMARY KEY fail on the first value present twice, after reading the whole table under a lock (CONCURRENTLY leaves an invalid index behind). With --target, and in plan and apply, one bounded query (GROUP BY … HAVING count(*) > 1, LIMIT, the target's statement timeout, read-only) counts the duplicated values and shows up to three.",
        fix: "merge or delete the duplicates in a migration before this one, then add the index",
        examples: [
            .bad("CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);",
                 production: "INSERT INTO users (id, email) VALUES (1, 'a@example.com'), (2, 'a@example.com');"),
            .good("CREATE UNIQUE INDEX CONCURRENTLY users_email ON users (email);",
                  production: "INSERT INTO users (id, email) VALUES (1, 'a@example.com'), (2, 'b@example.com'), (3, NULL), (4, NULL);"),
        ])
}
