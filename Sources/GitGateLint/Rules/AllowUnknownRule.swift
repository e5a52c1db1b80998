
extension Rule {
    public static let allowUnknownRule = Rule(
        "allow-unknown-rule", .warning, .suppressions, canBeAllowed: false,
        summary: "a gitgate:allow comment naming no rule gitgate has",
        rationale: "A misspelled rule name silences nothing, so the finding the author meant to allow still blocks, or a rule that cannot be allowed was named.",
        fix: "name the rule as the finding shows it, e.g. destructive-drop",
        examples: [
            .bad("""
                -- gitgate:allow drop-everything because cleanup
                DROP TABLE users;
                """),
            .good("""
                -- gitgate:allow destructive-drop because cleanup approved in review
                DROP TABLE users;
                """),
        ])
}
