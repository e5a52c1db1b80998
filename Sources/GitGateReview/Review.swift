import Dispatch
import Foundation
import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateTargets

/// The checklist's review step, done by PostgreSQL's own parser: what in a set of migrations
/// would lose data, lock a busy table, or break the checklist.
public struct Reviewer: Sendable {
    /// What the files are, which decides the tables that count as new (no production rows yet).
    public enum Files: Sendable {
        /// A branch's new migrations, in order: tables any of them creates are new.
        case branch
        /// Files named on the command line, in order: each is history for the next, so only
        /// tables created in the same file are new.
        case named
    }

    public var files: Files
    /// What runs before the files (main's migrations): the foreign-key and index rules look there.
    public var history: MigrationHistory?
    /// A production-aware review: tables the history lacks may be in its catalog, and its table
    /// sizes turn lock warnings into errors.
    public var target: Target?
    /// Ask this target's rows whether the statements that can fail on existing data will
    /// (`lint --target`, `plan`, `apply`): one bounded, read-only query per statement.
    public var preflight: Target?
    /// Where the source files are searched for what a contract migration drops or renames.
    public var code: CodeSearch?
    /// Tables with at least this many rows (estimated) on the target are large.
    public var largeTableRows: Int
    public var environment: [String: String]
    /// The repository's lint policy: which rules run, at what severity, for which PostgreSQL.
    public var settings: LintSettings

    public init(files: Files, history: MigrationHistory? = nil, target: Target? = nil, preflight: Target? = nil,
                largeTableRows: Int = 100_000, settings: LintSettings = LintSettings(),
                environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.files = files
        self.preflight = preflight
        self.settings = settings
        self.history = history
        self.target = target
        self.largeTableRows = largeTableRows
        self.environment = environment
    }

    /// Every finding, in file order then line order; allowed ones carry their reason.
    /// Throws `GitGateError` only when the history or the target cannot be read.
    public func review(_ files: [ReviewFile]) throws -> [Finding] {
        try review(files, parsed: ParsedFile.parse(files.map(\.contents)))
    }

    /// The same, with `parsed[i]` the parse of `files[i]`.
    package func review(_ files: [ReviewFile], parsed: [ParsedFile]) throws -> [Finding] {
        let linter = Linter.runAll(Array(zip(files.map(\.path), parsed)),
                                   newTables: self.files == .branch ? .anyFile : .sameFile, settings: settings)
        var candidates = linter.candidates
        try resolveWithHistory(&candidates)
        if let target { try resolveWithTarget(target, &candidates) }
        if let preflight { try runPreflight(preflight, linter.probes, &candidates) }
        if let code, settings.isEnabled(.contractStillUsed), !linter.contractions.isEmpty {
            candidates += ContractSite.candidates(linter.contractions, code: code)
            candidates = Self.inFileOrder(candidates)
        }
        return candidates.map(Self.allowing).compactMap(configured)
    }

    /// The finding as the repository's settings have it: gone when its rule is off, at the
    /// severity configured (final: a configured level is not raised on large tables).
    private func configured(_ finding: Finding) -> Finding? {
        guard let rule = Rule(rawValue: finding.rule) else { return finding }
        guard settings.isEnabled(rule) else { return nil }
        var finding = finding
        switch settings.levels[rule] {
        case .error?: finding.severity = .error
        case .warning?: finding.severity = .warning
        case .off?, nil: break
        }
        return finding
    }

    private func runPreflight(_ target: Target, _ probes: [PreflightProbe], _ candidates: inout [Candidate]) throws {
        let probes = probes.filter { settings.isEnabled($0.kind.rule) }
        guard !probes.isEmpty else { return }
        let outcomes = try Preflight(target: target, environment: environment).run(probes)
        candidates += zip(probes, outcomes).compactMap { $0.candidate($1, target: target) }
        candidates = Self.inFileOrder(candidates)
    }

    /// In file order, then line order; the linter's own order among equals.
    private static func inFileOrder(_ candidates: [Candidate]) -> [Candidate] {
        candidates.enumerated().sorted {
            ($0.element.file, $0.element.finding.line, $0.offset) < ($1.element.file, $1.element.finding.line, $1.offset)
        }.map(\.element)
    }

    private func resolveWithHistory(_ candidates: inout [Candidate]) throws {
        var names: Set<String> = []
        for candidate in candidates {
            switch candidate.pending {
            case .tableExists(let table)?, .indexed(let table, _)?: names.insert(table.name)
            case nil: break
            }
        }
        guard !names.isEmpty, let history else { return }
        let base = try history.schema(mentioning: names)
        candidates.removeAll { candidate in
            switch candidate.pending {
            case .tableExists(let table)?: return base.existing.contains(table)
            case .indexed(let table, let columns)?: return base.isIndexed(table, columns: columns)
            case nil: return false
            }
        }
    }

