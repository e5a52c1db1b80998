
extension Rule {
    public static let dynamicSQL = Rule(
        "dynamic-sql", .error, .checklist,
        summary: "EXECUTE of a string built at run time in a DO block: nobody can review what it runs",
        rationale: "EXECUTE format(…), a concatenation or a variable runs SQL that exists only when the migration runs: neither a reviewer nor gitgate can see whether it drops or locks something. Literal strings are read and reviewed (see hidden-destructive-statement).",
        fix: "write the statements out, or allow it with the reason it is safe",
        examples: [
            .bad("""
                DO $$
                DECLARE t text;
                BEGIN
                  FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'app' LOOP
                    EXECUTE format('DROP TABLE app.%I', t);
                  END LOOP;
                END
                $$;
                """),
            .good("DO $$ BEGIN EXECUTE 'ANALYZE users'; END $$;"),
        ],
        check: { context in
            guard case .doBlock(let body, let language)? = context.statement.details, language == "plpgsql" else { return [] }
            return DynamicSQL(body: body).parts.compactMap { part in
                guard case .dynamic(let expression) = part else { return nil }
                let shown = expression.count > 60 ? expression.prefix(57) + "…" : Substring(expression)
                return RuleHit("this DO block EXECUTEs SQL built at run time (\(shown.split(whereSeparator: \.isNewline).joined(separator: " "))): what it runs cannot be reviewed",
                               fix: "write the statements out in the migration, or record why it is safe with '-- gitgate:allow dynamic-sql because …'")
            }
        })
}
