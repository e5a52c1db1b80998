import SQL

/// What a migration does to the schema the deployed code uses: expand (adds, so old code keeps
/// working) or contract (drops or renames something, or narrows a type, so code that still uses
/// it breaks). A contract belongs in a release after the code stopped using what it removes.
public enum MigrationChange: Sendable, Hashable {
    case expand
    case contract([Contraction])

    /// Classifies a migration's statements by their effects. Objects the same statements
    /// create first (a new table dropped again) are no contraction.
    public static func classify(_ effects: [Effect]) -> MigrationChange {
        var created = TableSet()
        var found: [Contraction] = []
        for effect in effects {
            if effect.creates, case .table(let table) = effect.object { created.insert(table) }
            guard let contraction = Contraction(effect), !created.contains(contraction.table) else { continue }
            found.append(contraction)
        }
        return found.isEmpty ? .expand : .contract(found)
    }

    public var isContract: Bool {
        if case .contract = self { return true }
        return false
    }
}

/// One thing a contract migration takes away from the code.
public enum Contraction: Sendable, Hashable, CustomStringConvertible {
    case dropTable(QualifiedName)
    case dropColumn(table: QualifiedName, column: String)
    case renameTable(QualifiedName, to: String)
    case renameColumn(table: QualifiedName, column: String, to: String)
    /// ALTER COLUMN … TYPE to a type with a limit (varchar(n), smallint, numeric(p, s)…).
    case narrowType(table: QualifiedName, column: String, type: TypeName)

    package init?(_ effect: Effect) {
        switch (effect.action, effect.object) {
        case (.drop, .table(let table)):
            self = .dropTable(table)
        case (.drop, .column(let table, let column)):
            self = .dropColumn(table: table, column: column)
        case (.rename(let to), .table(let table)):
            self = .renameTable(table, to: to)
        case (.rename(let to), .column(let table, let column)):
            self = .renameColumn(table: table, column: column, to: to)
        case (.alter, .column(let table, let column)):
            guard case .columnChange(.type(let type, _)) = effect.detail, PreflightProbe.FitTest(type) != nil else { return nil }
            self = .narrowType(table: table, column: column, type: type)
        default:
            return nil
        }
    }

    public var table: QualifiedName {
        switch self {
        case .dropTable(let table), .renameTable(let table, _): return table
        case .dropColumn(let table, _), .renameColumn(let table, _, _), .narrowType(let table, _, _): return table
        }
    }

    /// The name code that uses the object writes, when the contraction removes it; nil when
    /// the name stays (a narrowed type).
    public var removedName: String? {
        switch self {
        case .dropTable(let table), .renameTable(let table, _): return table.name
        case .dropColumn(_, let column), .renameColumn(_, let column, _): return column
        case .narrowType: return nil
        }
    }

    /// A column's name is common (`name`, `status`): a file counts only when it names the table too.
    package var isColumn: Bool {
        switch self {
        case .dropColumn, .renameColumn: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .dropTable(let table): return "DROP TABLE \(table)"
        case .dropColumn(let table, let column): return "DROP COLUMN \(table).\(sqlIdentifier(column))"
        case .renameTable(let table, let to): return "RENAME \(table) TO \(sqlIdentifier(to))"
        case .renameColumn(let table, let column, let to): return "RENAME COLUMN \(table).\(sqlIdentifier(column)) TO \(sqlIdentifier(to))"
        case .narrowType(let table, let column, let type): return "ALTER COLUMN \(table).\(sqlIdentifier(column)) TYPE \(type)"
        }
    }
}

/// A drop or rename of something production has, where the files under review make it.
package struct ContractSite: Sendable {
    package var contraction: Contraction
    package var file: Int
    package var path: String
    package var line: Int
    package var allows: [Allow]
}
