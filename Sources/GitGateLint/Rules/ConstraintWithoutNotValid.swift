import SQL

extension Rule {
    public static let constraintWithoutNotValid = Rule(
        "constraint-without-not-valid", .warning, .locks, lock: true,
        summary: "ADD FOREIGN KEY or CHECK on an existing table without NOT VALID",
        rationale: "Adding a foreign key or CHECK constraint checks every existing row while holding a lock that blocks writes; NOT VALID skips the check, and VALIDATE CONSTRAINT later takes only a weak lock.",
        fix: "add it NOT VALID, then VALIDATE CONSTRAINT in a later statement or migration",
        examples: [
            .bad("ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18);"),
            .good("""
                ALTER TABLE users ADD CONSTRAINT adult CHECK (age >= 18) NOT VALID;
                ALTER TABLE users VALIDATE CONSTRAINT adult;
                """),
        ],
        check: { context in
            context.effectsOnExistingTables.compactMap { effect, table in
                guard effect.action == .create, case .constraint(_, let name) = effect.object,
                      case .constraint(let constraint) = effect.detail, !constraint.notValid,
                      constraint.kind == .foreignKey || constraint.kind == .check else { return nil }
                let kind = constraint.kind == .check ? "CHECK" : "FOREIGN KEY"
                return RuleHit("ADD CONSTRAINT \(name.map { "\($0) " } ?? "")\(kind) on existing table \(table) checks every row while holding a lock that blocks writes",
                               fix: "add it NOT VALID, then ALTER TABLE \(table) VALIDATE CONSTRAINT in a later statement or migration",
                               lockTable: table)
            }
        })
}
