
extension Rule {
    public static let volatileDefault = Rule(
        "volatile-default", .warning, .locks, lock: true,
        summary: "ADD COLUMN with a volatile default (or GENERATED … STORED): rewrites the table",
        rationale: """
        A column added with a volatile default (random(), gen_random_uuid(), clock_timestamp(), a serial), \
        an identity or a stored generated value makes PostgreSQL rewrite the whole table under an ACCESS \
        EXCLUSIVE lock. Before PostgreSQL 11 even a constant default rewrites it.
        """,
        fix: "add the column without it (or with a constant DEFAULT), then fill it in batches",
        examples: [
            .bad("ALTER TABLE users ADD COLUMN token uuid DEFAULT gen_random_uuid();"),
            .bad("ALTER TABLE users ADD COLUMN seq bigserial;"),
            .bad("ALTER TABLE users ADD COLUMN tier text DEFAULT 'free';", settings: LintSettings(postgresVersion: 10)),
            .good("ALTER TABLE users ADD COLUMN token uuid;"),
            .good("ALTER TABLE users ADD COLUMN tier text DEFAULT 'free';"),
        ])
}
