import SQL

/// A statement that can fail on rows production already holds, and what to ask production
/// about it before it runs. Derived while the linter reads the files, in order, so tables the
/// files create (which hold no production rows) are left alone.
package struct PreflightProbe: Sendable, Hashable {
    package enum Kind: Sendable, Hashable {
        /// CREATE UNIQUE INDEX, ADD UNIQUE / PRIMARY KEY: values present more than once.
        case duplicates(table: QualifiedName, columns: [String], statement: String)
        /// SET NOT NULL, ADD PRIMARY KEY: rows where the column is NULL.
        case nulls(table: QualifiedName, column: String, statement: String)
        /// ADD COLUMN … NOT NULL without a default: any row at all.
        case anyRow(table: QualifiedName, column: String)
        /// ADD FOREIGN KEY without NOT VALID: rows whose key the referenced table lacks.
        /// Empty `referencedColumns`: the referenced table's primary key.
        case orphans(table: QualifiedName, columns: [String], references: QualifiedName, referencedColumns: [String])
        /// ADD CHECK without NOT VALID: rows where the expression is false.
        case checkViolations(table: QualifiedName, constraint: String?, expression: String)
        /// ALTER COLUMN … TYPE without USING, to a type whose limits a WHERE can test.
        case doesNotFit(table: QualifiedName, column: String, type: TypeName, test: FitTest)
        /// ALTER TYPE … ADD VALUE without IF NOT EXISTS: the label is there already.
        case enumValueExists(type: QualifiedName, value: String)

        /// The table whose rows the probe reads (nil for the enum's catalog lookup).
        package var table: QualifiedName? {
            switch self {
            case .duplicates(let table, _, _), .nulls(let table, _, _), .anyRow(let table, _),
                 .orphans(let table, _, _, _), .checkViolations(let table, _, _), .doesNotFit(let table, _, _, _):
                return table
            case .enumValueExists:
                return nil
            }
        }

        /// The rule a violation is reported under.
        package var rule: Rule {
            switch self {
            case .duplicates: return .preflightDuplicates
            case .nulls, .anyRow: return .preflightNulls
            case .orphans: return .preflightOrphans
            case .checkViolations: return .preflightCheckViolations
            case .doesNotFit: return .preflightTypeMismatch
            case .enumValueExists: return .preflightEnumValueExists
            }
        }
    }

    /// The limits of a new column type that a WHERE clause can test without casting (a failed
    /// cast would end the query, and say nothing of how many rows fail).
    package enum FitTest: Sendable, Hashable {
        /// varchar(n), char(n): longer values (trailing spaces aside, which the cast drops).
        case length(Int)
        /// smallint, integer: values outside the range (the column is numeric already).
        case range(min: Int64, max: Int64)
        /// numeric(p, s): values that need more than p - s digits before the point once rounded.
        case digits(precision: Int, scale: Int)

        package init?(_ type: TypeName) {
            guard !type.isArray else { return nil }
            let modifiers = type.modifiers.compactMap { Int($0) }
            switch type.plainName {
            case "varchar", "bpchar", "char", "character", "character varying":
                guard let length = modifiers.first else { return nil }
                self = .length(length)
            case "int2", "smallint": self = .range(min: Int64(Int16.min), max: Int64(Int16.max))
            case "int4", "int", "integer": self = .range(min: Int64(Int32.min), max: Int64(Int32.max))
            case "numeric", "decimal":
                guard let precision = modifiers.first else { return nil }
                self = .digits(precision: precision, scale: modifiers.count > 1 ? modifiers[1] : 0)
            default:
                return nil
            }
        }
    }

    package var kind: Kind
    package var file: Int
    package var path: String
    package var line: Int
    package var allows: [Allow]
    /// The line of an earlier statement in the files under review that changes the table's rows
    /// (an UPDATE backfill, a DELETE of duplicates, a DO block): production's rows today may not
    /// be the rows the statement meets.
    package var rowsChangedAt: Place?
    /// The statement is VALIDATE CONSTRAINT of a key or CHECK the files added NOT VALID.
    package var validates = false

    package struct Place: Sendable, Hashable {
        package var file: Int
        package var path: String
        package var line: Int
    }

    /// What the statement asks of existing rows, for every effect on a table production has.
    package static func kinds(of statement: ReviewScript.Statement, isNew: (QualifiedName) -> Bool) -> [Kind] {
        var kinds: [Kind] = []
        var checks = statement.checkExpressions.makeIterator()
        for effect in statement.effects {
            // Every added CHECK consumes its text, whether or not it is probed.
            var checkText: String??
            if case .constraint(let constraint) = effect.detail, effect.action == .create, constraint.kind == .check {
                checkText = checks.next()
            }
            guard let table = effect.object.table ?? Self.enumType(effect) else { continue }
            if case .type = effect.object {} else if isNew(table) { continue }
            switch (effect.action, effect.detail) {
            case (.create, .index(let index)), (.createIfNotExists, .index(let index)):
                if index.unique, !index.hasExpressions, !index.isPartial, !index.columns.isEmpty {
                    kinds.append(.duplicates(table: index.table, columns: index.columns, statement: "CREATE UNIQUE INDEX"))
                }
            case (.create, .constraint(let constraint)):
                switch constraint.kind {
                case .unique where constraint.usingIndex == nil && !constraint.columns.isEmpty:
                    kinds.append(.duplicates(table: table, columns: constraint.columns, statement: "ADD UNIQUE"))
                case .primaryKey:
                    if constraint.usingIndex == nil, !constraint.columns.isEmpty {
                        kinds.append(.duplicates(table: table, columns: constraint.columns, statement: "ADD PRIMARY KEY"))
                    }
                    kinds += constraint.columns.map { .nulls(table: table, column: $0, statement: "ADD PRIMARY KEY") }
                case .foreignKey where !constraint.notValid:
                    if let key = constraint.foreignKey, !key.columns.isEmpty, !isNew(key.references) {
                        kinds.append(.orphans(table: table, columns: key.columns, references: key.references,
                                              referencedColumns: key.referencedColumns))
                    }
                case .check where !constraint.notValid:
                    if let text = checkText ?? nil {
                        kinds.append(.checkViolations(table: table, constraint: constraint.name, expression: text))
                    }
                default:
                    break
                }
            case (.alter, .columnChange(.setNotNull)):
                if case .column(_, let name) = effect.object { kinds.append(.nulls(table: table, column: name, statement: "SET NOT NULL")) }
            case (.alter, .columnChange(.type(let type, let using))):
                if !using, case .column(_, let name) = effect.object, let test = FitTest(type) {
                    kinds.append(.doesNotFit(table: table, column: name, type: type, test: test))
                }
            case (.create, .column(let column)):
                if column.notNull, column.defaultValue == nil, !column.isIdentity, !column.isGenerated,
                   !["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"].contains(column.type?.plainName ?? "") {
                    kinds.append(.anyRow(table: table, column: column.name))
                }
            case (.alter, .addEnumValue(let value, let ifNotExists)):
                if !ifNotExists { kinds.append(.enumValueExists(type: table, value: value)) }
            default:
                break
            }
        }
        return kinds
    }

    /// FOREIGN KEY and CHECK constraints the statement adds NOT VALID, by `table.name`: their
    /// VALIDATE CONSTRAINT later meets the rows, so it is probed as the ADD would have been.
    package static func addedNotValid(by statement: ReviewScript.Statement, isNew: (QualifiedName) -> Bool) -> [(key: String, kind: Kind)] {
        var found: [(String, Kind)] = []
        var checks = statement.checkExpressions.makeIterator()
        for effect in statement.effects {
            guard effect.action == .create, case .constraint(let table, let name) = effect.object,
                  case .constraint(let constraint) = effect.detail else { continue }
            let text = constraint.kind == .check ? checks.next() : nil
            guard constraint.notValid, let name, !isNew(table) else { continue }
            let key = table.description + "." + name
            if constraint.kind == .check, let expression = text ?? nil {
                found.append((key, .checkViolations(table: table, constraint: name, expression: expression)))
            } else if constraint.kind == .foreignKey, let foreign = constraint.foreignKey, !foreign.columns.isEmpty, !isNew(foreign.references) {
                found.append((key, .orphans(table: table, columns: foreign.columns, references: foreign.references,
                                            referencedColumns: foreign.referencedColumns)))
            }
        }
        return found
    }

    /// The constraints the statement validates, by `table.name`.
    package static func validated(by statement: ReviewScript.Statement) -> [String] {
        statement.effects.compactMap { effect in
            guard case .validateConstraint = effect.detail, case .constraint(let table, let name?) = effect.object else { return nil }
            return table.description + "." + name
        }
    }

    private static func enumType(_ effect: Effect) -> QualifiedName? {
        if case .type(let name) = effect.object, case .addEnumValue = effect.detail { return name }
        return nil
    }

    /// The tables whose rows a statement changes: a probe after it predicts from rows that may change first.
    /// nil in the set's place: any table (a DO block, a function call).
    package static func rowChanges(of statement: ReviewScript.Statement) -> [QualifiedName?] {
        if statement.kind == "CallStmt" { return [nil] }
        if case .doBlock(let body, _)? = statement.details {
            // Code that may change rows: a data statement, dynamic SQL, or a call.
            let words = Set(body.lowercased().split { !($0.isLetter || $0 == "_") })
            return words.isDisjoint(with: ["insert", "update", "delete", "truncate", "copy", "merge", "execute", "perform", "call"]) ? [] : [nil]
        }
        return statement.effects.compactMap { effect in
            switch effect.action {
            case .insertRows, .updateRows, .deleteRows, .truncate:
                return effect.object.table
            default:
                return nil
            }
        }.map { Optional($0) }
    }
}
