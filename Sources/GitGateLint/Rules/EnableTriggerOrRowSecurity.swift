extension Rule {
    public static let enableTriggerOrRowSecurity = Rule(
        "enable-trigger-or-row-security", .warning, .locks, lock: true,
        summary: "ENABLE TRIGGER, or ENABLE/FORCE ROW LEVEL SECURITY, on an existing table",
        rationale: "ENABLE TRIGGER takes a SHARE ROW EXCLUSIVE lock and ENABLE ROW LEVEL SECURITY an ACCESS EXCLUSIVE one: both queue behind every running query on the table and block what comes after. Enabling row level security also hides every row from roles no policy lets through, from the moment it commits. With --target, a large table makes it an error.",
        fix: "set lock_timeout and retry; create the policies first (for RLS) and enable it when the table is quiet",
        examples: [
            .bad("ALTER TABLE users ENABLE ROW LEVEL SECURITY;"),
            .bad("ALTER TABLE orders ENABLE TRIGGER audit;"),
            .good("""
                CREATE TABLE IF NOT EXISTS audit_log (id bigint PRIMARY KEY);
                COMMENT ON TABLE audit_log IS 'audit';
                ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
                """),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard case .tableCommand(let command) = effect.detail else { return nil }
                switch command {
                case "EnableRowSecurity", "ForceRowSecurity":
                    return RuleHit("\(command == "ForceRowSecurity" ? "FORCE" : "ENABLE") ROW LEVEL SECURITY on \(table) waits for an ACCESS EXCLUSIVE lock, and from its commit hides every row no policy allows",
                                   fix: "create the policies first, SET lock_timeout, and enable it when \(table) is quiet", lockTable: table)
                case "EnableTrig", "EnableAlwaysTrig", "EnableReplicaTrig", "EnableTrigAll", "EnableTrigUser":
                    return RuleHit("ENABLE TRIGGER on \(table) waits for a SHARE ROW EXCLUSIVE lock, which blocks writes behind it",
                                   fix: "SET lock_timeout before it and retry on timeout", lockTable: table)
                default:
                    return nil
                }
            }
        })
}
