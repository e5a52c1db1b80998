
extension Rule {
    public static let foreignKeyUnknownTable = Rule(
        "foreign-key-unknown-table", .error, .checklist,
        summary: "a foreign key to a table no earlier migration (nor the --target catalog) has",
        rationale: "PostgreSQL refuses a foreign key to a table that does not exist, so the migration would fail when applied; usually a typo or migrations in the wrong order.",
        fix: "create the referenced table in an earlier migration (or earlier in this one), or fix the table name",
        examples: [
            .bad("ALTER TABLE orders ADD CONSTRAINT orders_shop_fk FOREIGN KEY (user_id) REFERENCES shops (id) NOT VALID;"),
            .good("ALTER TABLE orders ADD CONSTRAINT orders_user_fk FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;"),
        ])
}
