// ALTER TABLE (and ALTER INDEX/VIEW/SEQUENCE, which share its node): one effect per subcommand.

enum AlterTable {
    // Subcommands that act on the column named in the command.
    private static let columnCommands: Set<String> = [
        "AT_SetStatistics", "AT_SetStorage", "AT_SetCompression", "AT_SetOptions", "AT_ResetOptions",
        "AT_AddIdentity", "AT_SetIdentity", "AT_DropIdentity", "AT_DropExpression", "AT_AlterColumnGenericOptions",
    ]

    static func effects(_ fields: Node) -> [Effect] {
        guard let target = Read.relation(fields["relation"]) else { return [] }
        let objectType = fields["objtype"]?.string ?? "OBJECT_TABLE"
        let ifExists = fields.flag("missing_ok")
        let isTable = objectType == "OBJECT_TABLE" || objectType == "OBJECT_FOREIGN_TABLE"
        return (fields["cmds"]?.array ?? []).map { command in
            let command = command.fields
            let subtype = command["subtype"]?.string ?? ""
            guard isTable else {
                return Effect(.alter, Read.relationObject(objectType, target),
                              detail: .tableCommand(name(subtype)), ifExists: ifExists)
            }
            var effect = tableEffect(subtype, command, target)
            effect.ifExists = effect.ifExists || ifExists
            return effect
        }
    }

    private static func tableEffect(_ subtype: String, _ command: Node, _ table: QualifiedName) -> Effect {
        let column = command["name"]?.string
        let definition = command["def"]
        switch subtype {
        case "AT_AddColumn":
            if let definition, let added = ReadColumns.column(definition) {
                let action: Effect.Action = command.flag("missing_ok") ? .createIfNotExists : .create
                return Effect(action, .column(table: table, name: added.name), detail: .column(added))
            }
        case "AT_DropColumn":
            if let column {
                return Effect(.drop, .column(table: table, name: column),
                              ifExists: command.flag("missing_ok"), cascade: Read.cascades(command))
            }
        case "AT_AlterColumnType":
            if let column, let type = Read.typeName(definition?.fields["typeName"]) {
                let using = definition?.fields["raw_default"] != nil
                return Effect(.alter, .column(table: table, name: column),
                              detail: .columnChange(.type(type, using: using)))
            }
        case "AT_SetNotNull", "AT_DropNotNull":
            if let column {
                return Effect(.alter, .column(table: table, name: column),
                              detail: .columnChange(subtype == "AT_SetNotNull" ? .setNotNull : .dropNotNull))
            }
        case "AT_ColumnDefault":
            if let column {
                let change: Effect.ColumnChange = definition.map { .setDefault(ReadColumns.defaultValue($0)) } ?? .dropDefault
                return Effect(.alter, .column(table: table, name: column), detail: .columnChange(change))
            }
        case "AT_AddConstraint":
            if let definition, let constraint = ReadColumns.constraint(definition) {
                return Effect(.create, .constraint(table: table, name: constraint.name), detail: .constraint(constraint))
            }
        case "AT_ValidateConstraint":
            return Effect(.alter, .constraint(table: table, name: column), detail: .validateConstraint)
        case "AT_DropConstraint":
            return Effect(.drop, .constraint(table: table, name: column),
                          ifExists: command.flag("missing_ok"), cascade: Read.cascades(command))
        case "AT_AttachPartition", "AT_DetachPartition", "AT_DetachPartitionFinalize":
            let partition = definition?.fields
            return Effect(.alter, .table(table), detail: .tableCommand(name(subtype)),
                          concurrently: partition?.flag("concurrent") ?? false)
        default:
            if let column, columnCommands.contains(subtype) {
                return Effect(.alter, .column(table: table, name: column), detail: .tableCommand(name(subtype)))
            }
        }
        return Effect(.alter, .table(table), detail: .tableCommand(name(subtype)))
    }

    /// PostgreSQL's subcommand name without its `AT_` prefix.
    private static func name(_ subtype: String) -> String {
        subtype.hasPrefix("AT_") ? String(subtype.dropFirst(3)) : subtype
    }
}
