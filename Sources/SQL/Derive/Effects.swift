// What each kind of statement does to the schema. Function bodies, DO blocks,
// and rule actions are never looked into: they do not run when the script runs.

enum Effects {
    static func derive(kind: String, fields: Node) -> [Effect] {
        switch kind {
        case "CreateStmt": return createTable(fields)
        case "CreateForeignTableStmt": return createTable(fields["base"] ?? fields)
        case "CreateTableAsStmt": return createTableAs(fields)
        case "ViewStmt": return createView(fields)
        case "IndexStmt": return createIndex(fields)
        case "AlterTableStmt": return AlterTable.effects(fields)
        case "RenameStmt": return rename(fields)
        case "AlterObjectSchemaStmt": return setSchema(fields)
        case "AlterOwnerStmt": return alterOwner(fields)
        case "DropStmt": return drop(fields)
        case "DropdbStmt":
            return fields["dbname"]?.string.map {
                [Effect(.drop, .database($0), ifExists: fields.flag("missing_ok"))]
            } ?? []
        case "DropRoleStmt":
            return (fields["roles"]?.array ?? []).compactMap(Read.role).map {
                Effect(.drop, .role($0), ifExists: fields.flag("missing_ok"))
            }
        case "TruncateStmt":
            return (fields["relations"]?.array ?? []).compactMap(Read.relation).map {
                Effect(.truncate, .table($0), cascade: Read.cascades(fields))
            }
        case "CommentStmt": return comment(fields)
        case "CreateSchemaStmt": return createSchema(fields)
        case "CreateSeqStmt":
            return Read.relation(fields["sequence"]).map {
                [Effect(creation(fields), .sequence($0), temporary: Read.isTemporary(fields["sequence"]))]
            } ?? []
        case "AlterSeqStmt":
            return Read.relation(fields["sequence"]).map {
                [Effect(.alter, .sequence($0), ifExists: fields.flag("missing_ok"))]
            } ?? []
        case "CreateEnumStmt":
            return QualifiedName(parts: fields["typeName"]?.stringValues ?? []).map {
                [Effect(.create, .type($0), detail: .enumValues(fields["vals"]?.stringValues ?? []))]
            } ?? []
        case "AlterEnumStmt": return alterEnum(fields)
        case "CompositeTypeStmt":
            return Read.relation(fields["typevar"]).map { [Effect(.create, .type($0))] } ?? []
        case "CreateRangeStmt":
            return QualifiedName(parts: fields["typeName"]?.stringValues ?? []).map { [Effect(.create, .type($0))] } ?? []
        case "CreateDomainStmt":
            return QualifiedName(parts: fields["domainname"]?.stringValues ?? []).map { [Effect(.create, .type($0))] } ?? []
        case "DefineStmt": return define(fields)
        case "CreateFunctionStmt": return createFunction(fields)
        case "AlterFunctionStmt":
            let kind = fields["objtype"]?.string ?? "OBJECT_FUNCTION"
            return Read.object(kind, fields["func"]).map { [Effect(.alter, $0)] } ?? []
        case "CreateExtensionStmt":
            return fields["extname"]?.string.map { [Effect(creation(fields), .extension($0))] } ?? []
        case "AlterExtensionStmt", "AlterExtensionContentsStmt":
            return fields["extname"]?.string.map { [Effect(.alter, .extension($0))] } ?? []
        case "CreateTrigStmt":
            guard let name = fields["trigname"]?.string, let table = Read.relation(fields["relation"]) else { return [] }
            return [Effect(fields.flag("replace") ? .createOrReplace : .create, .trigger(name: name, table: table))]
        case "CreatedbStmt":
            return fields["dbname"]?.string.map { [Effect(.create, .database($0))] } ?? []
        case "AlterDatabaseStmt", "AlterDatabaseSetStmt", "AlterDatabaseRefreshCollStmt":
            return fields["dbname"]?.string.map { [Effect(.alter, .database($0))] } ?? []
        case "CreateRoleStmt":
            return fields["role"]?.string.map { [Effect(.create, .role($0))] } ?? []
        case "AlterRoleStmt", "AlterRoleSetStmt":
            return Read.role(fields["role"]).map { [Effect(.alter, .role($0))] } ?? []
        case "GrantStmt": return grant(fields)
        case "GrantRoleStmt": return grantRole(fields)
        case "CreatePolicyStmt", "AlterPolicyStmt":
            guard let name = fields["policy_name"]?.string, let table = Read.relation(fields["table"]) else { return [] }
            let action: Effect.Action = kind == "CreatePolicyStmt" ? .create : .alter
            return [Effect(action, .other("policy \(quoteIdentifier(name)) on \(table)"))]
        case "RuleStmt":
            guard let name = fields["rulename"]?.string, let table = Read.relation(fields["relation"]) else { return [] }
            return [Effect(fields.flag("replace") ? .createOrReplace : .create,
                           .other("rule \(quoteIdentifier(name)) on \(table)"))]
        default:
            return DataChanges.effects(kind: kind, fields: fields)
        }
    }

