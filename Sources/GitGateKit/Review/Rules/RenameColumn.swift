extension Rule {
    public static let renameColumn = Rule(
        "rename-column", .warning, .locks, lock: true,
        summary: "renaming a column of an existing table",
        rationale: "Clients still running use the old column name and fail as soon as the rename commits.",
        fix: "add the new column, write both while clients move over, then drop the old one",
        examples: [
            .bad("ALTER TABLE users RENAME COLUMN email TO mail;"),
            .good("ALTER TABLE users ADD COLUMN mail text;"),
        ])
}
