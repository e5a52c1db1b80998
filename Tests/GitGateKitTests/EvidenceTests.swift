import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// The proof one statement got on a target, nil when it is not proven.
private func proofs(_ status: TargetStatus, line: Int) -> [Proof]? {
    guard let item = status.evidence.first(where: { $0.line == line }), case .proven(let proofs) = item.status else { return nil }
    return proofs
}

private func reason(_ status: TargetStatus, line: Int) -> UnprovableReason? {
    guard let item = status.evidence.first(where: { $0.line == line }), case .unprovable(let reason) = item.status else { return nil }
    return reason
}

/// One kind of evidence: `base` is what main already made, `sql` the branch's migration (its
/// statement at `line` proven by `proof`), `different` what someone ran by hand instead, and
/// `says` what the pending state must say about the difference.
struct EvidenceCase: Sendable, CustomTestStringConvertible {
    var proof: Proof
    var base: String
    var sql: String
    var line: Int
    var different: String
    var says: String

    var testDescription: String { "\(proof.rawValue): \(says)" }
}

private let evidenceCases: [EvidenceCase] = [
    EvidenceCase(proof: .objectExists, base: "", sql: "CREATE TABLE orders (id int);", line: 1,
                 different: "CREATE TABLE order_items (id int);", says: "table orders does not exist"),
    EvidenceCase(proof: .columnType, base: "", sql: "CREATE TABLE orders (id int, code varchar(20), total numeric(10,2));", line: 1,
                 different: "CREATE TABLE orders (id int, code varchar(30), total numeric(10,2));",
                 says: "column orders.code is not of type varchar(20) (it is character varying(30))"),
    EvidenceCase(proof: .columnType, base: "CREATE TABLE orders (id int);", sql: "ALTER TABLE orders ALTER COLUMN id TYPE bigint;", line: 1,
                 different: "ALTER TABLE orders ALTER COLUMN id TYPE numeric;", says: "column orders.id is not of type int8 (it is numeric)"),
    EvidenceCase(proof: .columnProperty, base: "CREATE TABLE orders (id int);", sql: "ALTER TABLE orders ALTER COLUMN id SET NOT NULL;", line: 1,
                 different: "SELECT 1;", says: "column orders.id is nullable"),
    EvidenceCase(proof: .constraintDefinition, base: "CREATE TABLE orders (id int, code text);",
                 sql: "ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (code);", line: 1,
                 different: "ALTER TABLE orders ADD CONSTRAINT orders_code_key UNIQUE (id);",
                 says: "constraint orders_code_key on orders is not a unique (code)"),
    EvidenceCase(proof: .constraintDefinition, base: "CREATE TABLE orders (id int, code text);",
                 sql: "ALTER TABLE orders ADD PRIMARY KEY (id);", line: 1,
                 different: "ALTER TABLE orders ADD UNIQUE (id);", says: "primary key on orders (id) does not exist"),
    EvidenceCase(proof: .indexDefinition, base: "CREATE TABLE orders (a int, b int);",
                 sql: "CREATE INDEX orders_a_b ON orders (a, b);", line: 1,
                 different: "CREATE INDEX orders_a_b ON orders (b, a);", says: "no valid btree index orders_a_b on orders (a, b)"),
    EvidenceCase(proof: .indexDefinition, base: "CREATE TABLE orders (a int, b int);",
                 sql: "CREATE UNIQUE INDEX ON orders (a) WHERE b > 0;", line: 1,
                 different: "CREATE UNIQUE INDEX ON orders (a);", says: "no valid unique btree index on orders (a) with a WHERE clause"),
    EvidenceCase(proof: .commentText, base: "CREATE TABLE orders (id int);",
                 sql: "COMMENT ON TABLE orders IS 'what customers bought';", line: 1,
                 different: "COMMENT ON TABLE orders IS 'what customers bought!';",
                 says: "the comment on table orders is not 'what customers bought'"),
    EvidenceCase(proof: .commentText, base: "CREATE TABLE orders (id int);",
                 sql: "COMMENT ON COLUMN orders.id IS 'it''s the key';", line: 1,
                 different: "SELECT 1;", says: "the comment on column orders.id is not 'it's the key'"),
    EvidenceCase(proof: .functionBody, base: "",
                 sql: "CREATE OR REPLACE FUNCTION add_one(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 1 $$;", line: 1,
                 different: "CREATE OR REPLACE FUNCTION add_one(x int) RETURNS int LANGUAGE sql AS $$ SELECT x + 2 $$;",
                 says: "function add_one(pg_catalog.int4) has another body than the migration's"),
    EvidenceCase(proof: .privilege, base: "CREATE TABLE orders (id int); CREATE SEQUENCE orders_seq; CREATE SCHEMA reports; DO $$ BEGIN CREATE ROLE evidence_reader; EXCEPTION WHEN duplicate_object THEN NULL; END $$;",
                 sql: "GRANT SELECT, INSERT ON orders TO evidence_reader;\nGRANT USAGE ON SEQUENCE orders_seq TO evidence_reader;\nGRANT USAGE ON SCHEMA reports TO evidence_reader;", line: 1,
                 different: "GRANT SELECT ON orders TO evidence_reader; GRANT USAGE ON SEQUENCE orders_seq TO evidence_reader; GRANT USAGE ON SCHEMA reports TO evidence_reader;",
                 says: "role evidence_reader does not have INSERT on table orders"),
    EvidenceCase(proof: .tableProperty, base: "CREATE TABLE orders (id int);",
                 sql: "ALTER TABLE orders ENABLE ROW LEVEL SECURITY;\nALTER TABLE orders FORCE ROW LEVEL SECURITY;", line: 2,
                 different: "ALTER TABLE orders ENABLE ROW LEVEL SECURITY;", says: "orders does not have row level security forced"),
    EvidenceCase(proof: .enumLabelOrder, base: "", sql: "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');", line: 1,
                 different: "CREATE TYPE mood AS ENUM ('happy', 'ok', 'sad');",
                 says: "type mood does not have the labels 'sad', 'ok', 'happy' in this order"),
]

