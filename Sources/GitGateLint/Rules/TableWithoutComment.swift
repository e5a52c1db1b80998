
extension Rule {
    public static let tableWithoutComment = Rule(
        "table-without-comment", .warning, .checklist,
        summary: "a new table with no COMMENT ON TABLE",
        rationale: "The checklist asks every new table to say what it holds, in the catalog where everyone finds it.",
        fix: "add COMMENT ON TABLE … IS '…'; to the migration that creates the table",
        examples: [
            .bad("CREATE TABLE IF NOT EXISTS audit (id bigint);"),
            .good("""
                CREATE TABLE IF NOT EXISTS audit (id bigint);
                COMMENT ON TABLE audit IS 'who changed what';
                """),
        ])
}
