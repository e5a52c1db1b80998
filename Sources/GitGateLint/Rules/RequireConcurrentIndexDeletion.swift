import SQL

extension Rule {
    public static let requireConcurrentIndexDeletion = Rule(
        "require-concurrent-index-deletion", .warning, .locks,
        summary: "DROP INDEX without CONCURRENTLY",
        rationale: "A plain DROP INDEX takes an ACCESS EXCLUSIVE lock on the index's table: reads and writes of the table wait until it commits, and queue behind it while it waits. Indexes created by the same migrations are left alone.",
        fix: "use DROP INDEX CONCURRENTLY, in a migration without BEGIN/COMMIT",
        examples: [
            .bad("DROP INDEX orders_user;"),
            .good("DROP INDEX CONCURRENTLY IF EXISTS orders_user;"),
            .good("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON users (name);
                DROP INDEX users_name;
                """),
        ],
        check: { context in
            guard context.statement.kind == "DropStmt" else { return [] }
            return context.statement.effects.compactMap { effect in
                guard effect.action == .drop, case .index(let name?, _) = effect.object, !effect.concurrently,
                      !context.isNewIndex(name) else { return nil }
                return RuleHit("DROP INDEX \(name) without CONCURRENTLY locks its table against reads and writes until the migration commits",
                               fix: "write DROP INDEX CONCURRENTLY\(effect.ifExists ? " IF EXISTS" : "") \(name), in a migration without BEGIN/COMMIT")
            }
        })
}