@Suite struct EvidenceTests {
    /// Applied by hand exactly: the statement is proven that way and the migration passes.
    /// Something else ran instead: pending, saying what differs, and record refuses it.
    @Test(.database, arguments: evidenceCases)
    func eachKindProvesTheRealEffectAndCatchesADifferentOne(_ kase: EvidenceCase) throws {
        let exact = try TestDatabase.make(), other = try TestDatabase.make()
        let file = migration("002", "change", kase.sql)
        for db in [exact, other] where !kase.base.isEmpty { try admin(db).execute(kase.base) }
        try admin(exact).execute(kase.sql)
        try admin(other).execute(kase.different)

        let applied = try #require(try states(exact, [file])["002"])
        #expect(applied.state == .appliedByHand, "\(applied)")
        #expect(proofs(applied, line: kase.line)?.contains(kase.proof) == true, "\(applied.evidence)")

        let pending = try #require(try states(other, [file])["002"])
        #expect(pending.state == .pending, "\(pending)")
        #expect(pending.cause == .missing)
        #expect(pending.detail.contains(kase.says), "\(pending.detail)")
        #expect(pending.evidence.contains { $0.line == kase.line && $0.isMissing }, "\(pending.evidence)")
    }

    @Test("the catalog query carries only the branches of the probes' kinds (each is planned per call, per fleet member) and answers as before", .database)
    func catalogQueryPrunedToItsKinds() throws {
        let conninfo = try TestDatabase.make()
        let connection = try Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try connection.execute("CREATE TABLE widgets (id bigint PRIMARY KEY, note text)")
        let probes = [
            Probe(kind: .relation, name: "public.widgets", member: nil, present: true, label: "table widgets"),
            Probe(kind: .column, name: "public.widgets", member: "note", present: true, label: "column widgets.note"),
            Probe(kind: .column, name: "public.widgets", member: "color", present: true, label: "column widgets.color"),
        ]
        let sql = Catalog.query([probes])
        for absent in ["pg_trigger", "pg_enum", "pg_proc", "pg_extension", "query_to_xml", "format_type"] {
            #expect(!sql.contains(absent), "\(absent) in a query that needs only relations and columns")
        }
        let rows = try connection.query(sql).rows
        #expect(rows.map { $0[1] } == ["t", "t", "f"])
        // With a column-type probe, the actual type comes back for a mismatch.
        let typed = Probe(kind: .columnType, name: "public.widgets", member: "note", expected: "integer", present: true, label: "type")
        let typedSQL = Catalog.query([[typed]])
        #expect(typedSQL.contains("format_type") && !typedSQL.contains("pg_trigger"))
        #expect(try connection.query(typedSQL).rows.first?[2] == "text")
    }

