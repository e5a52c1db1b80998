
extension Rule {
    public static let addEnumValueInTransaction = Rule(
        "add-enum-value-in-transaction", .error, .transactions,
        summary: "ALTER TYPE … ADD VALUE inside a transaction block on PostgreSQL before 12",
        rationale: "Before PostgreSQL 12, ALTER TYPE … ADD VALUE cannot run inside a transaction block: the migration fails. It applies when .gitgate says production runs an older version (postgresVersion) and the statement runs after BEGIN or under assumeInTransaction.",
        fix: "move ADD VALUE into a migration of its own that runs outside a transaction",
        examples: [
            .bad("""
                BEGIN;
                ALTER TYPE mood ADD VALUE 'sad';
                COMMIT;
                """, line: 2, settings: LintSettings(postgresVersion: 11)),
            .good("""
                BEGIN;
                ALTER TYPE mood ADD VALUE 'sad';
                COMMIT;
                """, settings: LintSettings(postgresVersion: 12)),
            .good("ALTER TYPE mood ADD VALUE 'sad';", settings: LintSettings(postgresVersion: 11)),
        ],
        check: { context in
            guard context.inTransaction, context.settings.postgresBefore(12) else { return [] }
            return context.statement.effects.compactMap { effect in
                guard case .addEnumValue(let value, _) = effect.detail else { return nil }
                return RuleHit("ALTER \(effect.object) ADD VALUE '\(value)' runs inside a transaction block, which PostgreSQL \(context.settings.postgresVersion ?? 0) refuses",
                               fix: "put it in a migration of its own without BEGIN/COMMIT (and without the tool's transaction)")
            }
        })
}
