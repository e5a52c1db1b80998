extension Rule {
    public static let preflightUnreadable = Rule(
        "preflight-unreadable", .warning, .preflight, preflight: true,
        summary: "A preflight could not read the table: the target's role has no SELECT on it",
        rationale: "The preflight reads rows with the role gitgate connects as. When it may not read the table, the rows were not checked: `gitgate lint --target` exits 2 (could not check) when that target gates merges.",
        fix: "GRANT SELECT on the table to the role gitgate connects as, or check the rows by hand",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN name SET NOT NULL;",
                 production: "INSERT INTO users (id, name) VALUES (1, 'Ann'); REVOKE SELECT ON users FROM CURRENT_USER;"),
            .good("ALTER TABLE users ALTER COLUMN name SET NOT NULL;", production: "INSERT INTO users (id, name) VALUES (1, 'Ann');"),
        ])
}
