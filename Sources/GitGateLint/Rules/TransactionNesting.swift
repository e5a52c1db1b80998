
extension Rule {
    public static let transactionNesting = Rule(
        "transaction-nesting", .error, .transactions,
        summary: "BEGIN inside an open transaction (the file's own, or the tool's with assumeInTransaction)",
        rationale: """
        PostgreSQL ignores a second BEGIN with only a warning, and the first COMMIT then ends the whole \
        transaction: what follows runs outside it, and a failure no longer rolls back what came before. \
        When the migration tool already wraps each file in a transaction (assumeInTransaction = true), \
        the file's own BEGIN is that second BEGIN.
        """,
        fix: "leave transaction control to one place: remove the inner BEGIN/COMMIT (or the tool's transaction for this file)",
        examples: [
            .bad("""
                BEGIN;
                ALTER TABLE users ADD COLUMN note text;
                BEGIN;
                ALTER TABLE users ADD COLUMN tag text;
                COMMIT;
                """, line: 3),
            .bad("""
                BEGIN;
                ALTER TABLE users ADD COLUMN note text;
                COMMIT;
                """, settings: LintSettings(assumeInTransaction: true)),
            .good("""
                BEGIN;
                ALTER TABLE users ADD COLUMN note text;
                COMMIT;
                """),
        ],
        check: { context in
            guard context.statement.transactionControl == .begin else { return [] }
            if let line = context.openTransaction {
                return [RuleHit("BEGIN while the transaction opened on line \(line) is still open: PostgreSQL ignores it, and the first COMMIT ends both",
                                fix: "remove this BEGIN and its COMMIT, or COMMIT the first transaction before it")]
            }
            if context.settings.assumeInTransaction {
                return [RuleHit("BEGIN inside the transaction the migration tool opens (assumeInTransaction = true): its COMMIT ends the tool's transaction early",
                                fix: "remove BEGIN/COMMIT from the file and let the tool's transaction hold it, or run this file without the tool's transaction")]
            }
            return []
        })
}