    /// CREATE or CREATE … IF NOT EXISTS.
    static func creation(_ fields: Node) -> Effect.Action {
        fields.flag("if_not_exists") ? .createIfNotExists : .create
    }

    private static func createTable(_ fields: Node) -> [Effect] {
        guard let name = Read.relation(fields["relation"]) else { return [] }
        var table = TableDefinition()
        for element in fields["tableElts"]?.array ?? [] {
            switch element.tag {
            case "ColumnDef":
                if let column = ReadColumns.column(element) { table.columns.append(column) }
            case "Constraint":
                if let constraint = ReadColumns.constraint(element) { table.constraints.append(constraint) }
            default:
                break
            }
        }
        let parents = (fields["inhRelations"]?.array ?? []).compactMap(Read.relation)
        if fields["partbound"] != nil {
            table.partitionOf = parents.first
        } else {
            table.inherits = parents
        }
        table.isPartitioned = fields["partspec"] != nil
        return [Effect(creation(fields), .table(name), detail: .table(table),
                       temporary: Read.isTemporary(fields["relation"]))]
    }

    private static func createTableAs(_ fields: Node) -> [Effect] {
        let target = fields["into"]?["rel"]
        guard let name = Read.relation(target) else { return [] }
        let object: DatabaseObject = fields["objtype"]?.string == "OBJECT_MATVIEW" ? .materializedView(name) : .table(name)
        return [Effect(creation(fields), object, temporary: Read.isTemporary(target))]
    }

    private static func createView(_ fields: Node) -> [Effect] {
        guard let name = Read.relation(fields["view"]) else { return [] }
        return [Effect(fields.flag("replace") ? .createOrReplace : .create, .view(name),
                       temporary: Read.isTemporary(fields["view"]))]
    }

    private static func createIndex(_ fields: Node) -> [Effect] {
        guard let table = Read.relation(fields["relation"]) else { return [] }
        var index = IndexDefinition(
            table: table,
            unique: fields.flag("unique"),
            concurrently: fields.flag("concurrent"),
            isPartial: fields["whereClause"] != nil,
            method: fields["accessMethod"]?.string ?? "btree"
        )
        for element in fields["indexParams"]?.array ?? [] {
            if let column = element.fields["name"]?.string {
                index.columns.append(column)
            } else {
                index.hasExpressions = true
            }
        }
        // An index lives in its table's schema.
        let name = fields["idxname"]?.string.map { QualifiedName(schema: table.schema, name: $0) }
        return [Effect(creation(fields), .index(name, table: table), detail: .index(index),
                       concurrently: index.concurrently)]
    }

    private static func rename(_ fields: Node) -> [Effect] {
        guard let newName = fields["newname"]?.string, let type = fields["renameType"]?.string else { return [] }
        let relation = Read.relation(fields["relation"])
        let oldName = fields["subname"]?.string
        let object: DatabaseObject?
        switch type {
        case "OBJECT_COLUMN":
            object = relation.flatMap { table in oldName.map { .column(table: table, name: $0) } }
        case "OBJECT_TABCONSTRAINT":
            object = relation.map { .constraint(table: $0, name: oldName) }
        case "OBJECT_TRIGGER":
            object = relation.flatMap { table in oldName.map { .trigger(name: $0, table: table) } }
        case "OBJECT_SCHEMA", "OBJECT_DATABASE", "OBJECT_ROLE":
            object = Read.object(type, oldName.map(Node.string))
        case "OBJECT_TABLE", "OBJECT_FOREIGN_TABLE", "OBJECT_VIEW", "OBJECT_MATVIEW", "OBJECT_SEQUENCE", "OBJECT_INDEX":
            object = relation.map { Read.relationObject(type, $0) }
        case "OBJECT_ATTRIBUTE":
            object = relation.flatMap { type in oldName.map { .other("attribute \(quoteIdentifier($0)) of type \(type)") } }
        default:
            object = Read.object(type, fields["object"] ?? fields["relation"])
        }
        return object.map { [Effect(.rename(to: newName), $0, ifExists: fields.flag("missing_ok"))] } ?? []
    }

    private static func setSchema(_ fields: Node) -> [Effect] {
        guard let schema = fields["newschema"]?.string, let type = fields["objectType"]?.string,
              let object = Read.object(type, fields["relation"] ?? fields["object"])
        else { return [] }
        return [Effect(.alter, object, detail: .setSchema(schema), ifExists: fields.flag("missing_ok"))]
    }

    private static func alterOwner(_ fields: Node) -> [Effect] {
        guard let type = fields["objectType"]?.string,
              let object = Read.object(type, fields["relation"] ?? fields["object"])
        else { return [] }
        return [Effect(.alter, object)]
    }

    private static func drop(_ fields: Node) -> [Effect] {
        guard let type = fields["removeType"]?.string else { return [] }
        return (fields["objects"]?.array ?? []).compactMap { Read.object(type, $0) }.map {
            Effect(.drop, $0, ifExists: fields.flag("missing_ok"), cascade: Read.cascades(fields),
                   concurrently: fields.flag("concurrent"))
        }
    }

