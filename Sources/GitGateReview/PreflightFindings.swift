import SQL
import GitGateConfig
import GitGateLint

extension PreflightProbe.Kind {
    /// The statement in a few words, as the finding names it.
    package var statementName: String {
        switch self {
        case .duplicates(let table, let columns, let statement):
            return "\(statement) on \(table) (\(columns.map(sqlIdentifier).joined(separator: ", ")))"
        case .nulls(let table, let column, let statement):
            return "\(statement) on \(table).\(sqlIdentifier(column))"
        case .anyRow(let table, let column):
            return "ADD COLUMN \(sqlIdentifier(column)) NOT NULL without a default on \(table)"
        case .orphans(let table, let columns, let references, _):
            return "the foreign key \(table) (\(columns.map(sqlIdentifier).joined(separator: ", "))) → \(references)"
        case .checkViolations(let table, let name, _):
            return "ADD CONSTRAINT \(name.map { sqlIdentifier($0) + " " } ?? "")CHECK on \(table)"
        case .doesNotFit(let table, let column, let type, _):
            return "ALTER COLUMN \(sqlIdentifier(column)) TYPE \(type) on \(table)"
        case .enumValueExists(let type, let value):
            return "ALTER TYPE \(type) ADD VALUE \(sqlLiteralText(value))"
        }
    }
}

/// `'it''s'`: a string as a standard SQL literal, for text a person reads and pastes.
package func sqlLiteralText(_ value: String) -> String {
    "'" + value.replacingOccurrences(of: "'", with: "''") + "'"
}

extension PreflightProbe {
    /// The finding a preflight outcome makes, or nil when there is nothing to say.
    package func candidate(_ outcome: PreflightOutcome, target: Target) -> Candidate? {
        let name = target.name
        // VALIDATE CONSTRAINT of a key or CHECK added NOT VALID earlier is what meets the rows.
        let statement = validates ? "VALIDATE CONSTRAINT of \(kind.statementName)" : kind.statementName
        let rule: Rule
        var message: String
        var fix: String
        var severity: Finding.Severity?
        switch outcome {
        case .clean, .absent:
            return nil
        case .violations(let count, let bounded, let rows, let keys):
            rule = kind.rule
            let found = bounded ? "at least \(count)" : "\(count)"
            let example = keys.isEmpty ? "" : ", e.g. " + keys.joined(separator: ", ")
            (message, fix) = Self.describe(kind, statement: statement, target: name, found: found, plural: bounded || count != 1, rows: rows, example: example)
            if let changed = rowsChangedAt {
                // An earlier statement (a backfill, a cleanup) may fix those rows first.
                severity = .warning
                message += " (counted before \(changed.path):\(changed.line) changes rows, which may fix them)"
            }
        case .timedOut(let ms):
            rule = .preflightTimeout
            message = "\(name): the preflight of \(statement) did not finish within \(ms) ms, so production's rows were not checked; this alone does not block"
            fix = "check the rows by hand before applying, or raise gitgate.\(name).statementTimeout"
        case .unreadable(let table):
            rule = .preflightUnreadable
            message = "\(name): the preflight of \(statement) cannot read \(table) (permission denied for the target's role), so its rows were not checked"
            fix = "GRANT SELECT ON \(table) to the role gitgate connects as, or check the rows by hand"
        case .notRun(let reason):
            rule = .preflightNotRun
            message = "\(name): the preflight of \(statement) could not run: \(reason)"
            fix = "check the rows by hand before applying"
        }
        let finding = Finding(path: path, rule: rule.rawValue, severity: severity ?? rule.severity, line: line,
                              message: message, fix: fix)
        return Candidate(finding: finding, file: file, allows: allows, lockTable: nil, pending: nil)
    }

    private static func describe(_ kind: Kind, statement: String, target: String, found: String, plural: Bool, rows: Int?,
                                 example: String) -> (String, String) {
        let s = plural ? "s" : ""
        switch kind {
        case .duplicates(let table, let columns, _):
            let list = columns.map(sqlIdentifier).joined(separator: ", ")
            let spans = rows.map { " (\($0) rows)" } ?? ""
            return ("\(target): \(statement) will fail: \(found) value\(s) appear\(plural ? "" : "s") more than once\(spans)\(example)",
                    "merge or delete the duplicates first (SELECT \(list), count(*) FROM \(table) GROUP BY \(list) HAVING count(*) > 1), in a migration before this one, then add it")
        case .nulls(let table, let column, _):
            return ("\(target): \(statement) will fail: \(found) row\(s) \(plural ? "have" : "has") NULL in \(sqlIdentifier(column))\(example)",
                    "backfill first (UPDATE \(table) SET \(sqlIdentifier(column)) = … WHERE \(sqlIdentifier(column)) IS NULL, in batches), then add the constraint")
        case .anyRow(let table, let column):
            return ("\(target): \(statement) will fail: \(table) has rows (\(found) found)\(example)",
                    "add \(sqlIdentifier(column)) with a DEFAULT, or nullable: backfill it, then SET NOT NULL")
        case .orphans(let table, let columns, let references, _):
            let list = columns.map(sqlIdentifier).joined(separator: ", ")
            return ("\(target): \(statement) will fail: \(found) row\(s) of \(table) reference\(plural ? "" : "s") keys \(references) lacks\(example)",
                    "delete or fix those rows of \(table) (or insert the missing keys into \(references)) first; or add the key NOT VALID, which checks new rows only, and VALIDATE it once (\(list)) are clean")
        case .checkViolations(let table, _, let expression):
            return ("\(target): \(statement) will fail: \(found) row\(s) violate\(plural ? "" : "s") CHECK (\(expression))\(example)",
                    "fix the rows of \(table) where NOT (\(expression)) first; or add the constraint NOT VALID, which checks new rows only, and VALIDATE it once they are fixed")
        case .doesNotFit(let table, let column, let type, _):
            return ("\(target): \(statement) will fail: \(found) row\(s) hold\(plural ? "" : "s") values of \(sqlIdentifier(column)) that do not fit \(type)\(example)",
                    "shorten or fix those values of \(table).\(sqlIdentifier(column)) first, or choose a type they fit")
        case .enumValueExists(let type, let value):
            return ("\(target): \(statement) will fail: \(type) already has the value \(sqlLiteralText(value))",
                    "write ALTER TYPE \(type) ADD VALUE IF NOT EXISTS \(sqlLiteralText(value)), or drop the statement")
        }
    }
}
