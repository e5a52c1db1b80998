
extension Rule {
    public static let detachPartitionWithoutConcurrently = Rule(
        "detach-partition-without-concurrently", .warning, .locks, lock: true,
        summary: "ALTER TABLE … DETACH PARTITION without CONCURRENTLY",
        rationale: "A plain DETACH PARTITION takes an ACCESS EXCLUSIVE lock on the partitioned table, blocking every query of every partition. DETACH PARTITION … CONCURRENTLY (PostgreSQL 14+) takes a weaker lock.",
        fix: "use ALTER TABLE … DETACH PARTITION … CONCURRENTLY, in a migration without BEGIN/COMMIT",
        examples: [
            .bad("ALTER TABLE events DETACH PARTITION events_2020;"),
            .good("ALTER TABLE events DETACH PARTITION events_2020 CONCURRENTLY;"),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard case .tableCommand("DetachPartition") = effect.detail, !effect.concurrently else { return nil }
                let fix = context.settings.postgresBefore(14)
                    ? "PostgreSQL \(context.settings.postgresVersion ?? 0) has no DETACH … CONCURRENTLY: run it at a quiet time with a short lock_timeout"
                    : "write ALTER TABLE \(table) DETACH PARTITION … CONCURRENTLY, in a migration without BEGIN/COMMIT"
                return RuleHit("DETACH PARTITION without CONCURRENTLY locks all of \(table) against reads and writes", fix: fix, lockTable: table)
            }
        })
}
