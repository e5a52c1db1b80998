extension Rule {
    public static let domainWithConstraint = Rule(
        "domain-with-constraint", .warning, .types,
        summary: "CREATE DOMAIN with a CHECK or NOT NULL constraint",
        rationale: "A domain's constraint is hard to change online: tightening it (ALTER DOMAIN … ADD CONSTRAINT) checks every column of every table that uses the domain while blocking writes to them, and dropping and re-adding it means the same. A CHECK on each column can be added NOT VALID and validated table by table.",
        fix: "create the domain without constraints and put CHECK (…) on the columns that use it",
        examples: [
            .bad("CREATE DOMAIN positive_int AS int CHECK (VALUE > 0);"),
            .good("""
                CREATE DOMAIN positive_int AS int;
                ALTER TABLE users ADD CONSTRAINT users_age_positive CHECK (age > 0) NOT VALID;
                """),
        ],
        check: { context in
            guard case .domainWithConstraints(let domain)? = context.statement.details else { return [] }
            return [RuleHit("CREATE DOMAIN \(domain) with a constraint: changing that constraint later checks every column that uses \(domain) while blocking writes",
                            fix: "write CREATE DOMAIN \(domain) without the constraint, and CHECK (…) on each column that uses it")]
        })
}
