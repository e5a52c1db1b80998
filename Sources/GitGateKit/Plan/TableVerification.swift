import Foundation
import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// The checklist's production test without leaving gitgate: for each table the branch creates,
/// whether it exists on the target, its columns and indexes as the catalog has them, and its rows.
public struct TableVerification: Sendable {
    /// How many rows a table has, as far as gitgate looked.
    public enum Rows: Sendable, Equatable, CustomStringConvertible {
        /// Counted: at most `countLimit`.
        case counted(Int)
        /// Past the limit: the catalog's estimate, not a count (nil when it has none).
        case estimated(limit: Int, estimate: Int64?)
        /// The count failed (a timeout, a lock): why.
        case notCounted(String)

        public var description: String {
            switch self {
            case .counted(let count): return "\(count) row\(count == 1 ? "" : "s")"
            case .estimated(let limit, let estimate?): return "more than \(limit) rows (the catalog estimates \(estimate))"
            case .estimated(let limit, nil): return "more than \(limit) rows (not counted further)"
            case .notCounted(let why): return "not counted: \(why)"
            }
        }
    }

    public var table: String
    public var exists: Bool
    /// `name type`, in column order.
    public var columns: [String]
    public var indexes: [String]
    /// nil when the table does not exist.
    public var rowCount: Rows?

    /// "3 rows", "more than 100000 rows (the catalog estimates 2500000)", or why it was not counted.
    public var rows: String? { rowCount?.description }

    /// Counting stops here; past it the catalog's estimate is given, said as such.
    package static let countLimit = 100_000

    /// Tables the migrations create (CREATE TABLE, in order, each once).
    package static func tables(in migrations: [Migration]) -> [QualifiedName] {
        var seen: [QualifiedName] = []
        for migration in migrations {
            guard let sql = migration.sql, let script = try? SQLScript.parse(sql) else { continue }
            for statement in script.statements {
                for effect in statement.effects where effect.creates && !effect.temporary {
                    if case .table(let name) = effect.object, !seen.contains(name) { seen.append(name) }
                }
            }
        }
        return seen
    }

    /// Reads every table's catalog facts in one read-only round trip; then counts each existing
    /// table's rows in a read of its own, bounded by `limit` and the target's statement timeout,
    /// so a slow or locked table costs its own count only. A table the catalog already estimates
    /// past the limit is not scanned at all.
    package static func verify(_ tables: [QualifiedName], session: TargetSession, limit: Int = countLimit) -> [TableVerification] {
        guard !tables.isEmpty else { return [] }
        let names = tables.map { sqlLiteral(Expectations.quoted($0)) }.joined(separator: ", ")
        let facts = try? session.rows("""
            SELECT t.n, c.oid IS NOT NULL, \
            (SELECT pg_catalog.string_agg(a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod), E'\\n' ORDER BY a.attnum) \
             FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped), \
            (SELECT pg_catalog.string_agg(ic.relname::text, E'\\n' ORDER BY ic.relname::text) \
             FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid), \
            c.reltuples::bigint \
            FROM pg_catalog.unnest(ARRAY[\(names)]::text[]) WITH ORDINALITY AS t(name, n) \
            LEFT JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(t.name) ORDER BY t.n
            """)
        return tables.enumerated().map { index, name in
            var result = TableVerification(table: name.description, exists: false, columns: [], indexes: [], rowCount: nil)
            guard let facts else {
                result.rowCount = .notCounted("the catalog could not be read")
                return result
            }
            guard index < facts.count, facts[index][1] == "t" else { return result }
            let row = facts[index]
            result.exists = true
            result.columns = row[2].map { $0.split(separator: "\n").map(String.init) } ?? []
            result.indexes = row[3].map { $0.split(separator: "\n").map(String.init) } ?? []
            let estimate = row[4].flatMap { Int64($0) }
            if let estimate, estimate > Int64(limit) {
                result.rowCount = .estimated(limit: limit, estimate: estimate)
                return result
            }
            do {
                let quoted = Expectations.quoted(name)
                let counted = try session.rows("SELECT count(*) FROM (SELECT 1 FROM \(quoted) LIMIT \(limit + 1)) s").first?.first ?? nil
                guard let counted, let count = Int(counted) else {
                    result.rowCount = .notCounted("no count came back")
                    return result
                }
                result.rowCount = count > limit ? .estimated(limit: limit, estimate: estimate.flatMap { $0 > 0 ? $0 : nil }) : .counted(count)
            } catch let error as GitGateError {
                result.rowCount = .notCounted(error.message)
            } catch {
                result.rowCount = .notCounted("\(error)")
            }
            return result
        }
    }

    /// The tables a branch creates, as one target has them.
    public struct OnTarget: Sendable {
        public var target: String
        public var tables: [TableVerification]
        /// Why the target was not read; nil when it was.
        public var error: String?
    }

    /// `gitgate status --verbose`: each table the report's migrations create, on every target
    /// whose check answered (one that could not be checked is not asked again). Read-only.
    public static func verify(_ report: StatusReport, at path: String,
                              environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [OnTarget] {
        let names = tables(in: report.inspection.migrations)
        guard !names.isEmpty else { return [] }
        let configuration = try Inspector(at: path).configuration
        return report.checks.compactMap { check -> OnTarget? in
            guard case .success = check.outcome, let target = configuration.targets.first(where: { $0.name == check.target }) else { return nil }
            do {
                let session = try TargetSession(target, readOnly: true, environment: environment)
                return OnTarget(target: target.name, tables: verify(names, session: session), error: nil)
            } catch let error as GitGateError {
                return OnTarget(target: target.name, tables: [], error: error.message)
            } catch {
                return OnTarget(target: target.name, tables: [], error: "\(error)")
            }
        }
    }
}
