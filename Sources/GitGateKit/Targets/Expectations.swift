import SQL

/// One fact about the catalog a migration leaves behind: "table x exists", "column y is gone".
struct Probe: Hashable, Sendable {
    enum Kind: String, Sendable {
        case schema, relation, type, column, constraint, foreignKey = "foreign-key", function, procedure
        case `extension`, trigger, enumValue = "enum-value"
    }

    var kind: Kind
    /// The main name: a quoted, qualified relation or type name; a schema or extension name.
    var name: String
    /// The second name: column, constraint, trigger, enum label, referenced relation, function.
    var member: String?
    var present: Bool
    /// For messages: "table public.users".
    var label: String

    /// Probes with the same identity describe the same object; the later one wins.
    var identity: String { "\(kind.rawValue)|\(name)|\(member ?? "")" }
}

/// Derives, from the parse of each migration, what the catalog must show once it is applied:
/// the objects it creates (and the ones it drops), minus what a later migration changes again.
enum Expectations {
    /// `effects[i]` is what `migrations[i]`'s statements do, in order (nil when it does not parse);
    /// the result has the probes for each, in the same order.
    static func probes(for effects: [[Effect]?]) -> [[Probe]] {
        var perMigration: [[Probe]] = effects.map { effects in
            var probes: [String: (Int, Probe)] = [:]
            var order = 0
            for effect in effects ?? [] where !effect.temporary {
                for probe in Expectations.probes(of: effect) {
                    // A later statement in the same file decides (create then drop: gone).
                    if !probe.present { invalidate(relation: probe, in: &probes) }
                    probes[probe.identity] = (order, probe)
                    order += 1
                }
            }
            return probes.values.sorted { $0.0 < $1.0 }.map(\.1)
        }
        // An object a later migration changes again is checked by that later migration only.
        var seen: [String: Int] = [:]
        var droppedRelations: [String: Int] = [:]
        var droppedColumns: [String: Int] = [:]
        for (index, probes) in perMigration.enumerated().reversed() {
            perMigration[index] = probes.filter { probe in
                if let later = seen[probe.identity], later > index { return false }
                if let later = droppedRelations[probe.name], later > index, probe.kind != .relation || probe.present { return false }
                // Dropping a column drops the constraints that use it; which ones, only the server knows.
                if let later = droppedColumns[probe.name], later > index, probe.kind == .constraint || probe.kind == .foreignKey { return false }
                return true
            }
            for probe in probes {
                if seen[probe.identity] == nil { seen[probe.identity] = index }
                if probe.kind == .relation && !probe.present && droppedRelations[probe.name] == nil {
                    droppedRelations[probe.name] = index
                }
                if probe.kind == .column && !probe.present && droppedColumns[probe.name] == nil {
                    droppedColumns[probe.name] = index
                }
            }
        }
        return perMigration
    }

    /// Dropping or renaming a relation takes its columns, constraints and triggers with it;
    /// dropping a column takes the constraints that use it.
    private static func invalidate(relation probe: Probe, in probes: inout [String: (Int, Probe)]) {
        for (key, value) in probes where value.1.name == probe.name {
            switch (probe.kind, value.1.kind) {
            case (.relation, .relation): break
            case (.relation, _), (.column, .constraint), (.column, .foreignKey): probes.removeValue(forKey: key)
            default: break
            }
        }
    }

    static func probes(of effect: Effect) -> [Probe] {
        switch effect.action {
        case .create, .createIfNotExists, .createOrReplace:
            return creation(effect)
        case .alter:
            if case .addEnumValue(let label, _) = effect.detail, case .type(let type) = effect.object {
                return [Probe(kind: .enumValue, name: quoted(type), member: label, present: true,
                              label: "value '\(label)' of type \(type)")]
            }
            if case .renameEnumValue(_, let to) = effect.detail, case .type(let type) = effect.object {
                return [Probe(kind: .enumValue, name: quoted(type), member: to, present: true,
                              label: "value '\(to)' of type \(type)")]
            }
            return []
        case .rename(let newName):
            guard var old = presence(of: effect.object) else { return [] }
            old.present = false
            old.label += " (renamed)"
            guard let renamed = renamedObject(effect.object, to: newName), let new = presence(of: renamed) else { return [old] }
            // Renaming a relation moves its columns too: the old name's probes go.
            return [old, new]
        case .drop:
            guard var gone = presence(of: effect.object) else { return [] }
            gone.present = false
            gone.label += " (dropped)"
            return [gone]
        default:
            return []
        }
    }

    private static func creation(_ effect: Effect) -> [Probe] {
        var probes: [Probe] = []
        if let probe = presence(of: effect.object) { probes.append(probe) }
        switch (effect.object, effect.detail) {
        case (.table(let table), .table(let definition)):
            for column in definition.columns {
                probes.append(Probe(kind: .column, name: quoted(table), member: column.name, present: true,
                                    label: "column \(table).\(column.name)"))
            }
            for constraint in definition.allConstraints {
                if let name = constraint.name {
                    probes.append(Probe(kind: .constraint, name: quoted(table), member: name, present: true,
                                        label: "constraint \(name) on \(table)"))
                }
            }
            probes += foreignKeyProbes(table: table, keys: definition.foreignKeys.filter { $0.name == nil })
        case (.column(let table, _), .column(let column)):
            probes += foreignKeyProbes(table: table, keys: column.foreignKeys.filter { $0.name == nil })
        case (.constraint(let table, nil), .constraint(let constraint)):
            probes += foreignKeyProbes(table: table, keys: constraint.foreignKey.map { [$0] } ?? [])
        default:
            break
        }
        return probes
    }

    private static func foreignKeyProbes(table: QualifiedName, keys: [ForeignKey]) -> [Probe] {
        keys.map { key in
            Probe(kind: .foreignKey, name: quoted(table), member: quoted(key.references), present: true,
                  label: "foreign key from \(table) to \(key.references)")
        }
    }

    /// The probe that says `object` exists; nil for objects the catalog check does not verify.
    static func presence(of object: DatabaseObject) -> Probe? {
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
    static func quoted(_ name: QualifiedName) -> String {
        (name.schema.map { quoteIdent($0) + "." } ?? "") + quoteIdent(name.name)
    }

    static func quoteIdent(_ identifier: String) -> String {
        "\"" + ASCIIEscapes.identifier.apply(to: identifier) + "\""
    }
}
