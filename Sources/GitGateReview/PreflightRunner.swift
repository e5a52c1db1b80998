import Foundation
import Postgres
import SQL
import GitGateConfig
import GitGateLint
import GitGateTargets

/// What one preflight learned from production.
package enum PreflightOutcome: Sendable, Hashable {
    /// No row would make the statement fail.
    case clean
    /// Rows that make it fail: how many were found (at most `Preflight.rowLimit`, `bounded` when
    /// there are more), the rows they span for duplicates, and up to three keys, rendered.
    case violations(count: Int, bounded: Bool, rows: Int?, keys: [String])
    /// The table (or the type) is not on the target: the statement meets no rows there.
    case absent
    /// The query ran out of the target's statement timeout (or the server stopped answering).
    case timedOut(ms: Int)
    /// The target's role may not read the table.
    case unreadable(QualifiedName)
    /// The query could not run: why, in PostgreSQL's words.
    case notRun(String)
}

/// Runs each probe as one bounded, read-only query on the target: its own `BEGIN READ ONLY`
/// transaction with the target's statement timeout, a LIMIT on the rows it collects, and the
/// keys of at most three. A timeout or a failure of one probe leaves the others to run.
package struct Preflight: Sendable {
    /// At most this many offending rows are collected (one more says "at least").
    package static let rowLimit = 1000
    /// Keys shown per finding.
    package static let keysShown = 3

    package var target: Target
    package var environment: [String: String]

    /// Each probe's outcome, in order. Throws only when the target cannot be reached.
    package func run(_ probes: [PreflightProbe]) throws -> [PreflightOutcome] {
        guard !probes.isEmpty else { return [] }
        let connection = try TargetConnection.open(target, environment: environment)
        var tables: [QualifiedName] = []
        for probe in probes {
            for table in [probe.kind.table, Self.referenced(probe.kind)].compactMap({ $0 }) where !tables.contains(table) {
                tables.append(table)
            }
        }
        let facts = try catalog(tables, connection)
        return probes.map { probe in
            do {
                return try outcome(probe.kind, facts: facts, connection)
            } catch let error as GitGateError {
                return .notRun(error.message)
            } catch {
                return .notRun("\(error)")
            }
        }
    }

    package struct TableFact {
        package var present: Bool
        /// The primary key's columns, in order; empty when there is none.
        package var key: [String]
    }

    private static func referenced(_ kind: PreflightProbe.Kind) -> QualifiedName? {
        if case .orphans(_, _, let references, _) = kind { return references }
        return nil
    }

    /// Whether each table is there and its primary key: one catalog query for all.
    private func catalog(_ tables: [QualifiedName], _ connection: Connection) throws -> [QualifiedName: TableFact] {
        guard !tables.isEmpty else { return [:] }
        let values = tables.enumerated().map { "(\($0.offset), \(sqlLiteral($0.element.description)))" }.joined(separator: ", ")
        let sql = """
            SELECT p.i, c.oid IS NOT NULL AS present,
              (SELECT pg_catalog.json_agg(a.attname ORDER BY k.n)::text FROM pg_catalog.pg_index x
                 CROSS JOIN LATERAL pg_catalog.unnest(x.indkey) WITH ORDINALITY AS k(attnum, n)
                 JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
               WHERE x.indrelid = c.oid AND x.indisprimary) AS key
            FROM (VALUES \(values)) AS p(i, name)
            LEFT JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(p.name)
            ORDER BY p.i
            """
        let (results, error) = try TargetConnection.read(connection, sql, target: target)
        if let error { throw TargetConnection.describe(error, target: target) }
        guard let result = results.first else { return [:] }
        var facts: [QualifiedName: TableFact] = [:]
        for row in 0..<result.count {
            guard let index = result.int(row: row, column: "i"), tables.indices.contains(index) else { continue }
            let key = result.string(row: row, column: "key").flatMap { Self.strings(json: $0) } ?? []
            facts[tables[index]] = TableFact(present: result.bool(row: row, column: "present") ?? false, key: key)
        }
        return facts
    }

    private func outcome(_ kind: PreflightProbe.Kind, facts: [QualifiedName: TableFact],
                         _ connection: Connection) throws -> PreflightOutcome {
        if let table = kind.table, facts[table]?.present != true { return .absent }
        if let references = Self.referenced(kind), facts[references]?.present != true { return .absent }
        guard let query = try PreflightQuery.sql(for: kind, facts: facts) else { return .absent }
        let (results, error) = try TargetConnection.read(connection, query.sql, target: target)
        if let error {
            switch (error.kind, error.sqlState) {
            case (.timeout, _) where error.sqlState != "55P03":
                return .timedOut(ms: target.statementTimeoutMs)
            case (_, "42501"?):
                return .unreadable(Self.unreadableTable(kind, error: error))
            case (_, "42P01"?), (_, "42704"?), (_, "42703"?):
                // A column (or table) production does not have yet: the files under review add
                // it, so no existing row holds it.
                return .absent
            default:
                return .notRun(error.message + (error.sqlState.map { " [\($0)]" } ?? ""))
            }
        }
        guard let result = results.first, result.count == 1 else { return .notRun("the query returned no row") }
        let count = result.int(row: 0, column: "n") ?? 0
        guard count > 0 else { return .clean }
        let keys = (result.string(row: 0, column: "keys").flatMap(Self.rows(json:)) ?? [])
            .prefix(Self.keysShown)
            .map { Self.render(columns: query.keyColumns, values: $0) }
        return .violations(count: min(count, Self.rowLimit), bounded: count > Self.rowLimit,
                           rows: result.int(row: 0, column: "rows"), keys: keys)
    }

    /// "permission denied for table orders" names the table; a foreign key reads two.
    private static func unreadableTable(_ kind: PreflightProbe.Kind, error: PostgresError) -> QualifiedName {
        if let references = referenced(kind), error.message.hasSuffix(" " + references.name) { return references }
        return kind.table ?? QualifiedName(schema: nil, name: "?")
    }

    private static func strings(json: String) -> [String]? {
        (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [String]
    }

    private static func rows(json: String) -> [[String?]]? {
        guard let rows = (try? JSONSerialization.jsonObject(with: Data(json.utf8))) as? [[Any]] else { return nil }
        return rows.map { $0.map { $0 as? String } }
    }

    /// `id=5`, `(org=1, email='a@example.com')`.
    package static func render(columns: [String], values: [String?]) -> String {
        let pairs = zip(columns, values).map { column, value -> String in
            guard let value else { return "\(sqlIdentifier(column))=NULL" }
            let shown = value.count > 40 ? String(value.prefix(37)) + "…" : value
            let numeric = shown.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil
            return "\(sqlIdentifier(column))=\(numeric ? shown : "'" + shown.replacingOccurrences(of: "'", with: "''") + "'")"
        }
        return pairs.count == 1 ? pairs[0] : "(" + pairs.joined(separator: ", ") + ")"
    }
}

/// The SQL of each probe. Every one answers one row: `n` (offending rows or values found, at
/// most `rowLimit + 1`), `rows` (rows the duplicates span) and `keys` (a JSON array of up to
/// three keys, each an array of text values).
package enum PreflightQuery {
    package struct Query {
        package var sql: String
        /// The columns each key's values belong to.
        package var keyColumns: [String]
    }

    package static func sql(for kind: PreflightProbe.Kind, facts: [QualifiedName: Preflight.TableFact]) throws -> Query? {
        let limit = Preflight.rowLimit + 1
        func column(_ name: String) -> String { "t." + sqlIdentifier(name) }
        // One table, no alias: a CHECK expression may name its columns by the table's name.
        func keyed(_ table: QualifiedName, where condition: String) -> Query {
            // The row's primary key, or its physical address when it has none.
            let key = facts[table]?.key ?? []
            let columns = key.isEmpty ? ["ctid"] : key
            let values = columns.map { "\(sqlIdentifier($0))::text" }.joined(separator: ", ")
            return Query(sql: """
                WITH v AS (SELECT pg_catalog.json_build_array(\(values)) AS k FROM \(table) WHERE \(condition) LIMIT \(limit))
                SELECT (SELECT count(*) FROM v) AS n, NULL::bigint AS rows,
                  (SELECT pg_catalog.json_agg(k) FROM (SELECT k FROM v LIMIT \(Preflight.keysShown)) AS s)::text AS keys
                """, keyColumns: columns)
        }
        switch kind {
        case .duplicates(let table, let columns, _):
            let list = columns.map(column).joined(separator: ", ")
            let present = columns.map { "\(column($0)) IS NOT NULL" }.joined(separator: " AND ")
            let values = columns.map { "\(column($0))::text" }.joined(separator: ", ")
            return Query(sql: """
                WITH v AS (SELECT pg_catalog.json_build_array(\(values)) AS k, count(*) AS c FROM \(table) AS t
                           WHERE \(present) GROUP BY \(list) HAVING count(*) > 1 LIMIT \(limit))
                SELECT (SELECT count(*) FROM v) AS n, (SELECT sum(c) FROM v)::bigint AS rows,
                  (SELECT pg_catalog.json_agg(k) FROM (SELECT k FROM v LIMIT \(Preflight.keysShown)) AS s)::text AS keys
                """, keyColumns: columns)
        case .nulls(let table, let name, _):
            return keyed(table, where: "\(sqlIdentifier(name)) IS NULL")
        case .anyRow(let table, _):
            return keyed(table, where: "true")
        case .orphans(let table, let columns, let references, var referencedColumns):
            if referencedColumns.isEmpty { referencedColumns = facts[references]?.key ?? [] }
            guard referencedColumns.count == columns.count else {
                throw GitGateError(.target, "\(references) has no primary key for the foreign key to reference")
            }
            let present = columns.map { "\(column($0)) IS NOT NULL" }.joined(separator: " AND ")
            let match = zip(columns, referencedColumns).map { "r.\(sqlIdentifier($1)) = \(column($0))" }.joined(separator: " AND ")
            let values = columns.map { "\(column($0))::text" }.joined(separator: ", ")
            return Query(sql: """
                WITH v AS (SELECT pg_catalog.json_build_array(\(values)) AS k FROM \(table) AS t
                           WHERE \(present) AND NOT EXISTS (SELECT 1 FROM \(references) AS r WHERE \(match)) LIMIT \(limit))
                SELECT (SELECT count(*) FROM v) AS n, NULL::bigint AS rows,
                  (SELECT pg_catalog.json_agg(k) FROM (SELECT k FROM v LIMIT \(Preflight.keysShown)) AS s)::text AS keys
                """, keyColumns: columns)
        case .checkViolations(let table, _, let expression):
            // Only an expression that reads as one WHERE clause of one SELECT is sent.
            let condition = "NOT (\(expression))"
            guard let parsed = try? SQLScript.parse("SELECT 1 FROM \(table) WHERE \(condition)"),
                  parsed.statements.count == 1, parsed.statements[0].kind == "SelectStmt" else { return nil }
            return keyed(table, where: condition)
        case .doesNotFit(let table, let name, _, let test):
            let value = sqlIdentifier(name)
            switch test {
            case .length(let length):
                return keyed(table, where: "pg_catalog.char_length(pg_catalog.rtrim(\(value)::text)) > \(length)")
            case .range(let min, let max):
                return keyed(table, where: "\(value)::numeric NOT BETWEEN \(min) AND \(max)")
            case .digits(let precision, let scale):
                return keyed(table, where: "pg_catalog.abs(pg_catalog.round(\(value)::numeric, \(scale))) >= 10::numeric ^ \(precision - scale)")
            }
        case .enumValueExists(let type, let value):
            return Query(sql: """
                SELECT count(*) AS n, NULL::bigint AS rows, NULL::text AS keys FROM pg_catalog.pg_enum e
                WHERE e.enumtypid = pg_catalog.to_regtype(\(sqlLiteral(type.description))) AND e.enumlabel = \(sqlLiteral(value))
                """, keyColumns: [])
        }
    }
}
