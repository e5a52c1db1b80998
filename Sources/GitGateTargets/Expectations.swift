import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// One fact about the catalog a migration leaves behind: "table x exists", "column y is gone",
/// "column z is varchar(20)", "these rows are there".
package struct Probe: Hashable, Sendable {
    package enum Kind: String, Sendable {
        case schema, relation, type, column, constraint, foreignKey = "foreign-key", function, procedure
        case `extension`, trigger, enumValue = "enum-value"
        case columnType = "column-type", columnNotNull = "column-not-null", columnDefault = "column-default"
        case constraintDefinition = "constraint-def", constraintColumns = "constraint-columns"
        case constraintValid = "constraint-valid", checkCount = "check-count"
        case indexDefinition = "index-def", comment, enumLabels = "enum-labels", rowKeys = "row-keys"
        case functionBody = "function-body", privilege, tableFlag = "table-flag"

        /// Facts about the current state of one thing: a later statement saying otherwise replaces
        /// them. Row lookups and privileges instead add up.
        package var replaces: Bool { self != .rowKeys && self != .privilege }
    }

    package var kind: Kind
    /// The main name: a quoted, qualified relation or type name; a schema or extension name.
    package var name: String
    /// The second name: column, constraint, trigger, enum label, referenced relation, function.
    package var member: String?
    /// The value compared: a type, a comment, a constraint kind, literal rows…
    package var expected: String? = nil
    /// A second value: a typmod, a column list, literal kinds…
    package var extra: String? = nil
    package var present: Bool
    /// For messages: "table public.users".
    package var label: String
    /// What a confirmed answer proves.
    package var proof: Proof = .objectExists
    /// Said when the catalog disagrees, instead of "… does not exist".
    package var mismatch: String? = nil
    /// The identity of the object this fact is about: when that object goes, the fact goes with it.
    package var owner: String? = nil
    /// The statement (0-based, in its file) this probe checks.
    package var statement: Int = 0

    /// Probes with the same identity describe the same thing; the later one wins.
    package var identity: String {
        let base = "\(kind.rawValue)|\(name)|\(member ?? "")"
        return kind.replaces ? base : base + "|\(expected ?? "")|\(extra ?? "")"
    }

    package var missingText: String {
        if let mismatch { return mismatch }
        return present ? "\(label) does not exist" : "\(label) still exists"
    }
}

/// One statement as the check sees it, before any target is asked.
package struct StatementPlan: Sendable {
    package var line: Int
    package var statement: String
    /// Set when some effect of the statement cannot be shown by the catalog.
    package var unprovable: UnprovableReason?
    /// True when the statement produced probes (some may have gone to a later statement).
    package var probed: Bool
}

/// What to ask the catalog about one migration, and which statements it cannot answer for.
package struct MigrationPlan: Sendable {
    package var statements: [StatementPlan]
    package var probes: [Probe]
    /// Why the file could not be read statement by statement; nil when it parsed.
    package var unreadable: UnprovableReason?
}

