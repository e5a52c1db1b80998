
extension Rule {
    public static let indexWithoutConcurrently = Rule(
        "index-without-concurrently", .warning, .locks, lock: true,
        summary: "CREATE INDEX (or ADD UNIQUE/PRIMARY KEY) on an existing table without CONCURRENTLY",
        rationale: "A plain CREATE INDEX holds a SHARE lock that blocks every insert, update and delete on the table until the index is built: minutes on a large table.",
        fix: "use CREATE INDEX CONCURRENTLY, in a migration without BEGIN/COMMIT",
        examples: [
            .bad("CREATE INDEX users_email ON users (email);"),
            .bad("ALTER TABLE users ADD CONSTRAINT users_email_key UNIQUE (email);"),
            .good("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);"),
        ])
}
