import GitGateConfig
import GitGateLint
import GitGateMigrations

/// The catalog half of the check: one query that answers every probe, sent in the same round
/// trip as the ledger query. Read-only: it only calls catalog lookups, and reads the tables an
/// INSERT of literal rows wrote (through query_to_xml, a SELECT by key). An INVALID index (a
/// failed CREATE INDEX CONCURRENTLY) does not count as present.
package enum Catalog {
    /// What the catalog answered for one probe.
    package struct Answer: Equatable {
        /// nil when the catalog could not decide (a row lookup with no key to look up by).
        package var present: Bool?
        /// What the catalog has instead, where that helps: the column's actual type, rows found.
        package var detail: String?
    }

    package static func query(_ probes: [[Probe]]) -> String {
        let flat = probes.flatMap { $0 }
        guard !flat.isEmpty else { return "SELECT NULL::int AS i, NULL::bool AS present, NULL::text AS detail WHERE false" }
        let kinds = textArray(flat.map(\.kind.rawValue)), names = textArray(flat.map(\.name))
        let members = textArray(flat.map(\.member)), expected = textArray(flat.map(\.expected))
        let extras = textArray(flat.map(\.extra))
        // Every cast of c or d to an array sits in the branch of its kind: CASE evaluates only the
        // branch taken, so a probe of another kind never has its text read as an array. Only the
        // branches of the kinds asked are sent: the server plans each one on every call, and a
        // fresh backend (a fleet's member) loads the caches of each catalog a branch names.
        // `OFFSET 0` in each branch's EXISTS keeps it a lookup by index per probe: without it the
        // planner turns them into hashed subplans that read whole catalogs (every column, every
        // constraint's column list) once per query, a cost that grows with production's catalog,
        // not with the probes (measured: 3× slower for 4,200 probes on a 2,200-table catalog, no
        // faster at 42,000).
        let used = Set(flat.map(\.kind.rawValue))
        let branches = presence.filter { used.contains($0.kind) }.map(\.sql)
        let present = branches.isEmpty ? "NULL::pg_catalog.bool" : "CASE p.kind\n" + branches.joined(separator: "\n") + "\n        END"
        let detail = used.contains(Probe.Kind.rowKeys.rawValue) ? "CASE p.kind WHEN 'row-keys' THEN (\(rowLookup)) END" : "NULL::pg_catalog.text"
        let actualType = !used.contains(Probe.Kind.columnType.rawValue) ? "q.detail" : """
            CASE WHEN q.kind = 'column-type' AND NOT q.present THEN (SELECT pg_catalog.format_type(atttypid, atttypmod)
                      FROM pg_catalog.pg_attribute WHERE attrelid = pg_catalog.to_regclass(q.a) AND attname = q.b AND attnum > 0 AND NOT attisdropped)
                      ELSE q.detail END
            """
        return """
        SELECT q.i - 1, CASE WHEN q.kind = 'row-keys' THEN pg_catalog.split_part(q.detail, '/', 1) = pg_catalog.split_part(q.detail, '/', 2)
          ELSE q.present END, \(actualType)
        FROM (SELECT p.i, p.kind, p.a, p.b, \(present) AS present, \(detail) AS detail
        FROM ROWS FROM (pg_catalog.unnest(\(kinds)::pg_catalog.text[]), pg_catalog.unnest(\(names)::pg_catalog.text[]),
                        pg_catalog.unnest(\(members)::pg_catalog.text[]), pg_catalog.unnest(\(expected)::pg_catalog.text[]),
                        pg_catalog.unnest(\(extras)::pg_catalog.text[])) WITH ORDINALITY AS p(kind, a, b, c, d, i)) q
        ORDER BY q.i
        """
    }

    /// Per probe kind, its branch of the `present` CASE: whether the catalog has what the probe expects.
    private static let presence: [(kind: String, sql: String)] = [
        ("schema", """
                  WHEN 'schema' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = p.a OFFSET 0)
            """),
        ("relation", """
                  WHEN 'relation' THEN pg_catalog.to_regclass(p.a) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index
                    WHERE indexrelid = pg_catalog.to_regclass(p.a) AND NOT indisvalid OFFSET 0)
            """),
        ("type", """
                  WHEN 'type' THEN pg_catalog.to_regtype(p.a) IS NOT NULL
            """),
        ("column", """
                  WHEN 'column' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                    WHERE attrelid = pg_catalog.to_regclass(p.a) AND attname = p.b AND attnum > 0 AND NOT attisdropped OFFSET 0)
            """),
        ("constraint", """
                  WHEN 'constraint' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid = pg_catalog.to_regclass(p.a) AND conname = p.b OFFSET 0)
            """),
        ("foreign-key", """
                  WHEN 'foreign-key' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid = pg_catalog.to_regclass(p.a) AND contype = 'f' AND confrelid = pg_catalog.to_regclass(p.b) OFFSET 0)
            """),
        ("procedure", """
                  WHEN 'procedure' THEN pg_catalog.to_regprocedure(p.a) IS NOT NULL
            """),
        ("function", """
                  WHEN 'function' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_proc f
                    WHERE f.proname = p.b AND (CASE WHEN p.a = '' THEN pg_catalog.pg_function_is_visible(f.oid)
                      ELSE f.pronamespace = (SELECT oid FROM pg_catalog.pg_namespace WHERE nspname = p.a) END) OFFSET 0)
            """),
        ("extension", """
                  WHEN 'extension' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_extension WHERE extname = p.a OFFSET 0)
            """),
        ("trigger", """
                  WHEN 'trigger' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                    WHERE tgrelid = pg_catalog.to_regclass(p.a) AND tgname = p.b OFFSET 0)
            """),
        ("enum-value", """
                  WHEN 'enum-value' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_enum
                    WHERE enumtypid = pg_catalog.to_regtype(p.a) AND enumlabel = p.b OFFSET 0)
            """),
        ("column-type", """
                  WHEN 'column-type' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                    WHERE attrelid = pg_catalog.to_regclass(p.a) AND attname = p.b AND attnum > 0 AND NOT attisdropped
                      AND atttypid = pg_catalog.to_regtype(p.c) AND (p.d IS NULL OR atttypmod = p.d::pg_catalog.int4) OFFSET 0)
            """),
        ("column-not-null", """
                  WHEN 'column-not-null' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                    WHERE attrelid = pg_catalog.to_regclass(p.a) AND attname = p.b AND attnum > 0 AND NOT attisdropped
                      AND attnotnull = (p.c = 't') OFFSET 0)
            """),
        ("column-default", """
                  WHEN 'column-default' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                    WHERE attrelid = pg_catalog.to_regclass(p.a) AND attname = p.b AND attnum > 0 AND NOT attisdropped
                      AND atthasdef = (p.c = 't') OFFSET 0)
            """),
        ("constraint-def", """
                  WHEN 'constraint-def' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                    WHERE k.conrelid = pg_catalog.to_regclass(p.a) AND k.conname = p.b AND k.contype = p.c
                      AND (p.d IS NULL OR ARRAY(SELECT t.attname::pg_catalog.text FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(n, o)
                        JOIN pg_catalog.pg_attribute t ON t.attrelid = k.conrelid AND t.attnum = u.n ORDER BY u.o) = p.d::pg_catalog.text[]) OFFSET 0)
            """),
        ("constraint-columns", """
                  WHEN 'constraint-columns' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint k
                    WHERE k.conrelid = pg_catalog.to_regclass(p.a) AND k.contype = p.c
                      AND ARRAY(SELECT t.attname::pg_catalog.text FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(n, o)
                        JOIN pg_catalog.pg_attribute t ON t.attrelid = k.conrelid AND t.attnum = u.n ORDER BY u.o) = p.d::pg_catalog.text[] OFFSET 0)
            """),
        ("constraint-valid", """
                  WHEN 'constraint-valid' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                    WHERE conrelid = pg_catalog.to_regclass(p.a) AND conname = p.b AND convalidated OFFSET 0)
            """),
        ("check-count", """
                  WHEN 'check-count' THEN (SELECT pg_catalog.count(*) FROM pg_catalog.pg_constraint
                    WHERE conrelid = pg_catalog.to_regclass(p.a) AND contype = 'c') >= p.c::pg_catalog.int4
            """),
        ("index-def", """
                  WHEN 'index-def' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_index x
                      JOIN pg_catalog.pg_class c ON c.oid = x.indexrelid JOIN pg_catalog.pg_am m ON m.oid = c.relam
                    WHERE x.indrelid = pg_catalog.to_regclass(p.b) AND (p.a = '' OR x.indexrelid = pg_catalog.to_regclass(p.a))
                      AND x.indisvalid AND x.indisunique = (pg_catalog.split_part(p.c, ' ', 1) = 't')
                      AND m.amname = pg_catalog.split_part(p.c, ' ', 2)
                      AND (x.indpred IS NOT NULL) = (pg_catalog.split_part(p.c, ' ', 3) = 't')
                      AND (p.d IS NULL OR ARRAY(SELECT t.attname::pg_catalog.text
                        FROM pg_catalog.unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY AS u(n, o)
                        LEFT JOIN pg_catalog.pg_attribute t ON t.attrelid = x.indrelid AND t.attnum = u.n
                        WHERE u.o <= x.indnkeyatts ORDER BY u.o) = p.d::pg_catalog.text[]) OFFSET 0)
            """),
        ("comment", """
                  WHEN 'comment' THEN CASE p.d
                    WHEN 'relation' THEN pg_catalog.to_regclass(p.a) IS NOT NULL
                      AND pg_catalog.obj_description(pg_catalog.to_regclass(p.a), 'pg_class') IS NOT DISTINCT FROM p.c
                    WHEN 'column' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_attribute
                      WHERE attrelid = pg_catalog.to_regclass(p.a) AND attname = p.b AND attnum > 0 AND NOT attisdropped
                        AND pg_catalog.col_description(attrelid, attnum) IS NOT DISTINCT FROM p.c OFFSET 0)
                    WHEN 'schema' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_namespace
                      WHERE nspname = p.a AND pg_catalog.obj_description(oid, 'pg_namespace') IS NOT DISTINCT FROM p.c OFFSET 0)
                    WHEN 'type' THEN pg_catalog.to_regtype(p.a) IS NOT NULL
                      AND pg_catalog.obj_description(pg_catalog.to_regtype(p.a), 'pg_type') IS NOT DISTINCT FROM p.c
                    WHEN 'procedure' THEN pg_catalog.to_regprocedure(p.a) IS NOT NULL
                      AND pg_catalog.obj_description(pg_catalog.to_regprocedure(p.a), 'pg_proc') IS NOT DISTINCT FROM p.c
                    WHEN 'extension' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_extension
                      WHERE extname = p.a AND pg_catalog.obj_description(oid, 'pg_extension') IS NOT DISTINCT FROM p.c OFFSET 0)
                    WHEN 'constraint' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_constraint
                      WHERE conrelid = pg_catalog.to_regclass(p.a) AND conname = p.b
                        AND pg_catalog.obj_description(oid, 'pg_constraint') IS NOT DISTINCT FROM p.c OFFSET 0)
                    WHEN 'trigger' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_trigger
                      WHERE tgrelid = pg_catalog.to_regclass(p.a) AND tgname = p.b
                        AND pg_catalog.obj_description(oid, 'pg_trigger') IS NOT DISTINCT FROM p.c OFFSET 0)
                  END
            """),
        ("table-flag", """
                  WHEN 'table-flag' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(p.a)
                    AND CASE p.c WHEN 'relrowsecurity' THEN relrowsecurity WHEN 'relforcerowsecurity' THEN relforcerowsecurity END = (p.d = 't') OFFSET 0)
            """),
        ("function-body", """
                  WHEN 'function-body' THEN (SELECT prosrc FROM pg_catalog.pg_proc WHERE oid = pg_catalog.to_regprocedure(p.a)) = p.c
            """),
        ("privilege", """
                  WHEN 'privilege' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_roles r WHERE r.rolname = p.b AND CASE p.d
                    WHEN 'table' THEN pg_catalog.to_regclass(p.a) IS NOT NULL
                      AND pg_catalog.has_table_privilege(r.oid, pg_catalog.to_regclass(p.a), p.c)
                    WHEN 'sequence' THEN (SELECT relkind FROM pg_catalog.pg_class WHERE oid = pg_catalog.to_regclass(p.a)) = 'S'
                      AND pg_catalog.has_sequence_privilege(r.oid, pg_catalog.to_regclass(p.a), p.c)
                    WHEN 'schema' THEN EXISTS (SELECT 1 FROM pg_catalog.pg_namespace n
                      WHERE n.nspname = p.a AND pg_catalog.has_schema_privilege(r.oid, n.oid, p.c) OFFSET 0)
                    WHEN 'function' THEN pg_catalog.to_regprocedure(p.a) IS NOT NULL
                      AND pg_catalog.has_function_privilege(r.oid, pg_catalog.to_regprocedure(p.a), p.c)
                  END OFFSET 0)
            """),
        ("enum-labels", """
                  WHEN 'enum-labels' THEN ARRAY(SELECT enumlabel::pg_catalog.text FROM pg_catalog.pg_enum
                    WHERE enumtypid = pg_catalog.to_regtype(p.a) AND enumlabel::pg_catalog.text = ANY (p.d::pg_catalog.text[])
                    ORDER BY enumsortorder) = p.d::pg_catalog.text[]
            """),
    ]

    /// A row-keys probe: a is the table, b its literal columns, c the values row by row, d each
    /// column's literal kind (s, n, b). The server picks the table's primary key (else its
    /// smallest unique key) among those columns, builds `SELECT count(*) … WHERE (key = …) OR …`
    /// and runs it through query_to_xml. A key column whose type takes the literal as written
    /// (text for a string, a number type for a number) is compared as such, so its index serves;
    /// any other is compared as text, which can never fail on a malformed value. The answer is
    /// `found/expected/key columns`, NULL when no key is covered or the table may not be read.
    private static let rowLookup = """
        SELECT (pg_catalog.xpath('/row/n/text()', pg_catalog.query_to_xml(
                  'SELECT pg_catalog.count(*) AS n FROM ' || p.a || ' WHERE ' || w.preds, false, true, '')))[1]::pg_catalog.text
               || '/' || w.expected || '/' || k.keycols
            FROM (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(t.attname), ', ' ORDER BY u.o) AS keycols,
                         pg_catalog.array_agg(cc.n ORDER BY u.o) AS positions,
                         pg_catalog.array_agg(pg_catalog.quote_ident(t.attname)
                           || CASE WHEN ty.typed THEN ' = ' ELSE '::pg_catalog.text = ' END ORDER BY u.o) AS lhs,
                         pg_catalog.array_agg(NOT ty.typed OR cc.kind = 's' ORDER BY u.o) AS quoted
                  FROM (SELECT x.indrelid, x.indkey, x.indnkeyatts FROM pg_catalog.pg_index x
                        WHERE x.indrelid = pg_catalog.to_regclass(p.a) AND x.indisunique AND x.indisvalid
                          AND x.indpred IS NULL AND x.indexprs IS NULL
                          AND pg_catalog.has_table_privilege(x.indrelid, 'SELECT')
                          AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY AS u(n, o)
                            JOIN pg_catalog.pg_attribute t ON t.attrelid = x.indrelid AND t.attnum = u.n
                            WHERE u.o <= x.indnkeyatts AND NOT (t.attname::pg_catalog.text = ANY (p.b::pg_catalog.text[])))
                        ORDER BY x.indisprimary DESC, x.indnkeyatts LIMIT 1) x
                  CROSS JOIN LATERAL pg_catalog.unnest(x.indkey::pg_catalog.int2[]) WITH ORDINALITY AS u(n, o)
                  JOIN pg_catalog.pg_attribute t ON t.attrelid = x.indrelid AND t.attnum = u.n
                  JOIN pg_catalog.pg_type y ON y.oid = t.atttypid
                  JOIN ROWS FROM (pg_catalog.unnest(p.b::pg_catalog.text[]), pg_catalog.unnest(p.d::pg_catalog.text[]))
                    WITH ORDINALITY AS cc(name, kind, n) ON cc.name = t.attname::pg_catalog.text
                  CROSS JOIN LATERAL (SELECT (cc.kind = 's' AND y.typcategory = 'S') OR (cc.kind = 'n' AND y.typcategory = 'N')
                    OR (cc.kind = 'b' AND y.typcategory = 'B') AS typed) ty
                  WHERE u.o <= x.indnkeyatts) k
            CROSS JOIN LATERAL (SELECT pg_catalog.string_agg(DISTINCT r.pred, ' OR ') AS preds,
                                       pg_catalog.count(DISTINCT r.pred) AS expected
                  FROM (SELECT '(' || pg_catalog.string_agg(k.lhs[j.j] || CASE WHEN k.quoted[j.j]
                                 THEN pg_catalog.quote_literal(v.val) ELSE v.val END, ' AND ' ORDER BY j.j) || ')' AS pred
                        FROM pg_catalog.generate_series(0, pg_catalog.cardinality(p.c::pg_catalog.text[])
                               / pg_catalog.cardinality(p.b::pg_catalog.text[]) - 1) AS r(i)
                        CROSS JOIN pg_catalog.generate_series(1, pg_catalog.cardinality(k.positions)) AS j(j)
                        CROSS JOIN LATERAL (SELECT (p.c::pg_catalog.text[])[r.i * pg_catalog.cardinality(p.b::pg_catalog.text[])
                               + k.positions[j.j]] AS val) v
                        GROUP BY r.i) r) w
            WHERE k.keycols IS NOT NULL
        """

    /// `E'{"a","b",NULL}'`: five array literals instead of a VALUES row per probe, which the
    /// server parsed and planned 25× slower (70 ms for 18,700 probes).
    package static func textArray(_ values: [String?]) -> String {
        var body = "{"
        for (index, value) in values.enumerated() {
            if index > 0 { body += "," }
            if let value { body += "\"" + ASCIIEscapes.arrayElement.apply(to: value) + "\"" } else { body += "NULL" }
        }
        return sqlLiteral(body + "}")
    }

    /// Row i answers probe i.
    package static func answers(_ rows: [[String?]]) -> [Int: Answer] {
        var result: [Int: Answer] = [:]
        for row in rows {
            guard let index = row.first.flatMap({ $0 }).flatMap(Int.init) else { continue }
            let present: Bool? = row.count > 1 ? row[1].map { $0 == "t" } : nil
            result[index] = Answer(present: present, detail: row.count > 2 ? row[2] : nil)
        }
        return result
    }
}
