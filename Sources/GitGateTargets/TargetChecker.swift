import Dispatch
import Foundation
import Postgres
import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations

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

    /// `--member`: show these members of each fleet in detail (every member is still checked, as the gate does).
    public var members: [String] = []

    /// Checks every target at once, one connection each.
    public func check(_ targets: [Target], migrations: [Migration]) -> [TargetCheck] {
        guard !targets.isEmpty else { return [] }
        return check(targets, migrations: migrations, parsed: ParsedFile.parse(migrations.map(\.contents)))
    }

    /// The same, with each migration already parsed (`parsed[i]` is `migrations[i]`'s file), as
    /// `status` does once for both the review and this check.
    package func check(_ targets: [Target], migrations: [Migration], parsed files: [ParsedFile]) -> [TargetCheck] {
        guard !targets.isEmpty else { return [] }
        let plans = Expectations.plans(for: files)
        let results = ResultBox(count: targets.count)
        DispatchQueue.concurrentPerform(iterations: targets.count) { index in
            let target = targets[index]
            if target.fleet != nil {
                results.set(index, FleetChecker(checker: self).check(target, migrations: migrations, plans: plans))
                return
            }
            let outcome: Result<[String: TargetStatus], GitGateError>
            do {
                outcome = .success(try check(target, migrations: migrations, plans: plans))
            } catch let error as GitGateError {
                outcome = .failure(error)
            } catch {
                outcome = .failure(GitGateError(.target, "target \(target.shown): \(error)"))
            }
            results.set(index, TargetCheck(target: target.name, gate: target.gate, outcome: outcome))
        }
        return results.values
    }

    package func check(_ target: Target, migrations: [Migration], plans: [MigrationPlan]) throws -> [String: TargetStatus] {
        // Nothing to confirm: no connection (and libpq is never loaded), so a branch without
        // migrations is not held up by a target it does not need.
        guard !migrations.isEmpty else { return [:] }
        let connection = try TargetConnection.open(target, environment: environment)
        let reader = ledger.format
        let probes = plans.map(\.probes)
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
            throw GitGateError(.target, "target \(target.shown): the catalog check returned nothing; run gitgate doctor")
        }
        return states(catalog: catalog.rows, ledgerRows: ledgerRows, ledgerNote: ledgerNote, migrations: migrations, plans: plans)
    }

    /// Each migration's state from one database's (or schema's) answers to the catalog and ledger queries.
    func states(catalog: [[String?]], ledgerRows: [[String?]], ledgerNote: String?, migrations: [Migration],
                plans: [MigrationPlan]) -> [String: TargetStatus] {
        let reader = ledger.format
        let answers = Catalog.answers(catalog)
        let entries = reader.entries(rows: ledgerRows, for: migrations)

        var states: [String: TargetStatus] = [:]
        var offset = 0
        for (index, migration) in migrations.enumerated() {
            let plan = plans[index]
            let mine = plan.probes.enumerated().map { ($0.element, answers[offset + $0.offset] ?? Catalog.Answer(present: false)) }
            offset += plan.probes.count
            states[migration.version] = Self.state(entry: entries[migration.version], plan: plan, answered: mine,
                                                   ledger: ledger, ledgerNote: ledgerNote)
        }
        return states
    }

    /// Each statement's evidence from the catalog's answers to its probes.
    package static func evidence(_ plan: MigrationPlan, answered: [(Probe, Catalog.Answer)]) -> [StatementEvidence] {
        var byStatement: [Int: [(Probe, Catalog.Answer)]] = [:]
        for item in answered { byStatement[item.0.statement, default: []].append(item) }
        return plan.statements.enumerated().map { index, statement in
            let mine = byStatement[index] ?? []
            let missing = shownMissing(mine.filter { contradicts($0.0, $0.1) })
            if !missing.isEmpty {
                return StatementEvidence(line: statement.line, statement: statement.statement, status: .missing(missing.map { text($0.0, $0.1) }))
            }
            if let reason = statement.unprovable {
                return StatementEvidence(line: statement.line, statement: statement.statement, status: .unprovable(reason))
            }
            if mine.contains(where: { $0.0.kind == .rowKeys && $0.1.present == nil }) {
                return StatementEvidence(line: statement.line, statement: statement.statement, status: .unprovable(.noKeyToLookUp))
            }
            if mine.isEmpty {
                return StatementEvidence(line: statement.line, statement: statement.statement,
                                         status: statement.probed ? .superseded : .nothingToProve)
            }
            var proofs: [Proof] = []
            for (probe, _) in mine where !proofs.contains(probe.proof) { proofs.append(probe.proof) }
            return StatementEvidence(line: statement.line, statement: statement.statement, status: .proven(proofs))
        }
    }

    /// Whether the catalog's answer says otherwise than the probe expects. A row lookup the
    /// server could not make (no key) contradicts nothing: the statement is unprovable instead.
    package static func contradicts(_ probe: Probe, _ answer: Catalog.Answer) -> Bool {
        if probe.kind == .rowKeys { return answer.present == false }
        return (answer.present ?? false) != probe.present
    }

    /// A missing object explains its missing columns, types and comments: name the object only.
    package static func shownMissing(_ missing: [(Probe, Catalog.Answer)]) -> [(Probe, Catalog.Answer)] {
        let missingRelations = Set(missing.filter { $0.0.kind == .relation && $0.0.present }.map(\.0.name))
        let missingIdentities = Set(missing.filter(\.0.present).map(\.0.identity))
        return missing.filter { probe, _ in
            if let owner = probe.owner, missingIdentities.contains(owner) { return false }
            return probe.kind == .relation || !missingRelations.contains(probe.name)
        }
    }

    package static func text(_ probe: Probe, _ answer: Catalog.Answer) -> String {
        switch probe.kind {
        case .columnType:
            return probe.missingText + (answer.detail.map { " (it is \($0))" } ?? "")
        case .rowKeys:
            let parts = (answer.detail ?? "").split(separator: "/", maxSplits: 2).map(String.init)
            guard parts.count == 3 else { return "\(probe.label) not found" }
            let missing = (Int(parts[1]) ?? 0) - (Int(parts[0]) ?? 0)
            return "\(missing) of \(parts[1]) row\(parts[1] == "1" ? "" : "s") of \(probe.name.replacingOccurrences(of: "\"", with: "")) not found by key (\(parts[2]))"
        default:
            return probe.missingText
        }
    }

    package static func state(entry: LedgerEntry?, plan: MigrationPlan, answered: [(Probe, Catalog.Answer)], ledger: LedgerKind,
                      ledgerNote: String?) -> TargetStatus {
        let evidence = evidence(plan, answered: answered)
        // Rows are the application's once applied: a recorded migration is judged by its schema only.
        let structural = answered.filter { $0.0.kind != .rowKeys }
        let missingStructure = shownMissing(structural.filter { contradicts($0.0, $0.1) })
        let missingAll = shownMissing(answered.filter { contradicts($0.0, $0.1) })
        func describe(_ missing: [(Probe, Catalog.Answer)]) -> String {
            missing.prefix(3).map { text($0.0, $0.1) }.joined(separator: "; ") + (missing.count > 3 ? "; and \(missing.count - 3) more" : "")
        }
        let objects = plan.probes.filter { $0.proof == .objectExists || $0.proof == .objectGone }.count
        let facts = plan.probes.count - objects
        if let entry {
            if let reason = entry.notApplied {
                return TargetStatus(.pending, "\(entry.detail); \(reason)", evidence: evidence, cause: .failedRun)
            }
            if case .differs(let recorded) = entry.checksum {
                return TargetStatus(.modified, "\(entry.detail), but with checksum \(recorded.prefix(12))…, not the file's", evidence: evidence)
            }
            if !missingStructure.isEmpty { return TargetStatus(.objectsMissing, describe(missingStructure), evidence: evidence) }
            let verified = structural.isEmpty ? "" : ", \(structural.count) catalog fact\(structural.count == 1 ? "" : "s") verified"
            let checksum = entry.checksum == .matches ? ", checksum matches" : ""
            var status = TargetStatus(.applied, entry.detail + checksum + verified, evidence: evidence)
            status.signOff = entry.signOff
            return status
        }
        let notRecorded = ledger == .none ? "no ledger is configured" : (ledgerNote ?? "not in the ledger")
        if !missingAll.isEmpty { return TargetStatus(.pending, "\(notRecorded); \(describe(missingAll))", evidence: evidence) }
        if let unreadable = plan.unreadable {
            return TargetStatus(.pending, "\(notRecorded); \(unreadable.description)", evidence: evidence, cause: .unprovable)
        }
        let unprovable = evidence.filter(\.isUnprovable)
        if let first = unprovable.first, case .unprovable(let reason) = first.status {
            let more = unprovable.count > 1 ? " (and \(unprovable.count - 1) more statement\(unprovable.count == 2 ? "" : "s"))" : ""
            let checked = plan.probes.isEmpty ? "" : "what the catalog can show is there, but "
            return TargetStatus(.pending, "\(notRecorded); \(checked)line \(first.line) (\(first.statement)) cannot be confirmed: \(reason.description)\(more)",
                                evidence: evidence, cause: .unprovable)
        }
        guard plan.probes.contains(where: \.present) else {
            return TargetStatus(.pending, "\(notRecorded); it creates nothing the catalog can confirm", evidence: evidence, cause: .unprovable)
        }
        let more = facts == 0 ? "" : " and \(facts) fact\(facts == 1 ? "" : "s") about them match (types, definitions, comments, rows)"
        let proven = objects == 0 ? "all \(facts) catalog fact\(facts == 1 ? "" : "s") match"
            : "all \(objects) catalog object\(objects == 1 ? "" : "s") exist" + more
        return ledger == .none ? TargetStatus(.applied, "\(notRecorded); \(proven)", evidence: evidence)
                               : TargetStatus(.appliedByHand, "\(notRecorded), but \(proven)", evidence: evidence)
    }
}

/// Results written from concurrent checks, read once all are done.
private final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var storage: [TargetCheck?]

    package init(count: Int) { storage = Array(repeating: nil, count: count) }

    package func set(_ index: Int, _ value: TargetCheck) {
        lock.lock(); defer { lock.unlock() }
        storage[index] = value
    }

    package var values: [TargetCheck] {
        lock.lock(); defer { lock.unlock() }
        return storage.compactMap { $0 }
    }
}
