extension Rule {
    public static let uncommittedBegin = Rule(
        "uncommitted-begin", .error, .transactions,
        summary: "BEGIN with no COMMIT before the end of the file",
        rationale: "A transaction still open when the file ends is rolled back when the session closes (psql, most tools) or committed by whatever runs next: either way the migration's effect is not what the file says, and the tool may record it as applied.",
        fix: "end the transaction with COMMIT (or remove the BEGIN and let the tool's transaction hold the file)",
        examples: [
            .bad("""
                BEGIN;
                ALTER TABLE users ADD COLUMN note text;
                """),
            .good("""
                BEGIN;
                ALTER TABLE users ADD COLUMN note text;
                COMMIT;
                """),
        ])
}
