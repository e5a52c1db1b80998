
extension Rule {
    public static let destructiveDrop = Rule(
        "destructive-drop", .error, .dataLoss,
        summary: "DROP of a table, column, schema, database, view, type or sequence (or any DROP … CASCADE)",
        rationale: """
        Dropping a table or column deletes its data for good; dropping a view, type or sequence breaks \
        what still uses it; CASCADE silently drops whatever depends on the object too. Objects the same \
        migrations created are left alone, and so is a view dropped and created again.
        """,
        fix: "deploy code that no longer uses the object first, back the data up, then drop it and record the review with '-- gitgate:allow destructive-drop because …'",
        examples: [
            .bad("DROP TABLE users;"),
            .bad("ALTER TABLE users DROP COLUMN email;"),
            .bad("DROP SCHEMA app CASCADE;"),
            .good("""
                CREATE TABLE IF NOT EXISTS scratch (id bigint);
                DROP TABLE scratch;
                """),
            .good("""
                DROP VIEW active_users;
                CREATE VIEW active_users AS SELECT id, email FROM users;
                """),
        ])
}