    @Test(.database) func aLaterMigrationOnTheBranchThatChangesATypeOrCommentAgainIsTheOneChecked() throws {
        let db = try TestDatabase.conninfo()
        let first = migration("002", "create", "CREATE TABLE orders (id int);\nCOMMENT ON TABLE orders IS 'first';")
        let second = migration("003", "change", "ALTER TABLE orders ALTER COLUMN id TYPE bigint;\nCOMMENT ON TABLE orders IS 'second';")
        try admin(db).execute(first.sql! + second.sql!)
        let result = try states(db, [first, second])
        #expect(result["002"]?.state == .appliedByHand, "\(String(describing: result["002"]))")
        #expect(result["003"]?.state == .appliedByHand, "\(String(describing: result["003"]))")
        #expect(result["002"]?.evidence.last?.status == .superseded)
    }

    // MARK: Statements the catalog cannot show

    @Test(.database, arguments: [
        ("UPDATE orders SET id = id + 1;", "data-change"),
        ("DELETE FROM orders WHERE id < 0;", "data-change"),
        ("INSERT INTO orders SELECT 1;", "data-change"),
        ("COPY orders FROM '/nonexistent/orders.csv';", "data-change"),
        ("DO $$ BEGIN PERFORM 1; END $$;", "do-block"),
        ("SELECT pg_catalog.setval('orders_seq', 10);", "select"),
        ("ALTER TABLE orders ADD CHECK (id > 0);", "unnamed"),
        ("GRANT SELECT ON orders TO PUBLIC;", "not-compared"),
        ("GRANT SELECT (id) ON orders TO postgres;", "not-compared"),
        ("REVOKE SELECT ON orders FROM postgres;", "not-compared"),
    ])
    func aStatementTheCatalogCannotShowKeepsTheMigrationPending(statement: String, code: String) throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute("CREATE TABLE orders (id int); CREATE SEQUENCE orders_seq;")
        let file = migration("002", "data", "CREATE TABLE audit (id int);\n" + statement)
        try admin(db).execute("CREATE TABLE audit (id int)")
        let status = try #require(try states(db, [file])["002"])
        #expect(status.state == .pending, "\(status)")
        #expect(status.cause == .unprovable)
        #expect(proofs(status, line: 1) == [.objectExists, .columnType], "\(status.evidence)")
        #expect(reason(status, line: 2)?.code == code, "\(status.evidence)")
        #expect(status.detail.contains("line 2"), "\(status.detail)")
    }

    @Test(.database) func settingsAndTransactionControlNeedNoProof() throws {
        let db = try TestDatabase.conninfo()
        let file = migration("002", "create", "BEGIN;\nSET lock_timeout = '1s';\nCREATE TABLE audit (id int);\nCOMMIT;")
        try admin(db).execute("CREATE TABLE audit (id int)")
        let status = try #require(try states(db, [file])["002"])
        #expect(status.state == .appliedByHand, "\(status)")
        #expect(status.evidence.map(\.status) == [.nothingToProve, .nothingToProve, .proven([.objectExists, .columnType]), .nothingToProve])
    }

    // MARK: INSERT … VALUES of literal keys, looked up

    @Test(.database) func literalRowsAreFoundByPrimaryKeyAndAMissingOneIsNamed() throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute("CREATE TABLE countries (code text PRIMARY KEY, name text NOT NULL)")
        // Quotes, braces, commas and backslashes travel through two array literals and query_to_xml.
        let file = migration("002", "seed", """
            INSERT INTO countries (code, name) VALUES ('de', 'Germany'), ('it''s', 'odd'), ('{a,"b"}\\', 'odder')
            ON CONFLICT DO NOTHING;
            """)
        try admin(db).execute(#"INSERT INTO countries VALUES ('de', 'Germany'), ('it''s', 'odd')"#)
        let partial = try #require(try states(db, [file])["002"])
        #expect(partial.state == .pending, "\(partial)")
        #expect(partial.cause == .missing)
        #expect(partial.detail.contains("1 of 3 rows of countries not found by key (code)"), "\(partial.detail)")

        try admin(db).execute(#"INSERT INTO countries VALUES ('{a,"b"}\', 'odder')"#)
        let complete = try #require(try states(db, [file])["002"])
        #expect(complete.state == .appliedByHand, "\(complete)")
        #expect(proofs(complete, line: 1) == [.rowKeys])
    }

    @Test(.database) func aCompositeUniqueKeyOfNumbersAndAUUIDKeyComparedAsText() throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute("""
            CREATE TABLE rates (id serial PRIMARY KEY, region int, tier smallint, price numeric, UNIQUE (region, tier));
            CREATE TABLE tokens (id uuid PRIMARY KEY, label text);
            """)
        let file = migration("002", "seed", """
            INSERT INTO rates (region, tier, price) VALUES (1, 2, 9.5), (1, 3, 12);
            INSERT INTO tokens (id, label) VALUES ('6f1c2a4e-0d2b-4c57-9a43-3f5d0f0b7e11', 'first');
            """)
        #expect(try states(db, [file])["002"]?.state == .pending)
        try admin(db).execute(file.sql!)
        let status = try #require(try states(db, [file])["002"])
        #expect(status.state == .appliedByHand, "\(status)")
        #expect(proofs(status, line: 1) == [.rowKeys] && proofs(status, line: 2) == [.rowKeys], "\(status.evidence)")
    }

    @Test(.database) func rowsThatCannotBeLookedUpAreUnprovable() throws {
        let db = try TestDatabase.conninfo()
        try admin(db).execute("CREATE TABLE notes (body text); CREATE TABLE keyed (id int PRIMARY KEY, body text)")
        let many = (10..<1_011).map { "(\($0), 'x')" }.joined(separator: ", ")
        let file = migration("002", "seed", """
            INSERT INTO notes (body) VALUES ('no key');
            INSERT INTO keyed VALUES (1, 'no column list');
            INSERT INTO keyed (id, body) VALUES (2 + 1, 'an expression');
            INSERT INTO keyed (id, body) VALUES \(many);
            """)
        try admin(db).execute(file.sql!)
        let status = try #require(try states(db, [file])["002"])
        #expect(status.state == .pending, "\(status)")
        #expect(status.cause == .unprovable)
        #expect(reason(status, line: 1) == .noKeyToLookUp)
        #expect(reason(status, line: 2) == .noColumnList)
        #expect(reason(status, line: 3) == .noKeyToLookUp, "\(status.evidence)")
        #expect(reason(status, line: 4) == .tooManyRows(1_001, limit: 1_000))
    }
}

