import SQL

extension Rule {
    public static let hiddenDestructiveStatement = Rule(
        "hidden-destructive-statement", .error, .dataLoss,
        summary: "DROP, TRUNCATE or DELETE inside a DO block or a literal EXECUTE string",
        rationale: "Statements inside a DO block run like any other, but a reviewer skimming the migration (and any linter that reads only top-level statements) misses them. gitgate reads the block's statements and the string literals it EXECUTEs.",
        fix: "write the statement at the top level of the migration, where its review applies, or allow it with a reason",
        examples: [
            .bad("DO $$ BEGIN EXECUTE 'DROP TABLE users'; END $$;"),
            .bad("""
                DO $$
                BEGIN
                  IF EXISTS (SELECT 1 FROM orders) THEN
                    DELETE FROM orders WHERE id < 10;
                  END IF;
                END
                $$;
                """),
            .good("DO $$ BEGIN EXECUTE 'ANALYZE users'; END $$;"),
        ],
        check: { context in
            guard case .doBlock(let body, let language)? = context.statement.details, language == "plpgsql" else { return [] }
            var hits: [RuleHit] = []
            for case .sql(let statement, let executed) in DynamicSQL(body: body).parts {
                for effect in statement.effects {
                    guard let what = destructive(effect, isNew: context.isNew) else { continue }
                    let how = executed ? "an EXECUTE string in this DO block" : "this DO block"
                    hits.append(RuleHit("\(how) runs \(what)",
                                        fix: "move the statement out of the DO block so its own review applies, or record why with '-- gitgate:allow hidden-destructive-statement because …'"))
                }
            }
            return hits
        })

    /// What a destructive effect destroys, in words; nil when it loses nothing that existed.
    private static func destructive(_ effect: Effect, isNew: (QualifiedName) -> Bool) -> String? {
        if let table = effect.object.table, isNew(table) { return nil }
        switch (effect.action, effect.object) {
        case (.drop, .table(let table)): return "DROP TABLE \(table)"
        case (.drop, .column(let table, let name)): return "DROP COLUMN \(sqlIdentifier(name)) of \(table)"
        case (.drop, .schema), (.drop, .database), (.drop, .type), (.drop, .sequence), (.drop, .view), (.drop, .materializedView):
            return "DROP of \(effect.object)"
        case (.truncate, .table(let table)): return "TRUNCATE \(table)"
        case (.deleteRows, .table(let table)): return "DELETE FROM \(table)"
        default: return nil
        }
    }
}
