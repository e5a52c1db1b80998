import SQL

extension Rule {
    public static let setNotNull = Rule(
        "set-not-null", .warning, .locks, lock: true,
        summary: "ALTER COLUMN … SET NOT NULL scans the table under an exclusive lock",
        rationale: "SET NOT NULL reads every row to prove there is no NULL while holding an ACCESS EXCLUSIVE lock, which blocks reads and writes.",
        fix: "add CHECK (… IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ then skips the scan)",
        examples: [
            .bad("ALTER TABLE users ALTER COLUMN email SET NOT NULL;"),
            .good("""
                ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
                ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
                """),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard effect.action == .alter, case .column(_, let name) = effect.object,
                      case .columnChange(.setNotNull) = effect.detail else { return nil }
                return RuleHit("SET NOT NULL on \(name) scans all of \(table) while blocking reads and writes",
                               fix: "add CHECK (\(sqlIdentifier(name)) IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL (PostgreSQL 12+ then skips the scan)",
                               lockTable: table)
            }
        })
}