    private func resolveWithTarget(_ target: Target, _ candidates: inout [Candidate]) throws {
        var tables: [QualifiedName] = []
        var asked: Set<QualifiedName> = []
        for candidate in candidates {
            let table: QualifiedName?
            if case .tableExists(let missing)? = candidate.pending { table = missing } else { table = candidate.lockTable }
            if let table, asked.insert(table).inserted { tables.append(table) }
        }
        guard !tables.isEmpty else { return }
        let facts = try TargetTables(target: target, environment: environment).facts(for: tables)
        candidates.removeAll { candidate in
            guard case .tableExists(let table)? = candidate.pending else { return false }
            return facts[table]?.exists == true
        }
        for index in candidates.indices {
            guard let table = candidates[index].lockTable, let fact = facts[table], fact.exists else { continue }
            var finding = candidates[index].finding
            let size = fact.bytes.map { ", " + Self.formatBytes($0) } ?? ""
            if let rows = fact.rows {
                let estimate = "\(target.name) has ≈ \(Self.formatCount(rows)) rows in \(table)\(size)"
                if rows >= Double(largeTableRows) {
                    finding.severity = .error
                    finding.message += " (\(estimate): at or above gitgate.largeTableRows = \(largeTableRows))"
                } else {
                    finding.message += " (\(estimate): below gitgate.largeTableRows = \(largeTableRows))"
                }
            } else {
                finding.message += " (\(target.name) has never analyzed \(table)\(size), so its row count is unknown)"
            }
            candidates[index].finding = finding
        }
    }

    /// A reviewed exception keeps the finding, with its reason.
    private static func allowing(_ candidate: Candidate) -> Finding {
        var finding = candidate.finding
        guard Rule(rawValue: finding.rule)?.canBeAllowed == true else { return finding }
        if let allow = candidate.allows.first(where: { $0.covers(finding.rule) && $0.reason != nil }) {
            finding.allowedBecause = allow.reason
        }
        return finding
    }

    package static func formatCount(_ value: Double) -> String {
        let number = max(0, value.rounded())
        if number >= 1_000_000_000 { return String(format: "%.1fG", number / 1_000_000_000) }
        if number >= 1_000_000 { return String(format: "%.1fM", number / 1_000_000) }
        if number >= 10_000 { return String(format: "%.0fk", number / 1_000) }
        return String(Int(number))
    }

    package static func formatBytes(_ bytes: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var value = Double(bytes)
        var unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.0f %@", value, units[unit])
    }
}

/// The review step of the gate: findings per migration path, for `gitgate status` and the hooks.
public enum Review {
    /// Reviews the branch's migrations with main's history (for the foreign-key rule), keyed by
    /// migration path. Never fails: a history that cannot be read leaves those rules to the files alone.
    public static func findings(for inspection: Inspection, configuration: Configuration,
                                history: MigrationHistory? = nil) -> [String: [Finding]] {
        findings(for: inspection, parsed: ParsedFile.parse(inspection.migrations.map(\.contents)),
                 configuration: configuration, history: history)
    }

    /// The same, with `parsed[i]` the parse of the inspection's migration i.
    package static func findings(for inspection: Inspection, parsed: [ParsedFile], configuration: Configuration,
                         history: MigrationHistory? = nil, cache: ParseCache? = nil) -> [String: [Finding]] {
        guard !inspection.migrations.isEmpty else { return [:] }
        var history = history
        var code: CodeSearch?
        if let repository = try? Inspector.openRepository(at: configuration.root) {
            if history == nil { history = MigrationHistory.main(of: inspection, in: repository, cache: cache) }
            code = CodeSearch.mainAndHead(of: repository, base: inspection.base, head: inspection.head, configuration: configuration)
        }
        return findings(for: inspection.migrations, parsed: parsed, configuration: configuration, history: history, code: code)
    }

    /// Reviews `migrations` (a branch's, in order) after `history`. Without a history, a foreign
    /// key to one of main's tables would look unknown, so that rule is left out.
    public static func findings(for migrations: [Migration], configuration: Configuration,
                                history: MigrationHistory? = nil) -> [String: [Finding]] {
        findings(for: migrations, parsed: ParsedFile.parse(migrations.map(\.contents)),
                 configuration: configuration, history: history, code: nil)
    }

    /// The preflight of `migrations` (a branch's pending ones, in order) on `target`'s rows, by
    /// path: what `plan` and `apply` add to the review before anything changes. Throws when the
    /// target cannot be reached.
    public static func preflightFindings(for migrations: [Migration], configuration: Configuration, target: Target,
                                         environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [String: [Finding]] {
        guard !migrations.isEmpty else { return [:] }
        let files = migrations.map { ReviewFile(path: $0.path, contents: $0.contents) }
        let found = try Reviewer(files: .branch, preflight: target, largeTableRows: configuration.largeTableRows,
                                 settings: configuration.lint, environment: environment).review(files)
        return Dictionary(grouping: found.filter { Rule(rawValue: $0.rule)?.isPreflight == true }, by: \.path)
    }

    package static func findings(for migrations: [Migration], parsed: [ParsedFile], configuration: Configuration,
                         history: MigrationHistory?, code: CodeSearch?) -> [String: [Finding]] {
        guard !migrations.isEmpty else { return [:] }
        let files = migrations.map { ReviewFile(path: $0.path, contents: $0.contents) }
        var found: [Finding]
        var checkedReferences = history != nil
        do {
            var reviewer = Reviewer(files: .branch, history: history, largeTableRows: configuration.largeTableRows,
                                    settings: configuration.lint)
            reviewer.code = code
            found = try reviewer.review(files, parsed: parsed)
        } catch {
            var reviewer = Reviewer(files: .branch, settings: configuration.lint)
            reviewer.code = code
            found = (try? reviewer.review(files, parsed: parsed)) ?? []
            checkedReferences = false
        }
        if !checkedReferences { found.removeAll { $0.rule == Rule.foreignKeyUnknownTable.rawValue } }
        return Dictionary(grouping: found, by: \.path)
    }
}
