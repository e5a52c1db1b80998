
extension Rule {
    public static let vacuumFullOrCluster = Rule(
        "vacuum-full-or-cluster", .warning, .locks,
        summary: "VACUUM FULL or CLUSTER",
        rationale: "Both rewrite the whole table under an ACCESS EXCLUSIVE lock: nothing reads or writes it until the copy is done, and the copy needs the table's size again in free disk.",
        fix: "use pg_repack (or pg_squeeze) outside the migration, or run it in a maintenance window",
        examples: [
            .bad("VACUUM FULL users;"),
            .bad("CLUSTER users USING users_pkey;"),
            .good("VACUUM (ANALYZE) users;"),
        ],
        check: { context in
            switch context.statement.details {
            case .vacuumFull(let tables)?:
                let what = tables.isEmpty ? "every table of the database" : tables.joined(separator: ", ")
                return [RuleHit("VACUUM FULL rewrites \(what) under an ACCESS EXCLUSIVE lock", fix: "use pg_repack outside the migration, or a plain VACUUM")]
            case .cluster(let table)?:
                return [RuleHit("CLUSTER rewrites \(table ?? "every clustered table") under an ACCESS EXCLUSIVE lock",
                                fix: "use pg_repack --order-by outside the migration, or run it in a maintenance window")]
            default:
                return []
            }
        })
}
