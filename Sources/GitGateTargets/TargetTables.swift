import Foundation
import Postgres
import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// What a target's catalog says about one table the review asks about.
public struct TableFacts: Sendable, Hashable {
    public var exists: Bool
    /// The planner's row estimate (pg_class.reltuples, summed over partitions); nil when the
    /// table was never analyzed.
    public var rows: Double?
    /// pg_total_relation_size: the table, its indexes and TOAST.
    public var bytes: Int64?

    public init(exists: Bool, rows: Double? = nil, bytes: Int64? = nil) {
        self.exists = exists
        self.rows = rows
        self.bytes = bytes
    }
}

/// The production half of the review: which tables a target has, and how big they are.
/// One read-only query for every table asked about.
package struct TargetTables: Sendable {
    package var target: Target
    package var environment: [String: String]

    package init(target: Target, environment: [String: String]) {
        self.target = target
        self.environment = environment
    }

    package func facts(for tables: [QualifiedName]) throws -> [QualifiedName: TableFacts] {
        guard !tables.isEmpty else { return [:] }
        let connection = try TargetConnection.open(target, environment: environment)
        let (results, error) = try TargetConnection.read(connection, Self.query(tables), target: target)
        if let error { throw TargetConnection.describe(error, target: target) }
        guard let result = results.first else {
            throw GitGateError(.target, "target \(target.name): the table query returned nothing; run gitgate doctor")
        }
        var facts: [QualifiedName: TableFacts] = [:]
        for row in 0..<result.count {
            guard let index = result.int(row: row, column: "i"), tables.indices.contains(index) else { continue }
            facts[tables[index]] = TableFacts(
                exists: result.bool(row: row, column: "present") ?? false,
                rows: result.string(row: row, column: "rows").flatMap(Double.init),
                bytes: result.string(row: row, column: "bytes").flatMap { Int64($0) })
        }
        return facts
    }

    /// to_regclass resolves each name with the session's search_path, as the migration will.
    package static func query(_ tables: [QualifiedName]) -> String {
        let values = tables.enumerated().map { index, table in "(\(index), \(sqlLiteral(table.description)))" }
            .joined(separator: ", ")
        return """
        SELECT p.i, c.oid IS NOT NULL AS present,
          CASE WHEN c.relkind = 'p' THEN
                 (SELECT sum(greatest(child.reltuples, 0)) FROM pg_catalog.pg_inherits h
                  JOIN pg_catalog.pg_class child ON child.oid = h.inhrelid WHERE h.inhparent = c.oid)
               WHEN c.reltuples >= 0 THEN c.reltuples END::float8 AS rows,
          CASE WHEN c.oid IS NOT NULL THEN pg_catalog.pg_total_relation_size(c.oid) END AS bytes
        FROM (VALUES \(values)) AS p(i, name)
        LEFT JOIN pg_catalog.pg_class c ON c.oid = pg_catalog.to_regclass(p.name)
        ORDER BY p.i
        """
    }
}
