// Column definitions, constraints, and defaults, from ColumnDef and Constraint nodes.

enum ReadColumns {
    static func column(_ node: Node) -> ColumnDefinition? {
        let fields = node.fields
        guard let name = fields["colname"]?.string else { return nil }
        var column = ColumnDefinition(name: name, type: Read.typeName(fields["typeName"]))
        column.notNull = fields.flag("is_not_null")
        if let expression = fields["raw_default"] { column.defaultValue = defaultValue(expression) }
        for constraint in fields["constraints"]?.array ?? [] {
            let attributes = constraint.fields
            switch attributes["contype"]?.string {
            case "CONSTR_NOTNULL": column.notNull = true
            case "CONSTR_NULL": column.notNull = false
            case "CONSTR_DEFAULT": column.defaultValue = attributes["raw_expr"].map(defaultValue)
            case "CONSTR_IDENTITY": column.isIdentity = true
            case "CONSTR_GENERATED": column.isGenerated = true
            case "CONSTR_ATTR_DEFERRABLE", "CONSTR_ATTR_DEFERRED":
                // In a column these follow the constraint they qualify.
                if !column.constraints.isEmpty { column.constraints[column.constraints.count - 1].deferrable = true }
            default:
                guard let definition = Self.constraint(constraint, column: name) else { continue }
                if definition.kind == .primaryKey { column.notNull = true }
                column.constraints.append(definition)
            }
        }
        return column
    }

    /// A PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY, or EXCLUDE constraint; nil for
    /// NOT NULL, DEFAULT, and the other column properties the grammar calls constraints.
    /// `column` is the column an inline constraint belongs to.
    static func constraint(_ node: Node, column: String? = nil) -> ConstraintDefinition? {
        let fields = node.fields
        let kind: ConstraintDefinition.Kind
        switch fields["contype"]?.string {
        case "CONSTR_PRIMARY": kind = .primaryKey
        case "CONSTR_UNIQUE": kind = .unique
        case "CONSTR_CHECK": kind = .check
        case "CONSTR_FOREIGN": kind = .foreignKey
        case "CONSTR_EXCLUSION": kind = .exclusion
        default: return nil
        }
        let name = fields["conname"]?.string
        let keys = fields["keys"]?.stringValues ?? []
        var columns = kind == .foreignKey ? fields["fk_attrs"]?.stringValues ?? [] : keys
        if columns.isEmpty, kind != .check, let column { columns = [column] }
        let notValid = fields.flag("skip_validation")
        var foreignKey: ForeignKey?
        if kind == .foreignKey, let table = Read.relation(fields["pktable"]) {
            foreignKey = ForeignKey(
                name: name,
                columns: columns,
                references: table,
                referencedColumns: fields["pk_attrs"]?.stringValues ?? [],
                notValid: notValid,
                onDelete: action(fields["fk_del_action"]?.string),
                onUpdate: action(fields["fk_upd_action"]?.string)
            )
        }
        return ConstraintDefinition(
            name: name,
            kind: kind,
            columns: columns,
            notValid: notValid,
            usingIndex: fields["indexname"]?.string,
            foreignKey: foreignKey,
            deferrable: fields.flag("deferrable")
        )
    }

    private static func action(_ code: String?) -> ForeignKey.Action {
        switch code {
        case "r": return .restrict
        case "c": return .cascade
        case "n": return .setNull
        case "d": return .setDefault
        default: return .noAction
        }
    }

    // Function volatility as pg_proc records it, for the functions defaults commonly call.
    private static let volatileFunctions: Set<String> = [
        "random", "gen_random_uuid", "uuid_generate_v1", "uuid_generate_v1mc", "uuid_generate_v4",
        "clock_timestamp", "timeofday", "nextval", "setval", "txid_current", "pg_current_xact_id",
    ]
    private static let stableFunctions: Set<String> = [
        "now", "statement_timestamp", "transaction_timestamp", "current_setting", "current_schema",
        "to_timestamp", "to_date", "to_char", "concat", "concat_ws", "age", "jsonb_build_object",
        "jsonb_build_array", "json_build_object", "json_build_array",
    ]
    private static let immutableFunctions: Set<String> = [
        "lower", "upper", "abs", "md5", "length", "round", "floor", "ceil", "trim", "btrim",
        "make_interval", "make_date", "array_length",
    ]

    static func defaultValue(_ expression: Node) -> DefaultValue {
        var functions: [String] = []
        var volatility = DefaultValue.Volatility.immutable
        expression.walk { node in
            if let call = node["FuncCall"] {
                let name = call["funcname"]?.stringValues.last ?? ""
                functions.append(name)
                let schema = (call["funcname"]?.stringValues.count ?? 0) > 1 ? call["funcname"]?.stringValues.first : nil
                let known = schema == nil || schema == "pg_catalog"
                let level: DefaultValue.Volatility =
                    !known ? .unknown
                    : volatileFunctions.contains(name) ? .volatile
                    : stableFunctions.contains(name) ? .stable
                    : immutableFunctions.contains(name) ? .immutable
                    : .unknown
                volatility = max(volatility, level)
            } else if node["SQLValueFunction"] != nil {
                // CURRENT_TIMESTAMP, CURRENT_DATE, CURRENT_USER, …
                volatility = max(volatility, .stable)
            } else if node["SubLink"] != nil {
                volatility = max(volatility, .unknown)
            }
        }
        return DefaultValue(isConstant: isConstant(expression), functions: functions, volatility: volatility)
    }

    private static func isConstant(_ node: Node) -> Bool {
        switch node.tag {
        case "A_Const": return true
        case "TypeCast": return node.fields["arg"].map(isConstant) ?? false
        case "A_ArrayExpr": return (node.fields["elements"]?.array ?? []).allSatisfy(isConstant)
        case "A_Expr":
            // A signed number: `- 1`.
            let fields = node.fields
            return fields["lexpr"] == nil && fields["name"]?.stringValues == ["-"] && fields["rexpr"].map(isConstant) == true
        default: return false
        }
    }
}
