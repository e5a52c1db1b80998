
extension Rule {
    public static let missingIfNotExists = Rule(
        "missing-if-not-exists", .warning, .checklist,
        summary: "CREATE TABLE without IF NOT EXISTS",
        rationale: "A migration that fails because the table is already there (created by hand, or by a half-applied run) stops the deployment; IF NOT EXISTS makes re-running it harmless.",
        fix: "write CREATE TABLE IF NOT EXISTS",
        examples: [
            .bad("CREATE TABLE audit (id bigint);"),
            .good("CREATE TABLE IF NOT EXISTS audit (id bigint);"),
        ])
}
