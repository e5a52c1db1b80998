extension Rule {
    public static let domainConstraintWithoutNotValid = Rule(
        "domain-constraint-without-not-valid", .warning, .locks,
        summary: "ALTER DOMAIN … ADD CONSTRAINT without NOT VALID",
        rationale: "Adding a constraint to a domain checks every column of every table that uses the domain, holding a lock on each that blocks writes until the scan ends. NOT VALID checks new values only; VALIDATE CONSTRAINT later scans without blocking writes.",
        fix: "add it NOT VALID, then ALTER DOMAIN … VALIDATE CONSTRAINT in a later statement or migration",
        examples: [
            .bad("ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0);"),
            .good("""
                ALTER DOMAIN positive ADD CONSTRAINT positive_check CHECK (VALUE > 0) NOT VALID;
                ALTER DOMAIN positive VALIDATE CONSTRAINT positive_check;
                """),
        ],
        check: { context in
            guard case .domainConstraint(let domain, let notValid)? = context.statement.details, !notValid else { return [] }
            return [RuleHit("ALTER DOMAIN \(domain) ADD CONSTRAINT checks every column that uses \(domain), blocking writes to those tables until it is done",
                            fix: "write ALTER DOMAIN \(domain) ADD CONSTRAINT … NOT VALID, then ALTER DOMAIN \(domain) VALIDATE CONSTRAINT … in a later migration")]
        })
}
