
extension Rule {
    public static let notText = Rule(
        "not-text", .error, .file, canBeAllowed: false,
        summary: "the file is not UTF-8 text",
        rationale: "A file with NUL bytes or invalid UTF-8 is not SQL anyone can review, and PostgreSQL would reject it.",
        fix: "save it as UTF-8 SQL, or move it out of the migrations",
        examples: [
            .good("SELECT 1;"),
        ])
}
