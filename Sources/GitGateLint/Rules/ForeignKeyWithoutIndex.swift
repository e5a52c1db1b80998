
extension Rule {
    public static let foreignKeyWithoutIndex = Rule(
        "foreign-key-without-index", .warning, .checklist,
        summary: "a foreign-key column with no index",
        rationale: "Without an index on the referencing columns, every delete or key update of a referenced row scans the referencing table, and joins on the key are slow.",
        fix: "create an index that starts with the foreign key's columns (CONCURRENTLY on an existing table)",
        examples: [
            .bad("""
                CREATE TABLE IF NOT EXISTS payments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));
                COMMENT ON TABLE payments IS 'payments';
                """),
            .good("""
                CREATE TABLE IF NOT EXISTS payments (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));
                CREATE INDEX IF NOT EXISTS payments_order ON payments (order_id);
                COMMENT ON TABLE payments IS 'payments';
                """),
        ])
}
