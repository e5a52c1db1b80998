extension Rule {
    public static let destructiveTruncate = Rule(
        "destructive-truncate", .error, .dataLoss,
        summary: "TRUNCATE removes every row",
        rationale: "TRUNCATE empties an existing table at once (with CASCADE, the tables referencing it too) and takes an ACCESS EXCLUSIVE lock.",
        fix: "if the rows must go, archive them first (COPY or CREATE TABLE … AS) and say so in a gitgate:allow comment",
        examples: [
            .bad("TRUNCATE users;"),
            .good("""
                CREATE TABLE IF NOT EXISTS staging (id bigint);
                TRUNCATE staging;
                """),
        ])
}
