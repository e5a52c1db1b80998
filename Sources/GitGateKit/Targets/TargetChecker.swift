import Dispatch
import Foundation
import Postgres
import SQL

/// Asks each target, read-only and in one round trip, what it has of the branch's migrations:
/// its ledger rows and the catalog objects each migration creates. Fails closed: anything that
/// prevents a certain answer is an error for that target, never a pass.
public struct TargetChecker: Sendable {
    public var ledger: LedgerKind
    public var environment: [String: String]

    public init(ledger: LedgerKind, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.ledger = ledger
        self.environment = environment
    }

    /// Checks every target at once, one connection each.
    public func check(_ targets: [Target], migrations: [Migration]) -> [TargetCheck] {
        guard !targets.isEmpty else { return [] }
        return check(targets, migrations: migrations, parsed: ParsedFile.parse(migrations.map(\.contents)))
    }

    /// The same, with each migration already parsed (`parsed[i]` is `migrations[i]`'s file), as
    /// `status` does once for both the review and this check.
    func check(_ targets: [Target], migrations: [Migration], parsed files: [ParsedFile]) -> [TargetCheck] {
        guard !targets.isEmpty else { return [] }
        let effects = files.map(\.effects)
        let probes = Expectations.probes(for: effects)
        let parsed = effects.map { $0 != nil }
        let results = ResultBox(count: targets.count)
        DispatchQueue.concurrentPerform(iterations: targets.count) { index in
            let target = targets[index]
            let outcome: Result<[String: TargetStatus], GitGateError>
            do {
                outcome = .success(try check(target, migrations: migrations, probes: probes, parsed: parsed))
            } catch let error as GitGateError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(GitGateError(.target, "target \(target.name): \(error)"))
            }
            results.set(index, TargetCheck(target: target.name, gate: target.gate, outcome: outcome))
        }
        return results.values
    }

    func check(_ target: Target, migrations: [Migration], probes: [[Probe]], parsed: [Bool]) throws -> [String: TargetStatus] {
        let connection = try TargetConnection.open(target, environment: environment)
        guard !migrations.isEmpty else { return [:] }
        let reader = ledger.format
        var sql = Catalog.query(probes)
        if let ledgerQuery = reader.query(for: migrations) { sql += ";\n" + ledgerQuery }

        // One round trip: BEGIN READ ONLY, the limits, the catalog and ledger queries, COMMIT.
        let (results, error) = try TargetConnection.read(connection, sql, target: target)
        var ledgerRows: [[String?]] = []
        var ledgerNote: String?
        if let error {
            // An absent ledger table or schema means nothing is recorded yet; any other error stops the check.
            let absent = error.sqlState == "42P01" || error.sqlState == "3F000"
            guard absent, results.count == 1 else { throw TargetConnection.describe(error, target: target) }
            ledgerNote = "no ledger table \(reader.tableName)"
        } else if results.count > 1 {
            ledgerRows = results[1].rows
        }
        guard let catalog = results.first else {
            throw GitGateError(.target, "target \(target.name): the catalog check returned nothing; run gitgate doctor")
        }
        let present = Catalog.answers(catalog.rows)
        let entries = reader.entries(rows: ledgerRows, for: migrations)

        var states: [String: TargetStatus] = [:]
        var offset = 0
        for (index, migration) in migrations.enumerated() {
            let mine = probes[index]
            let missing = mine.enumerated().filter { present[offset + $0.offset] != $0.element.present }.map(\.element)
            let creates = mine.contains(where: \.present)
            offset += mine.count
            states[migration.version] = Self.state(entry: entries[migration.version], probes: mine, missing: missing,
                                                   creates: creates, ledger: ledger, ledgerNote: ledgerNote,
                                                   parses: parsed[index])
        }
        return states
    }

    static func state(entry: LedgerEntry?, probes: [Probe], missing: [Probe], creates: Bool, ledger: LedgerKind,
                      ledgerNote: String?, parses: Bool) -> TargetStatus {
        // A missing table explains its missing columns and constraints: name the table only.
        let missingRelations = Set(missing.filter { $0.kind == .relation && $0.present }.map(\.name))
        let shown = missing.filter { $0.kind == .relation || !missingRelations.contains($0.name) }
        let missingText = shown.prefix(3).map { $0.present ? "\($0.label) does not exist" : "\($0.label) still exists" }
            .joined(separator: "; ") + (shown.count > 3 ? "; and \(shown.count - 3) more" : "")
        if let entry {
            if let reason = entry.notApplied { return TargetStatus(.pending, "\(entry.detail); \(reason)") }
            if case .differs(let recorded) = entry.checksum {
                return TargetStatus(.modified, "\(entry.detail), but with checksum \(recorded.prefix(12))…, not the file's")
            }
            if !missing.isEmpty { return TargetStatus(.objectsMissing, missingText) }
            let verified = probes.isEmpty ? "" : ", \(probes.count) catalog object\(probes.count == 1 ? "" : "s") verified"
            let checksum = entry.checksum == .matches ? ", checksum matches" : ""
            return TargetStatus(.applied, entry.detail + checksum + verified)
        }
        let notRecorded = ledger == .none ? "no ledger is configured" : (ledgerNote ?? "not in the ledger")
        if creates && missing.isEmpty {
            let evidence = "all \(probes.count) catalog object\(probes.count == 1 ? "" : "s") exist"
            return ledger == .none ? TargetStatus(.applied, "\(notRecorded); \(evidence)")
                                   : TargetStatus(.appliedByHand, "\(notRecorded), but \(evidence)")
        }
        if !parses { return TargetStatus(.pending, "\(notRecorded); the file does not parse, so its objects cannot be checked") }
        if !creates { return TargetStatus(.pending, "\(notRecorded); it creates nothing the catalog can confirm") }
        return TargetStatus(.pending, "\(notRecorded); \(missingText)")
    }
}

/// Results written from concurrent checks, read once all are done.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [TargetCheck?]

    init(count: Int) { storage = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: TargetCheck) {
        lock.lock(); defer { lock.unlock() }
        storage[index] = value
    }

    var values: [TargetCheck] {
        lock.lock(); defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}