// MARK: record --unverified --reason, and what status shows

@Suite("gitgate record --unverified")
struct RecordUnverifiedTests {
    static let backfill = """
        CREATE TABLE IF NOT EXISTS flags (name text PRIMARY KEY, enabled boolean NOT NULL DEFAULT false);
        UPDATE flags SET enabled = true WHERE name LIKE 'beta%';
        """

    @Test("a data migration run by hand stays pending until recorded with --unverified and a reason", .database)
    func dataMigrationRunByHand() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["002_backfill.sql": Self.backfill])
        try world.connect().execute(Self.backfill)

        let before = try StatusService.report(at: world.worktree, environment: world.environment)
        #expect(before.verdict.decision == .blocked)
        #expect(before.verdict.reasons.contains {
            guard case .notInPlace(_, _, "002", _, .applyOrRecordUnverified(_, let record)) = $0 else { return false }
            return record.contains("--unverified --reason")
        }, "\(before.verdict.reasons)")
        #expect(before.checks.first?.states?["002"]?.cause == .unprovable)

        // apply would run it again: its plan says it may have been run by hand, and how to record it.
        let plan = try world.applier(dryRun: true).plan()
        #expect(plan.items.first?.note?.contains("gitgate record 002 --target production --unverified") == true, "\(plan.items)")

        let recorder = try Recorder(at: world.worktree, target: "production", options: world.options())
        let verified = try #require(throws: GitGateError.self) { try recorder.record(["002"]) }
        #expect(verified.kind == .refused)
        #expect(verified.message.contains("--unverified --reason"), "\(verified.message)")
        let noReason = try #require(throws: GitGateError.self) { try recorder.record(["002"], unverified: true) }
        #expect(noReason.kind == .usage)
        let blank = try #require(throws: GitGateError.self) { try recorder.record(["002"], unverified: true, reason: "  ") }
        #expect(blank.kind == .usage)
        #expect(try world.ledger() == [])

        let outcome = try recorder.record(["002"], unverified: true, reason: "ran it in psql during incident 42")
        #expect(outcome.entries.map(\.recorded) == [true])
        #expect(try world.ledger() == ["002:recorded"])
        #expect(try world.column("SELECT unverified_reason FROM gitgate.migrations") == ["ran it in psql during incident 42"])
        #expect(try world.column("SELECT version FROM gitgate.ledger_schema ORDER BY 1") == LedgerSchema.embedded.map(\.version))

        let after = try StatusService.report(at: world.worktree, environment: world.environment)
        #expect(after.verdict.decision == .ready, "\(after.verdict.reasons)")
    }

    @Test("--unverified still refuses a migration whose objects are missing", .database)
    func unverifiedRefusesMissingObjects() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["002_backfill.sql": Self.backfill])
        let recorder = try Recorder(at: world.worktree, target: nil, options: world.options())
        let error = try #require(throws: GitGateError.self) {
            try recorder.record(["002"], unverified: true, reason: "trust me")
        }
        #expect(error.kind == .refused)
        #expect(error.message.contains("table flags does not exist"), "\(error.message)")
        #expect(try world.ledger() == [])
    }

    @Test("status --verbose lists each statement's evidence; JSON has an evidence array per target", .database)
    func statusShowsEvidence() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: ["002_backfill.sql": Self.backfill])
        try world.connect().execute(Self.backfill)
        let report = try StatusService.report(at: world.worktree, environment: world.environment)

        let text = report.text(style: .plain, verbose: true)
        #expect(text.contains("line 1 CREATE TABLE: proven: object-exists, column-type, constraint-definition"), "\(text)")
        #expect(text.contains("line 2 UPDATE: unprovable: UPDATE changes rows, which the catalog does not show"), "\(text)")
        #expect(!report.text(style: .plain).contains("line 2 UPDATE"))

        let json = try #require(try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any])
        let migration = try #require((json["migrations"] as? [[String: Any]])?.first)
        let production = try #require((migration["targets"] as? [String: Any])?["production"] as? [String: Any])
        #expect(production["state"] as? String == "pending")
        #expect(production["detail"] is String)
        #expect(production["cause"] as? String == "unprovable")
        let evidence = try #require(production["evidence"] as? [[String: Any]])
        #expect(evidence.count == 2)
        #expect(evidence[0]["status"] as? String == "proven")
        #expect(evidence[0]["statement"] as? String == "CREATE TABLE")
        #expect(evidence[1]["line"] as? Int == 2)
        #expect(evidence[1]["status"] as? String == "unprovable")
        #expect(evidence[1]["reason"] as? String == "data-change")
    }
}
