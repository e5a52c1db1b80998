import SQL

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
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard effect.action == .truncate, case .table = effect.object else { return nil }
                return RuleHit("TRUNCATE \(table) removes every row of it\(effect.cascade ? ", and CASCADE empties the tables referencing it too" : "")",
                               fix: "if the rows must go, archive them first (COPY or CREATE TABLE … AS) and say so in a gitgate:allow comment")
            }
        })
}
