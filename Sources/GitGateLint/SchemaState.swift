import SQL

/// Table names with lenient schema matching: an unqualified name matches the same name in any
/// schema, since the search_path a migration runs with is not known.
package struct TableSet: Sendable {
    private var schemasByName: [String: Set<String>] = [:]
    /// Stands for "no schema written".
    private static let unqualified = ""

    package mutating func insert(_ table: QualifiedName) {
        schemasByName[table.name, default: []].insert(table.schema ?? Self.unqualified)
    }

    package mutating func remove(_ table: QualifiedName) {
        guard var schemas = schemasByName[table.name] else { return }
        if let schema = table.schema {
            schemas.remove(schema)
            schemas.remove(Self.unqualified)
        } else {
            schemas.removeAll()
        }
        schemasByName[table.name] = schemas.isEmpty ? nil : schemas
    }

    package func contains(_ table: QualifiedName) -> Bool {
        guard let schemas = schemasByName[table.name] else { return false }
        guard let schema = table.schema else { return true }
        return schemas.contains(schema) || schemas.contains(Self.unqualified)
    }
}

/// What the migrations read so far did to the tables: which exist, which were created by the
/// files under review ("new": they hold no production rows yet), which were dropped, and the
/// column lists every index, primary key and unique constraint starts with.
package struct SchemaState: Sendable {
    package var existing = TableSet()
    package var new = TableSet()
    /// Dropped or renamed away: a base table these files removed.
    package var gone = TableSet()
    /// Leading columns of each index, by bare table name.
    package var indexes: [String: [[String]]] = [:]
    package var commented = TableSet()

    package init() {}

    package func isNew(_ table: QualifiedName) -> Bool { new.contains(table) }

    /// Whether an index, primary key or unique constraint starts with `columns` (in any order).
    package func isIndexed(_ table: QualifiedName, columns: [String]) -> Bool {
        let wanted = Set(columns)
        return (indexes[table.name] ?? []).contains { index in
            index.count >= columns.count && Set(index.prefix(columns.count)) == wanted
        }
    }

    /// Records what `effect` does. `markNew` says whether tables it creates count as new.
    package mutating func apply(_ effect: Effect, markNew: Bool) {
        switch (effect.action, effect.object) {
        case (.create, .table(let table)), (.createIfNotExists, .table(let table)), (.createOrReplace, .table(let table)):
            // IF NOT EXISTS on a table an earlier migration made leaves that table (and its rows) as it was.
            let alreadyThere = effect.action == .createIfNotExists && existing.contains(table)
            existing.insert(table)
            gone.remove(table)
            if markNew && !alreadyThere { new.insert(table) }
            if case .table(let definition) = effect.detail {
                for constraint in definition.allConstraints where constraint.kind.buildsIndex {
                    addIndex(table, constraint.columns)
                }
            }
        case (.drop, .table(let table)):
            existing.remove(table)
            new.remove(table)
            gone.insert(table)
            indexes[table.name] = nil
        case (.rename(let to), .table(let table)):
            let renamed = QualifiedName(schema: table.schema, name: to)
            if new.contains(table) {
                new.remove(table)
                new.insert(renamed)
            }
            existing.remove(table)
            gone.insert(table)
            existing.insert(renamed)
            gone.remove(renamed)
            indexes[to] = indexes.removeValue(forKey: table.name)
        case (_, .column(let table, _)) where effect.creates:
            if case .column(let column) = effect.detail {
                for constraint in column.constraints where constraint.kind.buildsIndex {
                    addIndex(table, constraint.columns)
                }
            }
        case (.create, .constraint(let table, _)):
            if case .constraint(let constraint) = effect.detail, constraint.kind.buildsIndex {
                addIndex(table, constraint.columns)
            }
        case (_, .index(_, _)) where effect.creates:
            // Expressions leave gaps in `columns`: such an index may not start with them.
            if case .index(let index) = effect.detail, !index.hasExpressions {
                addIndex(index.table, index.columns)
            }
        case (.comment, .table(let table)):
            if case .comment(let text) = effect.detail, text != nil { commented.insert(table) }
        default:
            break
        }
    }

    private mutating func addIndex(_ table: QualifiedName, _ columns: [String]) {
        guard !columns.isEmpty else { return }
        indexes[table.name, default: []].append(columns)
    }
}

extension ConstraintDefinition.Kind {
    /// PRIMARY KEY, UNIQUE and EXCLUDE constraints are backed by an index.
    package var buildsIndex: Bool { self == .primaryKey || self == .unique || self == .exclusion }
}
