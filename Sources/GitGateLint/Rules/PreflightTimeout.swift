extension Rule {
    public static let preflightTimeout = Rule(
        "preflight-timeout", .warning, .preflight, preflight: true,
        summary: "A preflight query did not finish within the target's statement timeout",
        rationale: "Each preflight runs under the target's statementTimeout (gitgate.TARGET.statementTimeout) so that a review never loads production. A query that runs out says so; it does not block by itself, since nothing was learned about the rows.",
        fix: "check the rows by hand before applying, or raise the target's statementTimeout",
        examples: [
            .bad("ALTER TABLE users ADD CONSTRAINT slow CHECK (pg_sleep(10) IS NOT NULL);",
                 production: "INSERT INTO users (id) VALUES (1);"),
            .good("ALTER TABLE users ADD CONSTRAINT quick CHECK (id > 0);", production: "INSERT INTO users (id) VALUES (1);"),
        ])
}
