extension Rule {
    public static let setNotNull = Rule(
        "set-not-null", .warning, .locks, lock: true,
        summary: "ALTER COLUMN … SET NOT NULL scans the table under an exclusive lock",
        rationale: "SET NOT NULL reads every row to prove there is no NULL while holding an ACCESS EXCLUSIVE lock, which blocks reads and writes.",
        fix: "add CHECK (… IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ then skips the scan)",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
            .good("""
                ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
                ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
                """),
        ])
}
