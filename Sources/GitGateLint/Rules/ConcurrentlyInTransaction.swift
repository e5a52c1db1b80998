
extension Rule {
    public static let concurrentlyInTransaction = Rule(
        "concurrently-in-transaction", .error, .transactions,
        summary: "CONCURRENTLY (or another statement PostgreSQL refuses there) inside BEGIN … COMMIT",
        rationale: "CREATE INDEX CONCURRENTLY, DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, VACUUM and a few others cannot run inside a transaction block: PostgreSQL refuses them and the migration fails.",
        fix: "move it after COMMIT, or into a migration of its own without BEGIN/COMMIT",
        examples: [
            .bad("""
                BEGIN;
                CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);
                COMMIT;
                """, line: 2),
            .good("CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email ON users (email);"),
        ])
}
