
extension Rule {
    public static let reindexWithoutConcurrently = Rule(
        "reindex-without-concurrently", .warning, .locks,
        summary: "REINDEX without CONCURRENTLY",
        rationale: "A plain REINDEX blocks writes to the table (and reads that would use the index) for as long as the rebuild takes. REINDEX CONCURRENTLY (PostgreSQL 12+) rebuilds without blocking them.",
        fix: "use REINDEX … CONCURRENTLY in a migration without BEGIN/COMMIT (before PostgreSQL 12: CREATE INDEX CONCURRENTLY a copy, then drop the old index)",
        examples: [
            .bad("REINDEX INDEX orders_user;"),
            .bad("REINDEX TABLE users;"),
            .good("REINDEX INDEX CONCURRENTLY orders_user;"),
        ],
        check: { context in
            guard case .reindex(let object, concurrently: false)? = context.statement.details else { return [] }
            let fix = context.settings.postgresBefore(12)
                ? "PostgreSQL \(context.settings.postgresVersion ?? 0) has no REINDEX CONCURRENTLY: CREATE INDEX CONCURRENTLY a new index with the same definition, then DROP INDEX CONCURRENTLY the old one"
                : "write REINDEX (CONCURRENTLY) or REINDEX \(object.split(separator: " ").first.map { $0.uppercased() } ?? "") CONCURRENTLY …, in a migration without BEGIN/COMMIT"
            return [RuleHit("REINDEX of \(object) without CONCURRENTLY blocks writes to the table while it rebuilds", fix: fix)]
        })
}
