import Testing
import SQL

private func effects(_ sql: String) throws -> [Effect] {
    try SQLScript.parse(sql).statements.flatMap(\.effects)
}

private func name(_ name: String, in schema: String? = nil) -> QualifiedName {
    QualifiedName(schema: schema, name: name)
}

@Suite struct EffectTests {
    struct Example: CustomTestStringConvertible, Sendable {
        var sql: String
        var effects: [Effect]
        init(_ sql: String, _ effects: Effect...) {
            self.sql = sql
            self.effects = effects
        }
        var testDescription: String { sql }
    }

    @Test(arguments: [
        Example("CREATE SCHEMA app", Effect(.create, .schema("app"))),
        Example("CREATE SCHEMA IF NOT EXISTS app", Effect(.createIfNotExists, .schema("app"))),
        Example("CREATE SCHEMA AUTHORIZATION joe", Effect(.create, .schema("joe"))),
        Example("CREATE SCHEMA s CREATE TABLE t (id int) CREATE VIEW v AS SELECT 1",
                Effect(.create, .schema("s")),
                Effect(.create, .table(name("t", in: "s")), detail: .table(TableDefinition(columns: [
                    ColumnDefinition(name: "id", type: TypeName(schema: "pg_catalog", name: "int4")),
                ]))),
                Effect(.create, .view(name("v", in: "s")))),
        Example("CREATE TABLE app.t AS SELECT 1 AS a", Effect(.create, .table(name("t", in: "app")))),
        Example("CREATE TEMP TABLE t AS SELECT 1", Effect(.create, .table(name("t")), temporary: true)),
        Example("SELECT * INTO copy FROM t", Effect(.create, .table(name("copy")))),
        Example("CREATE OR REPLACE VIEW v AS SELECT 1", Effect(.createOrReplace, .view(name("v")))),
        Example("CREATE VIEW s.v AS SELECT 1", Effect(.create, .view(name("v", in: "s")))),
        Example("CREATE MATERIALIZED VIEW IF NOT EXISTS mv AS SELECT 1",
                Effect(.createIfNotExists, .materializedView(name("mv")))),
        Example("CREATE SEQUENCE IF NOT EXISTS s.seq", Effect(.createIfNotExists, .sequence(name("seq", in: "s")))),
        Example("ALTER SEQUENCE seq RESTART", Effect(.alter, .sequence(name("seq")))),
        Example("CREATE TYPE mood AS ENUM ('sad', 'ok')", Effect(.create, .type(name("mood")), detail: .enumValues(["sad", "ok"]))),
        Example("ALTER TYPE mood ADD VALUE IF NOT EXISTS 'happy' AFTER 'ok'",
                Effect(.alter, .type(name("mood")), detail: .addEnumValue("happy", ifNotExists: true))),
        Example("ALTER TYPE mood RENAME VALUE 'sad' TO 'blue'",
                Effect(.alter, .type(name("mood")), detail: .renameEnumValue(from: "sad", to: "blue"))),
        Example("CREATE TYPE pair AS (a int, b int)", Effect(.create, .type(name("pair")))),
        Example("CREATE DOMAIN posint AS int CHECK (VALUE > 0)", Effect(.create, .type(name("posint")))),
        Example("CREATE EXTENSION IF NOT EXISTS pgcrypto", Effect(.createIfNotExists, .extension("pgcrypto"))),
        Example("CREATE EXTENSION \"uuid-ossp\"", Effect(.create, .extension("uuid-ossp"))),
        Example("CREATE TRIGGER trg BEFORE INSERT ON s.t FOR EACH ROW EXECUTE FUNCTION f()",
                Effect(.create, .trigger(name: "trg", table: name("t", in: "s")))),
        Example("CREATE OR REPLACE TRIGGER trg AFTER UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()",
                Effect(.createOrReplace, .trigger(name: "trg", table: name("t")))),
        Example("CREATE DATABASE app", Effect(.create, .database("app"))),
        Example("CREATE ROLE reader", Effect(.create, .role("reader"))),
        Example("CREATE POLICY p ON t USING (true)", Effect(.create, .other("policy p on t"))),
    ])
    func creates(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test func createTable() throws {
        let sql = """
            CREATE TABLE IF NOT EXISTS app."Detections" (
              id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
              name varchar(20) NOT NULL DEFAULT 'x',
              owner_id int REFERENCES users (id) ON DELETE CASCADE,
              token uuid DEFAULT gen_random_uuid() UNIQUE,
              seen timestamptz DEFAULT now(),
              tags text[],
              CONSTRAINT detections_fk FOREIGN KEY (name) REFERENCES names NOT VALID,
              CHECK (id > 0)
            )
            """
        let effect = try #require(try effects(sql).first)
        #expect(effect.action == .createIfNotExists)
        #expect(effect.object == .table(name("Detections", in: "app")))
        guard case .table(let table) = effect.detail else {
            Issue.record("no table definition")
            return
        }
        #expect(table.columns.map(\.name) == ["id", "name", "owner_id", "token", "seen", "tags"])
        #expect(table.columns.map { $0.type?.description } == ["int8", "varchar(20)", "int4", "uuid", "timestamptz", "text[]"])
        #expect(table.columns.map(\.notNull) == [true, true, false, false, false, false])
        #expect(table.columns.map(\.hasDefault) == [false, true, false, true, true, false])
        #expect(table.columns[0].isIdentity)
        #expect(table.columns[1].defaultValue == DefaultValue(isConstant: true, functions: [], volatility: .immutable))
        #expect(table.columns[3].defaultValue?.volatility == .volatile)
        #expect(table.columns[3].isUnique)
        #expect(table.columns[4].defaultValue == DefaultValue(isConstant: false, functions: ["now"], volatility: .stable))
        #expect(table.primaryKey == ["id"])
        #expect(table.foreignKeys == [
            ForeignKey(columns: ["owner_id"], references: name("users"), referencedColumns: ["id"], onDelete: .cascade),
            ForeignKey(name: "detections_fk", columns: ["name"], references: name("names"), notValid: true),
        ])
        #expect(effect.foreignKeys == table.foreignKeys)
        #expect(table.constraints.map(\.kind) == [.foreignKey, .check])
    }

    @Test func foreignKeysOfAddedColumnsAndConstraints() throws {
        let found = try effects("""
            ALTER TABLE t ADD COLUMN owner int REFERENCES users ON DELETE SET NULL, ADD CONSTRAINT k UNIQUE (a) DEFERRABLE;
            ALTER TABLE t ADD FOREIGN KEY (a, b) REFERENCES u (x, y);
            CREATE TABLE n (a int UNIQUE DEFERRABLE, b int CONSTRAINT n_b_check CHECK (b > 0));
            """)
        #expect(found.flatMap(\.foreignKeys) == [
            ForeignKey(columns: ["owner"], references: name("users"), onDelete: .setNull),
            ForeignKey(columns: ["a", "b"], references: name("u"), referencedColumns: ["x", "y"]),
        ])
        guard case .constraint(let unique) = found[1].detail, case .table(let table) = found[3].detail else {
            Issue.record("unexpected details: \(found)")
            return
        }
        #expect(unique.deferrable && unique.kind == .unique && unique.columns == ["a"])
        #expect(table.columns[0].constraints.map(\.deferrable) == [true])
        #expect(table.allConstraints.map(\.name) == [nil, "n_b_check"])
        #expect(found.map(\.creates) == [true, true, true, true])
    }

    @Test(arguments: [
        ("ALTER TABLE t ADD c timestamptz DEFAULT clock_timestamp()", DefaultValue.Volatility.volatile),
        ("ALTER TABLE t ADD c timestamptz DEFAULT CURRENT_TIMESTAMP", .stable),
        ("ALTER TABLE t ADD c bigint DEFAULT nextval('s')", .volatile),
        ("ALTER TABLE t ADD c text DEFAULT my_function()", .unknown),
        ("ALTER TABLE t ADD c text DEFAULT pg_catalog.lower('A')", .immutable),
        ("ALTER TABLE t ADD c int DEFAULT -1", .immutable),
        ("ALTER TABLE t ADD c text[] DEFAULT '{}'::text[]", .immutable),
    ])
    func defaultVolatility(sql: String, volatility: DefaultValue.Volatility) throws {
        guard case .column(let column) = try #require(try effects(sql).first).detail else {
            Issue.record("no column")
            return
        }
        #expect(column.defaultValue?.volatility == volatility)
        #expect(column.defaultValue?.isConstant == (sql.hasSuffix("-1") || sql.hasSuffix("text[]")))
    }

    @Test func createPartitionAndInheritance() throws {
        let found = try effects("""
            CREATE TABLE p (id int, at date) PARTITION BY RANGE (at);
            CREATE TABLE p_2024 PARTITION OF p FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
            CREATE TABLE child (extra int) INHERITS (parent);
            """)
        let tables = found.compactMap { effect -> TableDefinition? in
            if case .table(let table) = effect.detail { return table }
            return nil
        }
        #expect(tables.map(\.isPartitioned) == [true, false, false])
        #expect(tables.map(\.partitionOf) == [nil, name("p"), nil])
        #expect(tables.map(\.inherits) == [[], [], [name("parent")]])
    }

    @Test(arguments: [
        Example("CREATE INDEX ON t (a)",
                Effect(.create, .index(nil, table: name("t")), detail: .index(IndexDefinition(table: name("t"), columns: ["a"])))),
        Example("CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ix ON s.t USING gin (a, lower(b)) WHERE c",
                Effect(.createIfNotExists, .index(name("ix", in: "s"), table: name("t", in: "s")),
                       detail: .index(IndexDefinition(table: name("t", in: "s"), unique: true, concurrently: true, columns: ["a"],
                                                      hasExpressions: true, isPartial: true, method: "gin")),
                       concurrently: true)),
    ])
    func createIndex(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test(arguments: [
        Example("ALTER TABLE t ADD COLUMN IF NOT EXISTS c int NOT NULL DEFAULT 0",
                Effect(.createIfNotExists, .column(table: name("t"), name: "c"), detail: .column(ColumnDefinition(
                    name: "c", type: TypeName(schema: "pg_catalog", name: "int4"), notNull: true,
                    defaultValue: DefaultValue(isConstant: true, functions: [], volatility: .immutable))))),
        Example("ALTER TABLE t ADD c uuid DEFAULT uuid_generate_v4()",
                Effect(.create, .column(table: name("t"), name: "c"), detail: .column(ColumnDefinition(
                    name: "c", type: TypeName(name: "uuid"),
                    defaultValue: DefaultValue(isConstant: false, functions: ["uuid_generate_v4"], volatility: .volatile))))),
        Example("ALTER TABLE IF EXISTS s.t DROP COLUMN IF EXISTS c CASCADE",
                Effect(.drop, .column(table: name("t", in: "s"), name: "c"), ifExists: true, cascade: true)),
        Example("ALTER TABLE t DROP COLUMN c",
                Effect(.drop, .column(table: name("t"), name: "c"))),
        Example("ALTER TABLE t ALTER COLUMN c TYPE bigint USING c::bigint",
                Effect(.alter, .column(table: name("t"), name: "c"),
                       detail: .columnChange(.type(TypeName(schema: "pg_catalog", name: "int8"), using: true)))),
        Example("ALTER TABLE t ALTER c SET DATA TYPE text",
                Effect(.alter, .column(table: name("t"), name: "c"), detail: .columnChange(.type(TypeName(name: "text"), using: false)))),
        Example("ALTER TABLE t ALTER COLUMN c SET NOT NULL, ALTER COLUMN d DROP NOT NULL",
                Effect(.alter, .column(table: name("t"), name: "c"), detail: .columnChange(.setNotNull)),
                Effect(.alter, .column(table: name("t"), name: "d"), detail: .columnChange(.dropNotNull))),
        Example("ALTER TABLE t ALTER COLUMN c SET DEFAULT 5, ALTER COLUMN d DROP DEFAULT",
                Effect(.alter, .column(table: name("t"), name: "c"),
                       detail: .columnChange(.setDefault(DefaultValue(isConstant: true, functions: [], volatility: .immutable)))),
                Effect(.alter, .column(table: name("t"), name: "d"), detail: .columnChange(.dropDefault))),
        Example("ALTER TABLE t ADD CONSTRAINT t_fk FOREIGN KEY (a) REFERENCES s.u (id) NOT VALID",
                Effect(.create, .constraint(table: name("t"), name: "t_fk"), detail: .constraint(ConstraintDefinition(
                    name: "t_fk", kind: .foreignKey, columns: ["a"], notValid: true,
                    foreignKey: ForeignKey(name: "t_fk", columns: ["a"], references: name("u", in: "s"),
                                           referencedColumns: ["id"], notValid: true))))),
        Example("ALTER TABLE t ADD CONSTRAINT t_a_key UNIQUE USING INDEX t_a_idx",
                Effect(.create, .constraint(table: name("t"), name: "t_a_key"), detail: .constraint(ConstraintDefinition(
                    name: "t_a_key", kind: .unique, usingIndex: "t_a_idx")))),
        Example("ALTER TABLE t ADD PRIMARY KEY (a, b)",
                Effect(.create, .constraint(table: name("t"), name: nil), detail: .constraint(ConstraintDefinition(
                    name: nil, kind: .primaryKey, columns: ["a", "b"])))),
        Example("ALTER TABLE t VALIDATE CONSTRAINT t_fk",
                Effect(.alter, .constraint(table: name("t"), name: "t_fk"), detail: .validateConstraint)),
        Example("ALTER TABLE t DROP CONSTRAINT IF EXISTS t_fk",
                Effect(.drop, .constraint(table: name("t"), name: "t_fk"), ifExists: true)),
        Example("ALTER TABLE t RENAME TO u", Effect(.rename(to: "u"), .table(name("t")))),
        Example("ALTER TABLE s.t RENAME COLUMN a TO b", Effect(.rename(to: "b"), .column(table: name("t", in: "s"), name: "a"))),
        Example("ALTER TABLE t RENAME CONSTRAINT c TO d", Effect(.rename(to: "d"), .constraint(table: name("t"), name: "c"))),
        Example("ALTER INDEX IF EXISTS i RENAME TO j", Effect(.rename(to: "j"), .index(name("i"), table: nil), ifExists: true)),
        Example("ALTER SCHEMA s RENAME TO r", Effect(.rename(to: "r"), .schema("s"))),
        Example("ALTER TYPE mood RENAME TO feeling", Effect(.rename(to: "feeling"), .type(name("mood")))),
        Example("ALTER TABLE t SET SCHEMA archive", Effect(.alter, .table(name("t")), detail: .setSchema("archive"))),
        Example("ALTER TABLE t SET TABLESPACE fast",
                Effect(.alter, .table(name("t")), detail: .tableCommand("SetTableSpace"))),
        Example("ALTER TABLE t ALTER COLUMN c SET STATISTICS 100",
                Effect(.alter, .column(table: name("t"), name: "c"), detail: .tableCommand("SetStatistics"))),
        Example("ALTER TABLE p DETACH PARTITION c CONCURRENTLY",
                Effect(.alter, .table(name("p")), detail: .tableCommand("DetachPartition"), concurrently: true)),
        Example("ALTER INDEX i SET TABLESPACE fast",
                Effect(.alter, .index(name("i"), table: nil), detail: .tableCommand("SetTableSpace"))),
    ])
    func alters(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test(arguments: [
        Example("DROP TABLE IF EXISTS a, s.b CASCADE",
                Effect(.drop, .table(name("a")), ifExists: true, cascade: true),
                Effect(.drop, .table(name("b", in: "s")), ifExists: true, cascade: true)),
        Example("DROP SCHEMA app", Effect(.drop, .schema("app"))),
        Example("DROP VIEW v", Effect(.drop, .view(name("v")))),
        Example("DROP MATERIALIZED VIEW mv", Effect(.drop, .materializedView(name("mv")))),
        Example("DROP INDEX CONCURRENTLY IF EXISTS s.i",
                Effect(.drop, .index(name("i", in: "s"), table: nil), ifExists: true, concurrently: true)),
        Example("DROP TYPE mood", Effect(.drop, .type(name("mood")))),
        Example("DROP DOMAIN posint", Effect(.drop, .type(name("posint")))),
        Example("DROP SEQUENCE seq", Effect(.drop, .sequence(name("seq")))),
        Example("DROP FUNCTION s.f(int, text[]), g",
                Effect(.drop, .function(name("f", in: "s"), arguments: ["pg_catalog.int4", "text[]"])),
                Effect(.drop, .function(name("g"), arguments: nil))),
        Example("DROP PROCEDURE p()", Effect(.drop, .function(name("p"), arguments: []))),
        Example("DROP EXTENSION pgcrypto", Effect(.drop, .extension("pgcrypto"))),
        Example("DROP TRIGGER trg ON s.t", Effect(.drop, .trigger(name: "trg", table: name("t", in: "s")))),
        Example("DROP DATABASE IF EXISTS app", Effect(.drop, .database("app"), ifExists: true)),
        Example("DROP ROLE reader", Effect(.drop, .role("reader"))),
        Example("DROP POLICY p ON t", Effect(.drop, .other("policy p on t"))),
        Example("DROP RULE r ON s.t", Effect(.drop, .other("rule r on s.t"))),
        Example("DROP COLLATION c", Effect(.drop, .other("collation c"))),
        Example("TRUNCATE a, s.b CASCADE",
                Effect(.truncate, .table(name("a")), cascade: true), Effect(.truncate, .table(name("b", in: "s")), cascade: true)),
        Example("TRUNCATE TABLE a", Effect(.truncate, .table(name("a")))),
    ])
    func drops(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test(arguments: [
        Example("DELETE FROM t", Effect(.deleteRows(whereClause: false), .table(name("t")))),
        Example("DELETE FROM t WHERE id = 1", Effect(.deleteRows(whereClause: true), .table(name("t")))),
        Example("DELETE FROM t USING u", Effect(.deleteRows(whereClause: false), .table(name("t")))),
        Example("UPDATE s.t SET a = 1", Effect(.updateRows(whereClause: false), .table(name("t", in: "s")))),
        Example("UPDATE t SET a = 1 WHERE b", Effect(.updateRows(whereClause: true), .table(name("t")))),
        Example("INSERT INTO t (a) VALUES (1), (2)", Effect(.insertRows, .table(name("t")),
                detail: .rows(InsertedRows(columns: ["a"], rows: [[.number("1")], [.number("2")]])))),
        Example("INSERT INTO t (a, b, c, d, e) VALUES ('x', NULL, '2'::int, DEFAULT, now()) ON CONFLICT DO NOTHING",
                Effect(.insertRows, .table(name("t")), detail: .rows(InsertedRows(
                    columns: ["a", "b", "c", "d", "e"], rows: [[.string("x"), .null, .string("2"), nil, nil]], onConflict: true)))),
        Example("INSERT INTO t VALUES (true, -1.5, '')", Effect(.insertRows, .table(name("t")),
                detail: .rows(InsertedRows(columns: nil, rows: [[.boolean(true), .number("-1.5"), .string("")]])))),
        Example("INSERT INTO t SELECT * FROM u ON CONFLICT DO NOTHING", Effect(.insertRows, .table(name("t")))),
        Example("WITH gone AS (DELETE FROM old RETURNING *) INSERT INTO archive SELECT * FROM gone",
                Effect(.insertRows, .table(name("archive"))), Effect(.deleteRows(whereClause: false), .table(name("old")))),
        Example("WITH d AS (DELETE FROM x WHERE id < 10 RETURNING id) UPDATE y SET a = 1",
                Effect(.updateRows(whereClause: false), .table(name("y"))), Effect(.deleteRows(whereClause: true), .table(name("x")))),
        Example("WITH u AS (UPDATE t SET a = 2 RETURNING *) SELECT count(*) FROM u",
                Effect(.updateRows(whereClause: false), .table(name("t")))),
        Example("MERGE INTO t USING s ON t.id = s.id WHEN MATCHED THEN DELETE WHEN NOT MATCHED THEN INSERT VALUES (s.id)",
                Effect(.deleteRows(whereClause: true), .table(name("t"))), Effect(.insertRows, .table(name("t")))),
        Example("COPY t FROM STDIN", Effect(.insertRows, .table(name("t")))),
        Example("COPY t TO STDOUT"),
        Example("EXPLAIN ANALYZE DELETE FROM t", Effect(.deleteRows(whereClause: false), .table(name("t")))),
        Example("EXPLAIN DELETE FROM t"),
        Example("SELECT * FROM t WHERE a = 'DELETE FROM t'"),
    ])
    func rows(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test(arguments: [
        Example("COMMENT ON TABLE s.t IS 'Detections'", Effect(.comment, .table(name("t", in: "s")), detail: .comment("Detections"))),
        Example("COMMENT ON COLUMN s.t.c IS 'when'", Effect(.comment, .column(table: name("t", in: "s"), name: "c"), detail: .comment("when"))),
        Example("COMMENT ON COLUMN t.c IS NULL", Effect(.comment, .column(table: name("t"), name: "c"), detail: .comment(nil))),
        Example("COMMENT ON SCHEMA app IS 'x'", Effect(.comment, .schema("app"), detail: .comment("x"))),
        Example("COMMENT ON INDEX i IS 'x'", Effect(.comment, .index(name("i"), table: nil), detail: .comment("x"))),
        Example("COMMENT ON CONSTRAINT c ON t IS 'x'", Effect(.comment, .constraint(table: name("t"), name: "c"), detail: .comment("x"))),
        Example("COMMENT ON FUNCTION f(int) IS 'x'",
                Effect(.comment, .function(name("f"), arguments: ["pg_catalog.int4"]), detail: .comment("x"))),
        Example("COMMENT ON TYPE mood IS 'x'", Effect(.comment, .type(name("mood")), detail: .comment("x"))),
        Example("COMMENT ON VIEW v IS 'x'", Effect(.comment, .view(name("v")), detail: .comment("x"))),
        Example("COMMENT ON TRIGGER trg ON t IS 'x'", Effect(.comment, .trigger(name: "trg", table: name("t")), detail: .comment("x"))),
    ])
    func comments(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test(arguments: [
        Example("GRANT SELECT, INSERT ON TABLE t, s.u TO joe, PUBLIC",
                Effect(.grant, .table(name("t")), detail: .privileges(["select", "insert"], grantees: ["joe", "public"])),
                Effect(.grant, .table(name("u", in: "s")), detail: .privileges(["select", "insert"], grantees: ["joe", "public"]))),
        Example("REVOKE ALL ON SCHEMA s FROM joe", Effect(.revoke, .schema("s"), detail: .privileges([], grantees: ["joe"]))),
        Example("GRANT USAGE ON SEQUENCE seq TO app", Effect(.grant, .sequence(name("seq")), detail: .privileges(["usage"], grantees: ["app"]))),
        Example("GRANT EXECUTE ON FUNCTION f(int) TO app",
                Effect(.grant, .function(name("f"), arguments: ["pg_catalog.int4"]), detail: .privileges(["execute"], grantees: ["app"]))),
        Example("GRANT SELECT ON ALL TABLES IN SCHEMA s TO r",
                Effect(.grant, .other("all tables in schema s"), detail: .privileges(["select"], grantees: ["r"]))),
        Example("GRANT admin TO joe", Effect(.grant, .role("admin"), detail: .privileges([], grantees: ["joe"]))),
        Example("GRANT SELECT (a, b), UPDATE ON t TO joe",
                Effect(.grant, .table(name("t")), detail: .privileges(["select (a, b)", "update"], grantees: ["joe"]))),
    ])
    func grants(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test(arguments: [
        Example("CREATE FUNCTION s.f(a int, OUT b text, VARIADIC c text[]) RETURNS record LANGUAGE sql AS 'select 1'",
                Effect(.create, .function(name("f", in: "s"), arguments: ["pg_catalog.int4", "text[]"]),
                       detail: .routine(language: "sql", isProcedure: false, body: "select 1"))),
        Example("CREATE OR REPLACE FUNCTION f() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN DROP TABLE x; RETURN NEW; END $$",
                Effect(.createOrReplace, .function(name("f"), arguments: []), detail: .routine(language: "plpgsql", isProcedure: false,
                                                                                           body: " BEGIN DROP TABLE x; RETURN NEW; END "))),
        Example("CREATE PROCEDURE p(x int) LANGUAGE sql BEGIN ATOMIC DELETE FROM t; TRUNCATE u; END",
                Effect(.create, .function(name("p"), arguments: ["pg_catalog.int4"]), detail: .routine(language: "sql", isProcedure: true))),
        Example("CREATE AGGREGATE agg (int) (SFUNC = f, STYPE = int)", Effect(.create, .function(name("agg"), arguments: nil))),
        Example("CREATE RULE r AS ON INSERT TO t DO INSTEAD DELETE FROM u", Effect(.create, .other("rule r on t"))),
        Example("DO $$ BEGIN DROP TABLE users; END $$"),
        Example("DO LANGUAGE plpgsql 'BEGIN TRUNCATE users; END'"),
        Example("SELECT 'DROP TABLE users'; -- DROP TABLE users\n/* DROP TABLE users; */ SELECT $x$ DROP TABLE users $x$"),
        Example("SET lock_timeout = '5s'"),
        Example("BEGIN"),
    ])
    func codeAndTextAreNotEffects(_ example: Example) throws {
        #expect(try effects(example.sql) == example.effects)
    }

    @Test func dropTableHiddenInTextIsNotDestructive() throws {
        let script = try SQLScript.parse("""
            -- DROP TABLE users;
            /* DROP TABLE users; /* nested DROP TABLE users; */ */
            INSERT INTO notes (body) VALUES ('DROP TABLE users;');
            INSERT INTO notes (body) VALUES (E'it''s \\'; DROP TABLE users; --');
            CREATE FUNCTION cleanup() RETURNS void LANGUAGE plpgsql AS $fn$
            BEGIN
              EXECUTE 'DROP TABLE users';
              DROP TABLE users;
            END
            $fn$;
            CREATE TABLE "DROP TABLE users" (id int);
            """)
        #expect(script.statements.map(\.kind) == ["InsertStmt", "InsertStmt", "CreateFunctionStmt", "CreateStmt"])
        let drops = script.statements.flatMap(\.effects).filter { $0.action == .drop }
        #expect(drops.isEmpty)
    }

    @Test func alterDatabaseObjectDescriptions() {
        #expect(DatabaseObject.table(name("Detections", in: "app")).description == #"table app."Detections""#)
        #expect(DatabaseObject.column(table: name("t"), name: "c").description == "column t.c")
        #expect(DatabaseObject.index(nil, table: name("t")).description == "index on t")
        #expect(DatabaseObject.function(name("f"), arguments: ["pg_catalog.int4"]).description == "function f(pg_catalog.int4)")
        #expect(TypeName(schema: "pg_catalog", name: "numeric", modifiers: ["10", "2"], isArray: true).description == "numeric(10,2)[]")
        #expect(QualifiedName(name: "a\"b").description == #""a""b""#)
    }
}
