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
    public var table: String
    public var exists: Bool
    /// `name type`, in column order.
    public var columns: [String]
    public var indexes: [String]
    /// "3 rows", "more than 100000 rows (the catalog estimates 2500000)", or why it was not counted.
    public var rows: String?

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

    /// Reads each table on the session; the count is bounded by `countLimit` and the session's statement timeout.
    package static func verify(_ tables: [QualifiedName], session: TargetSession) -> [TableVerification] {
        tables.map { name in
            let quoted = Expectations.quoted(name)
            let literal = sqlLiteral(quoted)
            var result = TableVerification(table: name.description, exists: false, columns: [], indexes: [], rows: nil)
            guard let found = try? session.rows("SELECT pg_catalog.to_regclass(\(literal)) IS NOT NULL").first?.first, found == "t" else {
                return result
            }
            result.exists = true
            result.columns = ((try? session.rows("""
                SELECT a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod) FROM pg_catalog.pg_attribute a \
                WHERE a.attrelid = pg_catalog.to_regclass(\(literal)) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
                """)) ?? []).compactMap { $0.first ?? nil }
            result.indexes = ((try? session.rows("""
                SELECT c.relname::text FROM pg_catalog.pg_index i JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid \
                WHERE i.indrelid = pg_catalog.to_regclass(\(literal)) ORDER BY 1
                """)) ?? []).compactMap { $0.first ?? nil }
            do {
                let counted = try session.rows("SELECT count(*) FROM (SELECT 1 FROM \(quoted) LIMIT \(countLimit + 1)) s").first?.first ?? nil
                if let counted, let count = Int(counted) {
                    if count > countLimit {
                        let estimate = (try? session.rows("SELECT reltuples::bigint FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(\(literal))").first?.first) ?? nil
                        result.rows = "more than \(countLimit) rows" + (estimate.map { " (the catalog estimates \($0))" } ?? "")
                    } else {
                        result.rows = "\(count) row\(count == 1 ? "" : "s")"
                    }
                }
            } catch let error as GitGateError {
                result.rows = "not counted: \(error.message)"
            } catch {
                result.rows = "not counted"
            }
            return result
        }
    }
}
