import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// One statement of a derived rollback, with what running it loses.
public struct RollbackStep: Sendable, Hashable, Codable {
    /// The statement, ready to run: `DROP TABLE IF EXISTS "public"."x"`.
    public var sql: String
    /// What it removes, in words: "table security_detections".
    public var removes: String
    /// The table whose rows (or one column's values) it deletes; nil when it deletes no rows.
    public var dataOf: String?
    /// The column whose values it deletes (with `dataOf`); nil for a whole table.
    public var column: String?
    /// DROP INDEX CONCURRENTLY: runs outside a transaction.
    public var concurrently: Bool
}

/// The reverse gitgate derives from a migration's SQL effects when it has no down part: only for
/// statements whose effect it can undo exactly (a CREATE, an ADD COLUMN); anything else makes the
/// whole migration irreversible, because a partial reverse would leave a state nobody reviewed.
package enum RollbackDerivation {
    package struct Outcome: Sendable {
        /// In the order they run: the reverse of the migration's order (dependents first).
        package var steps: [RollbackStep] = []
        /// Why it cannot be reversed, one per statement: "line 3: DROP TABLE removes what it dropped".
        package var irreversible: [String] = []
    }

    package static func derive(_ script: SQLScript) -> Outcome {
        var outcome = Outcome()
        var created: Set<String> = []
        var forward: [RollbackStep] = []
        for statement in script.statements {
            // Settings and empty statements change no schema.
            if statement.kind == "VariableSetStmt" || statement.setting != nil || statement.transactionControl != nil { continue }
            let summary = PreparedMigration.summary(of: statement)
            if statement.effects.isEmpty {
                outcome.irreversible.append("line \(statement.line): \(summary) changes nothing gitgate can reverse")
                continue
            }
            for effect in statement.effects {
                if let step = reverse(effect, kind: statement.kind) {
                    forward.append(step)
                    created.insert(objectKey(effect.object))
                } else if !owners(of: effect.object).isDisjoint(with: created) {
                    // A comment, grant, seed row, unnamed index or other change to something this
                    // migration created goes with it when it is dropped.
                    continue
                } else {
                    outcome.irreversible.append("line \(statement.line): \(summary) (\(effect.object)) cannot be reversed from the SQL")
                }
            }
        }
        outcome.steps = forward.reversed()
        return outcome
    }

    private static func objectKey(_ object: DatabaseObject) -> String {
        switch object {
        case .table(let name), .view(let name), .materializedView(let name), .sequence(let name), .type(let name):
            return "relation:" + name.name + "@" + (name.schema ?? "")
        default: return object.description
        }
    }

    /// The object and the table it belongs to, as `objectKey`s.
    private static func owners(of object: DatabaseObject) -> Set<String> {
        var keys: Set<String> = [objectKey(object)]
        switch object {
        case .column(let table, _), .constraint(let table, _), .trigger(_, let table), .index(_, let table?):
            keys.insert(objectKey(.table(table)))
        default: break
        }
        return keys
    }

    private static func name(_ name: QualifiedName) -> String { Expectations.quoted(name) }

    /// The statement that removes what `effect` created, or nil when it is no creation gitgate can reverse.
    private static func reverse(_ effect: Effect, kind: String) -> RollbackStep? {
        // CREATE OR REPLACE may have replaced a definition nobody kept; a TEMP object is gone already.
        guard effect.action == .create || effect.action == .createIfNotExists, !effect.temporary else { return nil }
        func step(_ sql: String, data: QualifiedName? = nil, column: String? = nil, concurrently: Bool = false) -> RollbackStep {
            RollbackStep(sql: sql, removes: effect.object.description, dataOf: data.map(name), column: column,
                         concurrently: concurrently)
        }
        switch effect.object {
        case .table(let table):
            return step("DROP TABLE IF EXISTS \(name(table))", data: table)
        case .column(let table, let column):
            return step("ALTER TABLE \(name(table)) DROP COLUMN IF EXISTS \(Expectations.quoteIdent(column))", data: table, column: column)
        case .index(let index?, let table):
            // An unqualified index lives in its table's schema.
            let qualified = QualifiedName(schema: index.schema ?? table?.schema, name: index.name)
            let concurrently = effect.concurrently ? "CONCURRENTLY " : ""
            return step("DROP INDEX \(concurrently)IF EXISTS \(name(qualified))", concurrently: effect.concurrently)
        case .constraint(let table, let constraint?):
            return step("ALTER TABLE \(name(table)) DROP CONSTRAINT IF EXISTS \(Expectations.quoteIdent(constraint))")
        case .view(let view):
            return step("DROP VIEW IF EXISTS \(name(view))")
        case .materializedView(let view):
            return step("DROP MATERIALIZED VIEW IF EXISTS \(name(view))", data: nil)
        case .sequence(let sequence):
            return step("DROP SEQUENCE IF EXISTS \(name(sequence))")
        case .type(let type):
            return step("DROP \(kind == "CreateDomainStmt" ? "DOMAIN" : "TYPE") IF EXISTS \(name(type))")
        case .function(let function, let arguments?):
            var isProcedure = false
            if case .routine(_, let procedure, _) = effect.detail { isProcedure = procedure }
            return step("DROP \(isProcedure ? "PROCEDURE" : "FUNCTION") IF EXISTS \(name(function))(\(arguments.joined(separator: ", ")))")
        case .trigger(let trigger, let table):
            return step("DROP TRIGGER IF EXISTS \(Expectations.quoteIdent(trigger)) ON \(name(table))")
        case .schema(let schema):
            return step("DROP SCHEMA IF EXISTS \(Expectations.quoteIdent(schema))")
        default:
            // Unnamed indexes and constraints, extensions, roles, databases: not reversed blindly.
            return nil
        }
    }
}