    private static func comment(_ fields: Node) -> [Effect] {
        guard let type = fields["objtype"]?.string, let object = Read.object(type, fields["object"]) else { return [] }
        return [Effect(.comment, object, detail: .comment(fields["comment"]?.string))]
    }

    private static func createSchema(_ fields: Node) -> [Effect] {
        // CREATE SCHEMA AUTHORIZATION joe names the schema after the role.
        guard let schema = fields["schemaname"]?.string ?? Read.role(fields["authrole"]) else { return [] }
        var effects = [Effect(creation(fields), .schema(schema))]
        for element in fields["schemaElts"]?.array ?? [] {
            guard let kind = element.tag else { continue }
            for var effect in derive(kind: kind, fields: element.fields) {
                effect.object = effect.object.defaultingSchema(to: schema)
                effects.append(effect)
            }
        }
        return effects
    }

    private static func alterEnum(_ fields: Node) -> [Effect] {
        guard let type = QualifiedName(parts: fields["typeName"]?.stringValues ?? []) else { return [] }
        if let old = fields["oldVal"]?.string, let new = fields["newVal"]?.string {
            return [Effect(.alter, .type(type), detail: .renameEnumValue(from: old, to: new))]
        }
        guard let value = fields["newVal"]?.string else { return [] }
        return [Effect(.alter, .type(type),
                       detail: .addEnumValue(value, ifNotExists: fields.flag("skipIfNewValExists")))]
    }

    private static func define(_ fields: Node) -> [Effect] {
        guard let name = QualifiedName(parts: fields["defnames"]?.stringValues ?? []) else { return [] }
        let action: Effect.Action = fields.flag("replace") ? .createOrReplace : creation(fields)
        switch fields["kind"]?.string {
        case "OBJECT_TYPE": return [Effect(action, .type(name))]
        case "OBJECT_AGGREGATE": return [Effect(action, .function(name, arguments: nil))]
        case let kind?: return Read.object(kind, .array((fields["defnames"]?.stringValues ?? []).map(Node.string))).map { [Effect(action, $0)] } ?? []
        case nil: return []
        }
    }

    private static func createFunction(_ fields: Node) -> [Effect] {
        guard let name = QualifiedName(parts: fields["funcname"]?.stringValues ?? []) else { return [] }
        // A routine's identity is its input arguments; OUT and TABLE columns are results.
        let inputModes: Set<String> = ["FUNC_PARAM_DEFAULT", "FUNC_PARAM_IN", "FUNC_PARAM_INOUT", "FUNC_PARAM_VARIADIC"]
        let arguments = (fields["parameters"]?.array ?? []).compactMap { parameter -> String? in
            let parameter = parameter.fields
            guard inputModes.contains(parameter["mode"]?.string ?? "FUNC_PARAM_DEFAULT") else { return nil }
            return Read.typeName(parameter["argType"])?.signature
        }
        let language = Read.option("language", in: fields["options"])?.stringValue
        let body = Read.option("as", in: fields["options"])?.stringValues
        return [Effect(fields.flag("replace") ? .createOrReplace : .create,
                       .function(name, arguments: arguments),
                       detail: .routine(language: language, isProcedure: fields.flag("is_procedure"),
                                        body: body?.count == 1 ? body?.first : nil))]
    }

    private static func grant(_ fields: Node) -> [Effect] {
        let action: Effect.Action = fields.flag("is_grant") ? .grant : .revoke
        // A column-level privilege keeps its columns: `select (a, b)`.
        let privileges = (fields["privileges"]?.array ?? []).compactMap { privilege -> String? in
            guard let name = privilege.fields["priv_name"]?.string else { return nil }
            let columns = privilege.fields["cols"]?.array?.compactMap(\.stringValue) ?? []
            return columns.isEmpty ? name : "\(name) (\(columns.joined(separator: ", ")))"
        }
        let grantees = (fields["grantees"]?.array ?? []).compactMap(Read.role)
        let detail = Effect.Detail.privileges(privileges, grantees: grantees)
        let type = fields["objtype"]?.string ?? ""
        let objects = fields["objects"]?.array ?? []
        if fields["targtype"]?.string == "ACL_TARGET_ALL_IN_SCHEMA" {
            let kind = String(type.dropFirst("OBJECT_".count).lowercased())
            return objects.compactMap(\.stringValue).map {
                Effect(action, .other("all \(kind)s in schema \(quoteIdentifier($0))"), detail: detail)
            }
        }
        return objects.compactMap { Read.object(type, $0) }.map { Effect(action, $0, detail: detail) }
    }

    private static func grantRole(_ fields: Node) -> [Effect] {
        let action: Effect.Action = fields.flag("is_grant") ? .grant : .revoke
        let grantees = (fields["grantee_roles"]?.array ?? []).compactMap(Read.role)
        return (fields["granted_roles"]?.array ?? []).compactMap { $0.fields["priv_name"]?.string }.map {
            Effect(action, .role($0), detail: .privileges([], grantees: grantees))
        }
    }
}
