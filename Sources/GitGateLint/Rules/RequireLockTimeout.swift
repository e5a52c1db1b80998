import SQL

extension Rule {
    public static let requireLockTimeout = Rule(
        "require-lock-timeout", .warning, .locks, enabledByDefault: false, oncePerFile: true,
        summary: "a statement that takes ACCESS EXCLUSIVE on an existing table with no lock_timeout set in the file",
        rationale: """
        ALTER TABLE, TRUNCATE and DROP take an ACCESS EXCLUSIVE lock. While the statement waits for it \
        behind one long-running query, every other query of the table queues behind the migration: a short \
        migration becomes an outage. A lock_timeout makes it give up instead, to be retried. `gitgate apply` \
        already sets the target's applyLockTimeout (5s by default), so this rule is off unless .gitgate \
        enables it: for teams whose own tool runs the migrations. Reported once per file.
        """,
        fix: "start the migration with SET lock_timeout = '5s'; and retry it when it times out",
        examples: [
            .bad("ALTER TABLE users ADD COLUMN note text;"),
            .good("""
                SET lock_timeout = '5s';
                ALTER TABLE users ADD COLUMN note text;
                """),
            .good("ALTER TABLE users VALIDATE CONSTRAINT users_age_check;"),
        ],
        check: { context in
            guard !context.lockTimeoutSet,
                  ["AlterTableStmt", "RenameStmt", "TruncateStmt", "DropStmt"].contains(context.statement.kind) else { return [] }
            let locked = context.effectsOnExistingTables.first { effect, _ in
                // VALIDATE CONSTRAINT and DETACH … CONCURRENTLY take weaker locks.
                effect.detail != .validateConstraint && !effect.concurrently
                    && !(context.statement.kind == "DropStmt" && effect.object.isIndex)
            }
            guard let (_, table) = locked else { return [] }
            return [RuleHit("this statement takes an ACCESS EXCLUSIVE lock on \(table) with no lock_timeout set earlier in the file: while it waits behind a long query, every query of \(table) waits behind it",
                            fix: "put SET lock_timeout = '5s'; before it (SET LOCAL inside BEGIN … COMMIT), and retry the migration when it times out")]
        })
}

extension DatabaseObject {
    package var isIndex: Bool {
        if case .index = self { return true }
        return false
    }
}
