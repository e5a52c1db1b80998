extension Rule {
    public static let contractStillUsed = Rule(
        "contract-still-used", .error, .expandContract, searchesCode: true,
        summary: "A migration drops or renames a table or column that source files at main's tip or on the branch still name",
        rationale: "A contract migration (DROP TABLE, DROP COLUMN, a RENAME) breaks the running code that still uses the old name the moment it is applied: deployments run old code next to the new schema. gitgate searches the committed source files of main's tip and of the branch (through git, not the working tree) for the name as a whole word, a column only in files that also name its table, and reports each file:line. `codePaths = GLOB` in `[gitgate]` narrows the search; the migrations folder and schema dumps (db/schema.rb, db/structure.sql) are never searched.",
        fix: "release in two steps: first merge and deploy code that no longer uses it, then drop or rename it in a later migration",
        examples: [
            .bad("ALTER TABLE users DROP COLUMN name;",
                 code: "def greet(db, id):\n    return db.one(\"SELECT name FROM users WHERE id = %s\", id)"),
            .good("ALTER TABLE users DROP COLUMN name;",
                  code: "def greet(db, id):\n    return db.one(\"SELECT email FROM users WHERE id = %s\", id)"),
        ])
}
