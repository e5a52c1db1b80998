extension Rule {
    public static let preflightTypeMismatch = Rule(
        "preflight-type-mismatch", .error, .preflight, preflight: true,
        summary: "ALTER COLUMN … TYPE to varchar(n), char(n), smallint, integer or numeric(p, s) that values in production do not fit",
        rationale: "Narrowing a column's type rewrites the table and fails on the first value that does not fit. With --target, and in plan and apply, one bounded query tests the new type's limits as a WHERE clause (length, range, digits; no cast that could fail) and shows up to three primary keys. Other type changes are not probed.",
        fix: "shorten or fix the values first, or choose a type they fit",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN name TYPE varchar(3);",
                 production: "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bartholomew');"),
            .good("ALTER TABLE users ALTER COLUMN name TYPE varchar(3);",
                  production: "INSERT INTO users (id, name) VALUES (1, 'Ann'), (2, 'Bo ');"),
        ])
}
