import SQL

extension Rule {
    public static let dropWithoutIfExists = Rule(
        "drop-without-if-exists", .warning, .checklist, enabledByDefault: false,
        summary: "DROP of an index, table, column, view, sequence, type, schema, extension or function without IF EXISTS",
        rationale: "A migration re-run after a partial failure, or meeting an object someone dropped by hand, fails on the object that is no longer there. Off unless .gitgate enables it.",
        fix: "add IF EXISTS",
        examples: [
            .bad("DROP INDEX CONCURRENTLY orders_user;"),
            .bad("ALTER TABLE users DROP COLUMN age; -- gitgate:allow destructive-drop because unused"),
            .good("""
                DROP INDEX CONCURRENTLY IF EXISTS orders_user;
                ALTER TABLE users DROP COLUMN IF EXISTS age; -- gitgate:allow destructive-drop because unused
                """),
        ],
        check: { context in
            context.statement.effects.compactMap { effect in
                guard effect.action == .drop, !effect.ifExists else { return nil }
                let write: String
                switch effect.object {
                case .index(let name?, _): write = "DROP INDEX\(effect.concurrently ? " CONCURRENTLY" : "") IF EXISTS \(name)"
                case .table(let name): write = "DROP TABLE IF EXISTS \(name)"
                case .column(let table, let name): write = "ALTER TABLE \(table) DROP COLUMN IF EXISTS \(sqlIdentifier(name))"
                case .view(let name): write = "DROP VIEW IF EXISTS \(name)"
                case .materializedView(let name): write = "DROP MATERIALIZED VIEW IF EXISTS \(name)"
                case .sequence(let name): write = "DROP SEQUENCE IF EXISTS \(name)"
                case .type(let name): write = "DROP TYPE IF EXISTS \(name)"
                case .schema(let name): write = "DROP SCHEMA IF EXISTS \(sqlIdentifier(name))"
                case .extension(let name): write = "DROP EXTENSION IF EXISTS \(sqlIdentifier(name))"
                case .function(let name, _): write = "DROP FUNCTION IF EXISTS \(name)(…)"
                default: return nil
                }
                return RuleHit("DROP of \(effect.object) without IF EXISTS fails if it is already gone", fix: "write \(write)")
            }
        })
}
