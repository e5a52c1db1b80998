import SQL

extension Rule {
    public static let createWithoutIfNotExists = Rule(
        "create-without-if-not-exists", .warning, .checklist, enabledByDefault: false,
        summary: "CREATE INDEX, ADD COLUMN, CREATE SCHEMA, SEQUENCE or EXTENSION without IF NOT EXISTS",
        rationale: "As missing-if-not-exists for tables: a migration re-run after a partial failure, or meeting an object created by hand, fails on the object that is already there. Off unless .gitgate enables it.",
        fix: "add IF NOT EXISTS",
        examples: [
            .bad("CREATE INDEX CONCURRENTLY users_name ON users (name);"),
            .bad("ALTER TABLE users ADD COLUMN note text;"),
            .bad("CREATE EXTENSION pgcrypto;"),
            .good("""
                CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name ON users (name);
                ALTER TABLE users ADD COLUMN IF NOT EXISTS note text;
                CREATE SCHEMA IF NOT EXISTS billing;
                CREATE SEQUENCE IF NOT EXISTS invoice_numbers;
                CREATE EXTENSION IF NOT EXISTS pgcrypto;
                """),
        ],
        check: { context in
            context.statement.effects.compactMap { effect in
                guard effect.action == .create, !effect.temporary else { return nil }
                switch effect.object {
                case .index(let name?, let table?):
                    return RuleHit("CREATE INDEX \(name) without IF NOT EXISTS fails if the index is already there",
                                   fix: "write CREATE INDEX\(effect.concurrently ? " CONCURRENTLY" : "") IF NOT EXISTS \(name) ON \(table) …")
                case .column(let table, let name):
                    return RuleHit("ADD COLUMN \(sqlIdentifier(name)) without IF NOT EXISTS fails if \(table) already has it",
                                   fix: "write ALTER TABLE \(table) ADD COLUMN IF NOT EXISTS \(sqlIdentifier(name)) …")
                case .schema(let name):
                    return RuleHit("CREATE SCHEMA \(sqlIdentifier(name)) without IF NOT EXISTS fails if it is already there",
                                   fix: "write CREATE SCHEMA IF NOT EXISTS \(sqlIdentifier(name))")
                case .sequence(let name):
                    return RuleHit("CREATE SEQUENCE \(name) without IF NOT EXISTS fails if it is already there",
                                   fix: "write CREATE SEQUENCE IF NOT EXISTS \(name)")
                case .extension(let name):
                    return RuleHit("CREATE EXTENSION \(sqlIdentifier(name)) without IF NOT EXISTS fails if it is already installed",
                                   fix: "write CREATE EXTENSION IF NOT EXISTS \(sqlIdentifier(name))")
                default:
                    return nil
                }
            }
        })
}
