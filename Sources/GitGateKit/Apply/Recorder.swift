import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate record`: writes ledger rows (how = recorded) for migrations someone applied by hand,
/// after the catalog confirms every object each one creates. All or nothing: one refused
/// version means none is recorded.
public struct Recorder: Sendable {
    public let inspection: Inspection
    public let configuration: Configuration
    public let target: Target
    public var options: ApplyOptions

    public init(inspection: Inspection, configuration: Configuration, target: Target, options: ApplyOptions = ApplyOptions()) {
        self.inspection = inspection
        self.configuration = configuration
        self.target = target
        self.options = options
    }

    public init(at path: String, target name: String?, options: ApplyOptions = ApplyOptions()) throws {
        let (inspection, configuration, target) = try Applier.context(at: path, target: name, command: "record")
        self.init(inspection: inspection, configuration: configuration, target: target, options: options)
    }

    public struct Outcome: Sendable {
        public struct Entry: Sendable {
            public var migration: Migration
            /// `recorded`, or `already` when the ledger had it.
            public var recorded: Bool
            public var detail: String
        }

        public var target: String
        public var place: String
        public var entries: [Entry]
        public var ledgerSteps: [String]
    }

    /// - Parameters:
    ///   - unverified: also record pending migrations whose every checkable effect is there but
    ///     some statement's effect the catalog cannot show (data changes, DO blocks): the person
    ///     vouches for them. Anything the catalog shows missing still refuses.
    ///   - reason: why the person vouches; required with `unverified`, stored in the ledger.
    public func record(_ versions: [String], unverified: Bool = false, reason: String? = nil) throws -> Outcome {
        let reason = reason?.trimmingCharacters(in: .whitespacesAndNewlines)
        if unverified && (reason ?? "").isEmpty {
            throw GitGateError(.usage, "record --unverified needs --reason \"…\": say how you know the migration ran (it is stored in the ledger)")
        }
        if !unverified && reason != nil {
            throw GitGateError(.usage, "--reason goes with --unverified; without it, record verifies in the catalog and needs no reason")
        }
        guard !versions.isEmpty else { throw GitGateError(.usage, "name the versions to record, e.g. gitgate record 003 --target \(target.name)") }
        var chosen: [Migration] = []
        for version in versions where !chosen.contains(where: { $0.version == version }) {
            guard let migration = inspection.migrations.first(where: { $0.version == version }) else {
                let known = inspection.migrations.map(\.version)
                throw GitGateError(.usage, "version \(version) is not one of this branch's new migrations (\(known.isEmpty ? "it has none" : known.joined(separator: ", ")))")
            }
            chosen.append(migration)
        }
        try Applier.requireGitgateLedger(configuration, command: "record", target: target.name, migrations: chosen)

        let check = TargetChecker(ledger: configuration.ledger, environment: options.environment).check([target], migrations: chosen)
        guard let states = try check.first?.outcome.get() else {
            throw GitGateError(.target, "target \(target.name): could not be checked; run gitgate doctor")
        }
        var refusals: [String] = []
        var toRecord: [(migration: Migration, unverifiedReason: String?)] = []
        var entries: [Outcome.Entry] = []
        for migration in chosen {
            let status = states[migration.version] ?? TargetStatus(.pending, "no state reported")
            switch status.state {
            case .appliedByHand:
                toRecord.append((migration, nil))
                entries.append(.init(migration: migration, recorded: true, detail: status.detail))
            case .applied:
                entries.append(.init(migration: migration, recorded: false, detail: "already in the ledger (\(status.detail))"))
            case .pending where unverified && status.cause == .unprovable:
                toRecord.append((migration, reason))
                entries.append(.init(migration: migration, recorded: true, detail: "recorded unverified (\(reason ?? "")): \(status.detail)"))
            case .pending where status.cause == .unprovable:
                refusals.append("\(migration.version) (\(migration.path)) cannot be confirmed on \(target.name): \(status.detail); if it was run by hand, record it with gitgate record \(migration.version) --target \(target.name) --unverified --reason \"…\", else apply it with gitgate apply --target \(target.name)")
            case .pending:
                refusals.append("\(migration.version) (\(migration.path)) is not applied on \(target.name): \(status.detail); apply it with \(LedgerCommands(configuration).apply(target: target.name, migrations: [migration]))")
            case .modified:
                refusals.append("\(migration.version) (\(migration.path)) is already recorded, with another checksum: \(status.detail)")
            case .objectsMissing:
                refusals.append("\(migration.version) (\(migration.path)) is already recorded, but \(status.detail)")
            }
        }
        if let first = refusals.first {
            let more = refusals.count > 1 ? " (and \(refusals.count - 1) more)" : ""
            throw GitGateError(.refused, "nothing recorded: \(first)\(more)")
        }

        let session = try TargetSession(target, readOnly: false, environment: options.environment)
        guard !toRecord.isEmpty else {
            return Outcome(target: target.name, place: session.place, entries: entries, ledgerSteps: [])
        }
        try ApplyLock.acquire(session, wait: options.lockWait) { _ in }
        defer { ApplyLock.release(session) }
        let created = try LedgerSchema.upgrade(session, steps: options.ledgerSchema)
        let already = try LedgerWriter.recordedChecksums(session, versions: toRecord.map(\.migration.version))
        let osUser = currentOSUser(environment: options.environment)
        let inserts = toRecord.filter { already[$0.migration.version] == nil }.map {
            LedgerRow(migration: $0.migration, osUser: osUser, gitCommit: inspection.head, gitBranch: inspection.branch,
                      durationMs: nil, how: .recorded, unverifiedReason: $0.unverifiedReason).insert
        }
        if !inserts.isEmpty {
            // One implicit transaction: every row or none.
            let (_, error) = try session.attempt(inserts.joined(separator: ";\n"))
            if let error {
                throw GitGateError(.target, "target \(target.name): could not record: \(error.message)\(error.sqlState.map { " [\($0)]" } ?? ""); nothing was recorded")
            }
        }
        for index in entries.indices where entries[index].recorded && already[entries[index].migration.version] != nil {
            entries[index].recorded = false
            entries[index].detail = "recorded meanwhile by another gitgate"
        }
        return Outcome(target: target.name, place: session.place, entries: entries, ledgerSteps: created)
    }
}
