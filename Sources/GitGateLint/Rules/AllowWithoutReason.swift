
extension Rule {
    public static let allowWithoutReason = Rule(
        "allow-without-reason", .error, .suppressions, canBeAllowed: false,
        summary: "a gitgate:allow comment without `because <reason>`",
        rationale: "An exception is a review: without its reason nobody can tell later why the hazard was accepted, so such an allow silences nothing.",
        fix: "write '-- gitgate:allow RULE because <why this is safe>'",
        examples: [
            .bad("""
                -- gitgate:allow destructive-drop
                DROP TABLE users;
                """),
            .good("""
                -- gitgate:allow destructive-drop because the table moved to the billing database in release 42
                DROP TABLE users;
                """),
        ])
}
