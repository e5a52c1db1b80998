import Foundation
import GitGateKit
import Testing
import TestSupport

@Suite("status --verbose: each new table as the catalog has it")
struct TableVerificationTests {
    @Test("counted up to the limit, past it the catalog's estimate said as such, a locked table only loses its count", .database)
    func tables() throws {
        let world = try ApplyWorld(conninfo: try TestDatabase.conninfo(), branch: [
            "001_tables.sql": "CREATE TABLE big (id int PRIMARY KEY);\nCREATE TABLE small (id int, note text);\nCREATE INDEX small_id_idx ON small (id);\nCREATE TABLE later (id int);\n",
        ])
        try world.apply()
        try world.connect().execute("DROP TABLE later; INSERT INTO big SELECT g FROM generate_series(1, 100005) g; INSERT INTO small VALUES (1, 'a'), (2, 'b')")

        func read() throws -> [TableVerification] {
            let report = try StatusService.report(at: world.worktree, environment: world.environment)
            let targets = try TableVerification.verify(report, at: world.worktree, environment: world.environment)
            #expect(targets.map(\.target) == ["production"])
            #expect(targets.first?.error == nil)
            return targets.first?.tables ?? []
        }

        var tables = try read()
        #expect(tables.map(\.table) == ["big", "small", "later"])
        #expect(tables.map(\.exists) == [true, true, false])
        #expect(tables[0].columns == ["id integer"] && tables[0].indexes == ["big_pkey"])
        #expect(tables[1].columns == ["id integer", "note text"] && tables[1].indexes == ["small_id_idx"])
        // Never analyzed: counted, and the count stops past the limit.
        #expect(tables[0].rowCount == .estimated(limit: 100_000, estimate: nil))
        #expect(tables[0].rows == "more than 100000 rows (not counted further)")
        #expect(tables[1].rowCount == .counted(2))
        #expect(tables[2].rowCount == nil)

        // Analyzed: the estimate is past the limit, and the table is not scanned.
        try world.connect().execute("ANALYZE big")
        // A session holds small's lock: only its count fails, at the target's lock timeout.
        let holder = try world.connect()
        try holder.execute("BEGIN; LOCK TABLE small IN ACCESS EXCLUSIVE MODE")
        tables = try read()
        try holder.execute("ROLLBACK")
        #expect(tables[0].rowCount == .estimated(limit: 100_000, estimate: 100_005))
        #expect(tables[0].rows == "more than 100000 rows (the catalog estimates 100005)")
        #expect(tables[1].columns == ["id integer", "note text"])
        guard case .notCounted(let why)? = tables[1].rowCount else {
            Issue.record("small was counted through its lock: \(String(describing: tables[1].rowCount))")
            return
        }
        #expect(why.contains("lock timeout"), "\(why)")
    }
}
