
extension Rule {
    public static let syntaxError = Rule(
        "syntax-error", .error, .file, canBeAllowed: false,
        summary: "the file does not parse as PostgreSQL",
        rationale: "PostgreSQL's own parser rejects the file, so it would fail when applied, and nothing in it could be reviewed.",
        fix: "fix the SQL; nothing in this file was reviewed",
        examples: [
            .bad("CREATE TABLE (id bigint;"),
            .good("CREATE TABLE IF NOT EXISTS audit (id bigint);"),
        ])
}