/// Derives, from the parse of each migration, what the catalog must show once it is applied:
/// the objects it creates (and the ones it drops), their definitions, comments and literal rows,
/// minus what a later migration changes again; and which statements the catalog cannot show.
package enum Expectations {
    /// At most this many rows of one INSERT are looked up by key.
    /// At most `InsertedRows.keptRowLimit`: a longer VALUES list keeps no values to look up.
    package static let rowLookupLimit = 1_000

    /// Facts that a dropped column takes with it.
    private static let goneWithColumn: Set<Probe.Kind> = [.constraint, .foreignKey, .constraintDefinition, .constraintColumns,
                                                          .constraintValid, .checkCount, .indexDefinition]

    /// `files[i]` is migration i parsed; the result has the plan for each, in the same order.
    package static func plans(for files: [ParsedFile]) -> [MigrationPlan] {
        var plans: [MigrationPlan] = files.map { file in
            switch file {
            case .notText(let line, let reason):
                let why = UnprovableReason.doesNotParse("line \(line): \(reason)")
                return MigrationPlan(statements: [StatementPlan(line: line, statement: "file", unprovable: why, probed: false)],
                                     probes: [], unreadable: why)
            case .syntaxError(let error):
                let why = UnprovableReason.doesNotParse("line \(error.line): \(error.message)")
                return MigrationPlan(statements: [StatementPlan(line: error.line, statement: "file", unprovable: why, probed: false)],
                                     probes: [], unreadable: why)
            case .script(let script):
                return plan(script)
            }
        }
        // An object a later migration changes again is checked by that later migration only.
        var seen: [String: Int] = [:]
        var gone: [String: Int] = [:]
        var droppedRelations: [String: Int] = [:]
        var droppedColumns: [String: Int] = [:]
        var enumChanged: [String: Int] = [:]
        for (index, plan) in plans.enumerated().reversed() {
            let probes = plan.probes
            let identities = probes.map(\.identity)  // built once per probe, read several times below
            var kept: [Probe] = []
            kept.reserveCapacity(probes.count)
            for (probe, identity) in zip(probes, identities) {
                if let later = seen[identity], later > index { continue }
                if let owner = probe.owner, let later = gone[owner], later > index { continue }
                if let later = droppedRelations[probe.name], later > index, probe.kind != .relation || probe.present { continue }
                // Dropping a column drops the constraints that use it; which ones, only the server knows.
                if let later = droppedColumns[probe.name], later > index, Self.goneWithColumn.contains(probe.kind) { continue }
                if probe.kind == .enumLabels, let later = enumChanged[probe.name], later > index { continue }
                kept.append(probe)
            }
            plans[index].probes = kept
            for (probe, identity) in zip(probes, identities) {
                if seen[identity] == nil { seen[identity] = index }
                if !probe.present && gone[identity] == nil { gone[identity] = index }
                if probe.kind == .relation && !probe.present && droppedRelations[probe.name] == nil {
                    droppedRelations[probe.name] = index
                }
                if probe.kind == .column && !probe.present && droppedColumns[probe.name] == nil {
                    droppedColumns[probe.name] = index
                }
                if probe.kind == .enumValue && enumChanged[probe.name] == nil { enumChanged[probe.name] = index }
            }
        }
        return plans
    }

    /// One parsed file: each statement's probes and what cannot be proven.
    package static func plan(_ script: ReviewScript) -> MigrationPlan {
        var probes: [String: (Int, Probe)] = [:]
        var order = 0
        var statements: [StatementPlan] = []
        for (index, statement) in script.statements.enumerated() {
            let words = Self.words(statement.kind, statement.effects)
            var plan = StatementPlan(line: statement.line, statement: words, unprovable: nil, probed: false)
            let lasting = statement.effects.filter { !$0.temporary }
            if statement.effects.isEmpty {
                plan.unprovable = withoutEffects(statement.kind)
            }
            for effect in lasting {
                let (found, unprovable) = analysis(of: effect, statement: words)
                if plan.unprovable == nil { plan.unprovable = unprovable }
                for var probe in found {
                    probe.statement = index
                    plan.probed = true
                    // A later statement in the same file decides (create then drop: gone).
                    if !probe.present { invalidate(relation: probe, in: &probes) }
                    probes[probe.identity] = (order, probe)
                    order += 1
                }
            }
            statements.append(plan)
        }
        return MigrationPlan(statements: statements, probes: probes.values.sorted { $0.0 < $1.0 }.map(\.1), unreadable: nil)
    }

    /// A statement that derives no effect: nothing to prove, or something the catalog cannot show.
    package static func withoutEffects(_ kind: String) -> UnprovableReason? {
        switch kind {
        case "TransactionStmt", "VariableSetStmt", "VariableShowStmt", "ExplainStmt", "CheckPointStmt", "DiscardStmt",
             "LockStmt", "VacuumStmt", "ReindexStmt", "ClusterStmt", "DeallocateStmt", "PrepareStmt", "ListenStmt",
             "UnlistenStmt", "NotifyStmt", "LoadStmt", "ConstraintsSetStmt":
            return nil
        case "DoStmt": return .doBlock
        case "SelectStmt": return .select
        default: return .notDerived(words(kind, []))
        }
    }

    /// The statement's kind for people: `CREATE TABLE`, `INSERT`, `ALTER TABLE`.
    package static func words(_ kind: String, _ effects: [Effect]) -> String {
        if kind == "GrantStmt", effects.first?.action == .revoke { return "REVOKE" }
        if let words = statementWords[kind] { return words }
        return kind.hasSuffix("Stmt") ? String(kind.dropLast(4)) : kind
    }

    /// Built once: `words` runs for every statement of every migration.
    private static let statementWords: [String: String] = [
            "CreateStmt": "CREATE TABLE", "CreateForeignTableStmt": "CREATE FOREIGN TABLE", "CreateTableAsStmt": "CREATE TABLE AS",
            "ViewStmt": "CREATE VIEW", "IndexStmt": "CREATE INDEX", "AlterTableStmt": "ALTER TABLE", "RenameStmt": "RENAME",
            "AlterObjectSchemaStmt": "SET SCHEMA", "AlterOwnerStmt": "OWNER TO", "DropStmt": "DROP", "TruncateStmt": "TRUNCATE",
            "CommentStmt": "COMMENT", "CreateSchemaStmt": "CREATE SCHEMA", "CreateSeqStmt": "CREATE SEQUENCE",
            "AlterSeqStmt": "ALTER SEQUENCE", "CreateEnumStmt": "CREATE TYPE", "AlterEnumStmt": "ALTER TYPE",
            "CompositeTypeStmt": "CREATE TYPE", "CreateRangeStmt": "CREATE TYPE", "CreateDomainStmt": "CREATE DOMAIN",
            "DefineStmt": "CREATE", "CreateFunctionStmt": "CREATE FUNCTION", "AlterFunctionStmt": "ALTER FUNCTION",
            "CreateExtensionStmt": "CREATE EXTENSION", "CreateTrigStmt": "CREATE TRIGGER", "CreateRoleStmt": "CREATE ROLE",
            "GrantStmt": "GRANT", "GrantRoleStmt": "GRANT", "CreatePolicyStmt": "CREATE POLICY", "RuleStmt": "CREATE RULE",
            "InsertStmt": "INSERT", "UpdateStmt": "UPDATE", "DeleteStmt": "DELETE", "MergeStmt": "MERGE", "CopyStmt": "COPY",
            "SelectStmt": "SELECT", "DoStmt": "DO", "TransactionStmt": "transaction control", "VariableSetStmt": "SET",
            "CallStmt": "CALL", "ExplainStmt": "EXPLAIN", "VacuumStmt": "VACUUM", "ReindexStmt": "REINDEX",
        ]

    /// The probes one effect needs, and why (if so) the catalog cannot show all of it.
    package static func analysis(of effect: Effect, statement: String) -> ([Probe], UnprovableReason?) {
        switch effect.action {
        case .create, .createIfNotExists, .createOrReplace:
            return creation(effect)
        case .alter:
            return alteration(effect)
        case .rename(let newName):
            guard var old = presence(of: effect.object) else { return ([], .notCompared("renaming \(effect.object)")) }
            old.present = false
            old.label += " (renamed)"
            old.proof = .objectGone
            guard let renamed = renamedObject(effect.object, to: newName), let new = presence(of: renamed) else { return ([old], nil) }
            // Renaming a relation moves its columns too: the old name's probes go.
            return ([old, new], nil)
        case .drop:
            guard var gone = presence(of: effect.object) else { return ([], .notCompared("dropping \(effect.object)")) }
            gone.present = false
            gone.label += " (dropped)"
            gone.proof = .objectGone
            return ([gone], nil)
        case .comment:
            guard case .comment(let text) = effect.detail, let probe = comment(on: effect.object, text: text) else {
                return ([], .notCompared("COMMENT ON \(effect.object)"))
            }
            return ([probe], nil)
        case .insertRows:
            guard case .rows(let rows) = effect.detail, case .table(let table) = effect.object else {
                return ([], .dataChange(statement == "INSERT" ? "INSERT … SELECT" : statement))
            }
            return rowLookup(table, rows)
        case .updateRows: return ([], .dataChange("UPDATE"))
        case .deleteRows: return ([], .dataChange("DELETE"))
        case .truncate: return ([], .dataChange("TRUNCATE"))
        case .grant: return grant(effect)
        case .revoke: return ([], .notCompared("REVOKE on \(effect.object)"))
        case .other: return ([], .notCompared("\(statement) of \(effect.object)"))
        }
    }

    private static func alteration(_ effect: Effect) -> ([Probe], UnprovableReason?) {
        switch (effect.object, effect.detail) {
        case (.type(let type), .addEnumValue(let label, _)):
            return ([Probe(kind: .enumValue, name: quoted(type), member: label, present: true,
                           label: "value '\(label)' of type \(type)")], nil)
        case (.type(let type), .renameEnumValue(_, let to)):
            return ([Probe(kind: .enumValue, name: quoted(type), member: to, present: true,
                           label: "value '\(to)' of type \(type)")], nil)
        case (.column(let table, let column), .columnChange(let change)):
            let owner = presence(of: effect.object)?.identity
            switch change {
            case .type(let type, _):
                return (columnType(table, column, type).map { [$0] } ?? [],
                        columnType(table, column, type) == nil ? .notCompared("the type of column \(table).\(column)") : nil)
            case .setNotNull, .dropNotNull:
                let notNull = change == .setNotNull
                return ([Probe(kind: .columnNotNull, name: quoted(table), member: column, expected: notNull ? "t" : "f",
                               present: true, label: "column \(table).\(column) \(notNull ? "NOT NULL" : "nullable")",
                               proof: .columnProperty,
                               mismatch: "column \(table).\(column) is \(notNull ? "nullable" : "NOT NULL") (or gone)", owner: owner)], nil)
            case .setDefault, .dropDefault:
                let has = change != .dropDefault
                return ([Probe(kind: .columnDefault, name: quoted(table), member: column, expected: has ? "t" : "f",
                               present: true, label: "default of column \(table).\(column)", proof: .columnProperty,
                               mismatch: "column \(table).\(column) \(has ? "has no default" : "still has a default") (or is gone)",
                               owner: owner)], nil)
            }
        case (.constraint(let table, let name?), .validateConstraint):
            return ([Probe(kind: .constraintValid, name: quoted(table), member: name, present: true,
                           label: "constraint \(name) on \(table) validated", proof: .constraintDefinition,
                           mismatch: "constraint \(name) on \(table) is not validated (or is gone)",
                           owner: Probe(kind: .constraint, name: quoted(table), member: name, present: true, label: "").identity)], nil)
        case (.table(let table), .tableCommand(let command)) where rowSecurity[command] != nil:
            let (flag, on, words) = rowSecurity[command]!
            return ([Probe(kind: .tableFlag, name: quoted(table), member: nil, expected: flag, extra: on ? "t" : "f",
                           present: true, label: "\(words) on \(table)", proof: .tableProperty,
                           mismatch: "\(table) does not have \(words)",
                           owner: Probe(kind: .relation, name: quoted(table), member: nil, present: true, label: "").identity)], nil)
        case (_, .tableCommand(let command)):
            return ([], .notCompared("\(effect.object): \(command)"))
        case (_, .setSchema(let schema)):
            return ([], .notCompared("moving \(effect.object) to schema \(schema)"))
        default:
            return ([], .notCompared("changing \(effect.object)"))
        }
    }

    /// ALTER TABLE subcommands shown by a pg_class flag: the flag, its value, in words.
    private static let rowSecurity: [String: (String, Bool, String)] = [
        "EnableRowSecurity": ("relrowsecurity", true, "row level security enabled"),
        "DisableRowSecurity": ("relrowsecurity", false, "row level security disabled"),
        "ForceRowSecurity": ("relforcerowsecurity", true, "row level security forced"),
        "NoForceRowSecurity": ("relforcerowsecurity", false, "row level security not forced"),
    ]

    private static func creation(_ effect: Effect) -> ([Probe], UnprovableReason?) {
        var probes: [Probe] = []
        let exists = presence(of: effect.object)
        if let exists { probes.append(exists) }
        switch (effect.object, effect.detail) {
        case (.table(let table), .table(let definition)):
            for column in definition.columns {
                let probe = Probe(kind: .column, name: quoted(table), member: column.name, present: true,
                                  label: "column \(table).\(column.name)")
                probes.append(probe)
                if let type = column.type, let typed = columnType(table, column.name, type) { probes.append(typed) }
            }
            var checks = 0
            for constraint in definition.allConstraints where constraint.foreignKey == nil || constraint.name != nil {
                if constraint.name == nil && constraint.kind == .check { checks += 1 }
                probes += constraintProbes(table, constraint)
            }
            if checks > 0 {
                probes.append(Probe(kind: .checkCount, name: quoted(table), member: nil, expected: String(checks), present: true,
                                    label: "\(checks) CHECK constraint\(checks == 1 ? "" : "s") on \(table)",
                                    proof: .constraintDefinition,
                                    mismatch: "\(table) has fewer than \(checks) CHECK constraints", owner: exists?.identity))
            }
            probes += foreignKeyProbes(table: table, keys: definition.foreignKeys.filter { $0.name == nil })
        case (.column(let table, let name), .column(let column)):
            if let type = column.type, let typed = columnType(table, name, type) { probes.append(typed) }
            for constraint in column.constraints where constraint.foreignKey == nil || constraint.name != nil {
                probes += constraintProbes(table, constraint)
            }
            probes += foreignKeyProbes(table: table, keys: column.foreignKeys.filter { $0.name == nil })
        case (.constraint(let table, let name), .constraint(let constraint)):
            if name == nil, let key = constraint.foreignKey {
                probes += foreignKeyProbes(table: table, keys: [key])
            } else if name == nil, constraint.kind == .check || constraint.kind == .exclusion || constraint.columns.isEmpty {
                return (probes, .unnamed("\(constraint.kind.rawValue.uppercased()) constraint on \(table)"))
            } else {
                probes += constraintProbes(table, constraint)
            }
        case (.index(let name, _), .index(let index)):
            let qualified = name.map { QualifiedName(schema: $0.schema ?? index.table.schema, name: $0.name) }
            let flags = "\(index.unique ? "t" : "f") \(index.method) \(index.isPartial ? "t" : "f")"
            let described = "\(index.unique ? "unique " : "")\(index.method) index\(qualified.map { " \($0)" } ?? "") on \(index.table)"
                + (index.hasExpressions ? "" : " (\(index.columns.joined(separator: ", ")))")
            probes.append(Probe(kind: .indexDefinition, name: qualified.map(quoted) ?? "", member: quoted(index.table),
                                expected: flags, extra: index.hasExpressions ? nil : arrayBody(index.columns), present: true,
                                label: described, proof: .indexDefinition,
                                mismatch: "no valid \(described)" + (index.isPartial ? " with a WHERE clause" : ""),
                                owner: exists?.identity))
        case (.function(let name, let arguments?), .routine(_, _, let body?)):
            let signature = quoted(name) + "(" + arguments.joined(separator: ", ") + ")"
            let shown = "function \(name)(\(arguments.joined(separator: ", ")))"
            probes.append(Probe(kind: .functionBody, name: signature, member: nil, expected: body, present: true,
                                label: "body of \(shown)", proof: .functionBody,
                                mismatch: "\(shown) has another body than the migration's", owner: exists?.identity))
        case (.type(let type), .enumValues(let labels)) where !labels.isEmpty:
            probes.append(Probe(kind: .enumLabels, name: quoted(type), member: nil, extra: arrayBody(labels), present: true,
                                label: "labels of type \(type)", proof: .enumLabelOrder,
                                mismatch: "type \(type) does not have the labels \(labels.map { "'\($0)'" }.joined(separator: ", ")) in this order",
                                owner: exists?.identity))
        default:
            if exists == nil { return ([], .notCompared("CREATE \(effect.object)")) }
        }
        return (probes, nil)
    }

    /// Privileges a GRANT may give, by the object's kind; ALL is all of them.
    private static let grantable: [String: [String]] = [
        "table": ["select", "insert", "update", "delete", "truncate", "references", "trigger"],
        "sequence": ["usage", "select", "update"],
        "schema": ["usage", "create"],
        "function": ["execute"],
    ]

    /// `GRANT p ON object TO role`: has_*_privilege(role, object, p) for each privilege and named
    /// role. PUBLIC, CURRENT_USER and column lists are not compared.
    private static func grant(_ effect: Effect) -> ([Probe], UnprovableReason?) {
        guard case .privileges(let privileges, let grantees) = effect.detail else { return ([], .notCompared("GRANT")) }
        let target: (name: String, kind: String)
        switch effect.object {
        case .table(let name), .view(let name), .materializedView(let name): target = (quoted(name), "table")
        case .sequence(let name): target = (quoted(name), "sequence")
        case .schema(let name): target = (name, "schema")
        case .function(let name, let arguments?): target = (quoted(name) + "(" + arguments.joined(separator: ", ") + ")", "function")
        default: return ([], .notCompared("GRANT on \(effect.object)"))
        }
        let allowed = grantable[target.kind] ?? []
        let asked = privileges.isEmpty ? allowed : privileges
        guard !grantees.isEmpty, asked.allSatisfy(allowed.contains) else {
            return ([], .notCompared("GRANT \(privileges.joined(separator: ", ")) on \(effect.object)"))
        }
        if let special = grantees.first(where: { ["public", "current_user", "current_role", "session_user"].contains($0) }) {
            return ([], .notCompared("GRANT … TO \(special.uppercased())"))
        }
        let owner = presence(of: effect.object)?.identity
        var probes: [Probe] = []
        for role in grantees {
            for privilege in asked {
                probes.append(Probe(kind: .privilege, name: target.name, member: role, expected: privilege.uppercased(),
                                    extra: target.kind, present: true,
                                    label: "\(privilege.uppercased()) on \(effect.object) for \(role)", proof: .privilege,
                                    mismatch: "role \(role) does not have \(privilege.uppercased()) on \(effect.object)",
                                    owner: owner))
            }
        }
        return (probes, nil)
    }

    /// A named constraint's existence and definition; an unnamed PRIMARY KEY or UNIQUE by its columns.
    private static func constraintProbes(_ table: QualifiedName, _ constraint: ConstraintDefinition) -> [Probe] {
        let code: String
        switch constraint.kind {
        case .primaryKey: code = "p"
        case .unique: code = "u"
        case .check: code = "c"
        case .foreignKey: code = "f"
        case .exclusion: code = "x"
        }
        let columns = constraint.columns.isEmpty || constraint.kind == .check || constraint.kind == .exclusion
            ? nil : arrayBody(constraint.columns)
        let listed = columns == nil ? "" : " (\(constraint.columns.joined(separator: ", ")))"
        if let name = constraint.name {
            let exists = Probe(kind: .constraint, name: quoted(table), member: name, present: true,
                               label: "constraint \(name) on \(table)")
            return [exists, Probe(kind: .constraintDefinition, name: quoted(table), member: name, expected: code, extra: columns,
                                  present: true, label: "constraint \(name) on \(table) as \(constraint.kind.rawValue)\(listed)",
                                  proof: .constraintDefinition,
                                  mismatch: "constraint \(name) on \(table) is not a \(constraint.kind.rawValue)\(listed)",
                                  owner: exists.identity)]
        }
        guard let columns, constraint.kind == .primaryKey || constraint.kind == .unique else { return [] }
        return [Probe(kind: .constraintColumns, name: quoted(table), member: nil, expected: code, extra: columns, present: true,
                      label: "\(constraint.kind.rawValue) on \(table)\(listed)", proof: .constraintDefinition,
                      owner: Probe(kind: .relation, name: quoted(table), member: nil, present: true, label: "").identity)]
    }

    /// `column t.c is of type T`, with the typmod where gitgate can compute it; nil when it cannot tell the type.
    package static func columnType(_ table: QualifiedName, _ column: String, _ type: TypeName) -> Probe? {
        guard !type.isSetOf else { return nil }
        var resolved = type
        let serials = ["serial": "int4", "serial4": "int4", "bigserial": "int8", "serial8": "int8",
                       "smallserial": "int2", "serial2": "int2"]
        if type.schema == nil || type.schema == "pg_catalog", let base = serials[type.name] {
            resolved = TypeName(schema: "pg_catalog", name: base, modifiers: [], isArray: type.isArray)
        }
        let typmod = Self.typmod(resolved)
        let shown = resolved.modifiers.isEmpty || typmod != nil ? resolved.description : "\(resolved.signature) (modifiers not compared)"
        return Probe(kind: .columnType, name: quoted(table), member: column, expected: resolved.signature,
                     extra: typmod.map(String.init), present: true, label: "column \(table).\(column) of type \(shown)",
                     proof: .columnType, mismatch: "column \(table).\(column) is not of type \(shown)",
                     owner: Probe(kind: .column, name: quoted(table), member: column, present: true, label: "").identity)
    }

    /// pg_attribute.atttypmod for a declared type: -1 without modifiers; nil where gitgate does not
    /// know how the type encodes them (then only the type itself is compared).
    package static func typmod(_ type: TypeName) -> Int? {
        guard !type.modifiers.isEmpty else { return -1 }
        guard type.schema == nil || type.schema == "pg_catalog" else { return nil }
        let numbers = type.modifiers.compactMap { Int($0) }
        guard numbers.count == type.modifiers.count else { return nil }
        switch (type.name, numbers.count) {
        case ("varchar", 1), ("bpchar", 1): return numbers[0] + 4
        case ("numeric", 1): return (numbers[0] << 16) + 4
        case ("numeric", 2): return ((numbers[0] << 16) | (numbers[1] & 0x7ff)) + 4
        case ("timestamp", 1), ("timestamptz", 1), ("time", 1), ("timetz", 1), ("bit", 1), ("varbit", 1): return numbers[0]
        default: return nil
        }
    }

    /// `COMMENT ON … IS 'text'`: the comment, compared exactly ('' removes a comment, as NULL does).
    private static func comment(on object: DatabaseObject, text: String?) -> Probe? {
        let expected = text?.isEmpty == true ? nil : text
        let owner = presence(of: object)?.identity
        let target: (String, String?, String)
        switch object {
        case .table(let name), .view(let name), .materializedView(let name), .sequence(let name), .index(let name?, nil):
            target = (quoted(name), nil, "relation")
        case .index(let name?, let table?):
            target = (quoted(QualifiedName(schema: name.schema ?? table.schema, name: name.name)), nil, "relation")
        case .column(let table, let column): target = (quoted(table), column, "column")
        case .schema(let name): target = (name, nil, "schema")
        case .type(let name): target = (quoted(name), nil, "type")
        case .function(let name, let arguments?):
            target = (quoted(name) + "(" + arguments.joined(separator: ", ") + ")", nil, "procedure")
        case .extension(let name): target = (name, nil, "extension")
        case .constraint(let table, let name?): target = (quoted(table), name, "constraint")
        case .trigger(let name, let table): target = (quoted(table), name, "trigger")
        default: return nil
        }
        let what = expected.map { "'\($0.count > 60 ? String($0.prefix(57)) + "…" : $0)'" } ?? "none"
        return Probe(kind: .comment, name: target.0, member: target.1, expected: expected, extra: target.2, present: true,
                     label: "comment on \(object)", proof: .commentText,
                     mismatch: "the comment on \(object) is not \(what)", owner: owner)
    }

    /// `INSERT INTO t (cols…) VALUES (literals…), …`: a lookup of every row by whichever primary or
    /// unique key of t its literal columns cover (the server picks the key).
    private static func rowLookup(_ table: QualifiedName, _ inserted: InsertedRows) -> ([Probe], UnprovableReason?) {
        guard let columns = inserted.columns, !columns.isEmpty else { return ([], .noColumnList) }
        guard inserted.count <= rowLookupLimit, inserted.keepsValues else { return ([], .tooManyRows(inserted.count, limit: rowLookupLimit)) }
        var covered: [(index: Int, kind: String)] = []
        for (index, _) in columns.enumerated() {
            var kind: String?
            var uniform = true
            for row in inserted.rows {
                let this: String?
                switch row.indices.contains(index) ? row[index] : nil {
                case .string?: this = "s"
                case .number?: this = "n"
                case .boolean?: this = "b"
                case .null?, nil: this = nil
                }
                guard let this, kind == nil || kind == this else { uniform = false; break }
                kind = this
            }
            if uniform, let kind { covered.append((index, kind)) }
        }
        guard !covered.isEmpty else { return ([], .noLiteralColumns) }
        var values: [String] = []
        for row in inserted.rows {
            for column in covered {
                switch row[column.index] {
                case .string(let text)?: values.append(text)
                case .number(let text)?: values.append(text)
                case .boolean(let flag)?: values.append(flag ? "true" : "false")
                case .null?, nil: values.append("")
                }
            }
        }
        let count = inserted.count
        return ([Probe(kind: .rowKeys, name: quoted(table), member: arrayBody(covered.map { columns[$0.index] }),
                       expected: arrayBody(values), extra: arrayBody(covered.map(\.kind)), present: true,
                       label: "\(count) row\(count == 1 ? "" : "s") of \(table)", proof: .rowKeys,
                       owner: Probe(kind: .relation, name: quoted(table), member: nil, present: true, label: "").identity)], nil)
    }

    /// `{"a","b"}`: an array literal's text, sent as one element of a probe array and cast there.
    package static func arrayBody(_ values: [String]) -> String {
        "{" + values.map { "\"" + ASCIIEscapes.arrayElement.apply(to: $0) + "\"" }.joined(separator: ",") + "}"
    }

    /// Dropping or renaming a relation takes its columns, constraints and triggers with it;
    /// dropping a column takes the constraints that use it.
    private static func invalidate(relation probe: Probe, in probes: inout [String: (Int, Probe)]) {
        let identity = probe.identity
        for (key, value) in probes {
            if value.1.owner == identity { probes.removeValue(forKey: key); continue }
            guard value.1.name == probe.name else { continue }
            switch (probe.kind, value.1.kind) {
            case (.relation, .relation): break
            case (.relation, _), (.column, .constraint), (.column, .foreignKey), (.column, .constraintDefinition),
                 (.column, .constraintColumns), (.column, .checkCount), (.column, .indexDefinition):
                probes.removeValue(forKey: key)
            default: break
            }
        }
    }

    private static func foreignKeyProbes(table: QualifiedName, keys: [ForeignKey]) -> [Probe] {
        keys.map { key in
            Probe(kind: .foreignKey, name: quoted(table), member: quoted(key.references), present: true,
                  label: "foreign key from \(table) to \(key.references)")
        }
    }

    /// The probe that says `object` exists; nil for objects the catalog check does not verify.
    package static func presence(of object: DatabaseObject) -> Probe? {
        switch object {
        case .schema(let name):
            return Probe(kind: .schema, name: name, member: nil, present: true, label: "schema \(name)")
        case .table(let name):
            return Probe(kind: .relation, name: quoted(name), member: nil, present: true, label: "table \(name)")
        case .view(let name):
            return Probe(kind: .relation, name: quoted(name), member: nil, present: true, label: "view \(name)")
        case .materializedView(let name):
            return Probe(kind: .relation, name: quoted(name), member: nil, present: true, label: "materialized view \(name)")
        case .sequence(let name):
            return Probe(kind: .relation, name: quoted(name), member: nil, present: true, label: "sequence \(name)")
        case .index(let name?, let table):
            // An index lives in its table's schema; an unqualified name in DROP INDEX resolves by search_path.
            let qualified = QualifiedName(schema: name.schema ?? table?.schema, name: name.name)
            return Probe(kind: .relation, name: quoted(qualified), member: nil, present: true, label: "index \(qualified)")
        case .column(let table, let column):
            return Probe(kind: .column, name: quoted(table), member: column, present: true, label: "column \(table).\(column)")
        case .constraint(let table, let name?):
            return Probe(kind: .constraint, name: quoted(table), member: name, present: true, label: "constraint \(name) on \(table)")
        case .type(let name):
            return Probe(kind: .type, name: quoted(name), member: nil, present: true, label: "type \(name)")
        case .function(let name, let arguments?):
            let signature = quoted(name) + "(" + arguments.joined(separator: ", ") + ")"
            return Probe(kind: .procedure, name: signature, member: nil, present: true, label: "function \(name)(\(arguments.joined(separator: ", ")))")
        case .function(let name, nil):
            return Probe(kind: .function, name: name.schema ?? "", member: name.name, present: true, label: "function \(name)")
        case .extension(let name):
            return Probe(kind: .extension, name: name, member: nil, present: true, label: "extension \(name)")
        case .trigger(let name, let table):
            return Probe(kind: .trigger, name: quoted(table), member: name, present: true, label: "trigger \(name) on \(table)")
        case .index(nil, _), .constraint(_, nil), .database, .role, .other:
            return nil
        }
    }

    private static func renamedObject(_ object: DatabaseObject, to newName: String) -> DatabaseObject? {
        switch object {
        case .table(let name): return .table(QualifiedName(schema: name.schema, name: newName))
        case .view(let name): return .view(QualifiedName(schema: name.schema, name: newName))
        case .materializedView(let name): return .materializedView(QualifiedName(schema: name.schema, name: newName))
        case .sequence(let name): return .sequence(QualifiedName(schema: name.schema, name: newName))
        case .index(let name?, let table): return .index(QualifiedName(schema: name.schema, name: newName), table: table)
        case .column(let table, _): return .column(table: table, name: newName)
        case .constraint(let table, _?): return .constraint(table: table, name: newName)
        case .type(let name): return .type(QualifiedName(schema: name.schema, name: newName))
        case .schema: return .schema(newName)
        case .trigger(_, let table): return .trigger(name: newName, table: table)
        default: return nil
        }
    }

    /// `"schema"."name"`: quoted exactly as the parser reported it, so case and odd characters survive.
    package static func quoted(_ name: QualifiedName) -> String {
        (name.schema.map { quoteIdent($0) + "." } ?? "") + quoteIdent(name.name)
    }

    package static func quoteIdent(_ identifier: String) -> String {
        "\"" + ASCIIEscapes.identifier.apply(to: identifier) + "\""
    }
}

extension Probe {
    /// A probe made by hand (tests); the memberwise initializer stays the module's.
    package init(kind: Kind, name: String, member: String?, expected: String? = nil, extra: String? = nil,
                 present: Bool, label: String) {
        self.kind = kind
        self.name = name
        self.member = member
        self.expected = expected
        self.extra = extra
        self.present = present
        self.label = label
    }
}
