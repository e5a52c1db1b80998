import SQL

/// A finding before the facts outside the files are known: the schema main's history built,
/// and the target's catalog and table sizes.
package struct Candidate: Sendable {
    /// What must be known before the finding stands.
    package enum Pending: Sendable {
        /// Stands unless main's history or the target's catalog has this table.
        case tableExists(QualifiedName)
        /// Stands unless main's history indexes these columns of this table.
        case indexed(QualifiedName, columns: [String])
    }

    package var finding: Finding
    package var file: Int
    package var allows: [Allow]
    /// The existing table a lock rule is about: its size on the target decides the severity.
    package var lockTable: QualifiedName?
    package var pending: Pending?

    package init(finding: Finding, file: Int, allows: [Allow], lockTable: QualifiedName? = nil, pending: Pending? = nil) {
        self.finding = finding
        self.file = file
        self.allows = allows
        self.lockTable = lockTable
        self.pending = pending
    }
}

/// Reads migrations in order, statement by statement, with the schema they build, and says
/// what in them would lose data, lock a busy table, or break the checklist. Only the
/// statements' effects are looked at, so text in strings, comments and function bodies never
/// counts.
package struct Linter {
    /// Which tables count as new, so that lock and data-loss rules leave them alone.
    package enum NewTables: Sendable {
        /// Created earlier in the same file (files named on the command line: each earlier
        /// file is history, presumably applied).
        case sameFile
        /// Created by any file under review (a branch's migrations, not yet in production).
        case anyFile
    }

    package var newTables: NewTables
    package var settings: LintSettings

    private var state = SchemaState()
    package private(set) var candidates: [Candidate] = []
    /// Statements that can fail on production's rows, for a preflight against a target.
    package private(set) var probes: [PreflightProbe] = []
    /// Drops and renames of what production has: the expand/contract check searches the code for them.
    package private(set) var contractions: [ContractSite] = []
    /// The last line that changed rows, by table name ("" for any table: a DO block).
    private var rowsChanged: [String: PreflightProbe.Place] = [:]
    /// Keys and CHECKs added NOT VALID by the files under review, until they are validated.
    private var notValid: [String: PreflightProbe.Kind] = [:]
    /// Foreign keys, checked for an index once every file is read.
    private var foreignKeys: [(table: QualifiedName, columns: [String], isNew: Bool, at: Site)] = []
    /// New tables, checked for a COMMENT ON TABLE once every file is read.
    private var createdTables: [(table: QualifiedName, at: Site)] = []
    private var newViews = TableSet()
    /// Indexes the files under review create, by name: dropping them again locks nothing in production.
    private var newIndexes: Set<String> = []

    private struct Site {
        package var file: Int
        package var path: String
        package var line: Int
        package var allows: [Allow]
    }

    package init(newTables: NewTables, settings: LintSettings = LintSettings()) {
        self.newTables = newTables
        self.settings = settings
        checks = Rules.withChecks.filter(settings.isEnabled)
    }

    /// The enabled rules that hold their own check.
    private let checks: [Rule]

    /// Reviews `files` in order and returns the candidates, in file order.
    package static func run(_ files: [(path: String, parsed: ParsedFile)], newTables: NewTables,
                    settings: LintSettings = LintSettings()) -> [Candidate] {
        runAll(files, newTables: newTables, settings: settings).candidates
    }

    /// The candidates, the statements a preflight asks production about, and the contractions
    /// the code is searched for.
    package static func runAll(_ files: [(path: String, parsed: ParsedFile)], newTables: NewTables,
                       settings: LintSettings = LintSettings()) -> Linter {
        var linter = Linter(newTables: newTables, settings: settings)
        for (index, file) in files.enumerated() {
            linter.lint(file.parsed, path: file.path, file: index)
        }
        linter.finish()
        return linter
    }

    package mutating func lint(_ parsed: ParsedFile, path: String, file: Int) {
        if newTables == .sameFile {
            state.new = TableSet()
            newViews = TableSet()
            newIndexes = []
            // Earlier named files are history: production's rows already show what they did.
            rowsChanged = [:]
        }
        let script: ReviewScript
        switch parsed {
        case .notText(let line, let reason):
            add(.notText, at: Site(file: file, path: path, line: line, allows: []),
                "\(path) is not a text file: \(reason)",
                fix: "save it as UTF-8 SQL, or move it out of the migrations")
            return
        case .syntaxError(let error):
            add(.syntaxError, at: Site(file: file, path: path, line: error.line, allows: []),
                "PostgreSQL cannot parse this (column \(error.column)): \(error.message)",
                fix: "fix the SQL; nothing in this file was reviewed")
            return
        case .script(let parsed):
            script = parsed
        }

        lintAllows(script, path: path, file: file)
        // Views this file creates, by statement, so that a DROP VIEW followed by its re-creation is no loss.
        var viewCreations: [(name: QualifiedName, statement: Int)] = []
        for (index, statement) in script.statements.enumerated() {
            for effect in statement.effects where effect.creates {
                if case .view(let name) = effect.object { viewCreations.append((name, index)) }
                if case .materializedView(let name) = effect.object { viewCreations.append((name, index)) }
            }
        }

        var transactionBegan: Int?
        var lockTimeoutSet = false
        // Indexes into `checks` of the once-per-file rules already reported in this file.
        var reported: Set<Int> = []
        for (index, statement) in script.statements.enumerated() {
            let site = Site(file: file, path: path, line: statement.line, allows: statement.allows)
            let openedBefore = transactionBegan
            switch statement.transactionControl {
            case .begin?: transactionBegan = statement.line
            case .commit?, .rollback?, .prepareTransaction?: transactionBegan = nil
            default: break
            }
            if let setting = statement.setting, setting.name == nil || setting.name == "lock_timeout" {
                // SET lock_timeout = 0 (or RESET) turns it off again.
                let value = setting.value?.trimmingCharacters(in: .whitespaces).lowercased()
                lockTimeoutSet = value != nil && value != "0" && value != "'0'" && value != "default"
            }
            if !checks.isEmpty {
                let state = self.state
                let newIndexes = self.newIndexes
                let context = RuleContext(statement: statement, settings: settings, isNew: { state.isNew($0) },
                                          isNewIndex: { newIndexes.contains($0.name) },
                                          inTransaction: transactionBegan != nil || settings.assumeInTransaction,
                                          lockTimeoutSet: lockTimeoutSet, openTransaction: openedBefore)
                // By index: a Rule is a large value, and copying it for each statement showed.
                for number in checks.indices where !(checks[number].oncePerFile && reported.contains(number)) {
                    for hit in checks[number].check!(context) where !(checks[number].oncePerFile && reported.contains(number)) {
                        reported.insert(number)
                        add(checks[number], at: site, hit.message, fix: hit.fix)
                        if checks[number].isLockRule, let table = hit.lockTable { candidates[candidates.count - 1].lockTable = table }
                    }
                }
            }
            if let began = transactionBegan, let refused = statement.refusedInTransaction {
                add(.concurrentlyInTransaction, at: site,
                    "\(refused) cannot run inside a transaction block, and this file opens one with BEGIN on line \(began): PostgreSQL will refuse it",
                    fix: "move it after COMMIT, or into a migration of its own without BEGIN/COMMIT")
            }
            notePreflight(statement, at: site)
            for effect in statement.effects {
                check(effect, statement: statement, at: site) { name in
                    viewCreations.contains { $0.statement > index && TableSet(name).contains($0.name) }
                }
                state.apply(effect, markNew: true)
                if effect.creates, case .index(let name?, _) = effect.object { newIndexes.insert(name.name) }
                if effect.creates, case .view(let name) = effect.object { newViews.insert(name) }
                if effect.creates, case .materializedView(let name) = effect.object { newViews.insert(name) }
                checkForeignKeys(effect, at: site)
            }
        }
        if let began = transactionBegan, settings.isEnabled(.uncommittedBegin) {
            add(.uncommittedBegin, at: Site(file: file, path: path, line: began, allows: script.statements.first { $0.line == began }?.allows ?? []),
                "BEGIN on line \(began) is never committed: the file ends inside the transaction",
                fix: "add COMMIT after the last statement of the transaction, or remove BEGIN and let the tool's transaction hold the file")
        }
        checkComments()
    }

    // MARK: Preflight

    private mutating func notePreflight(_ statement: ReviewScript.Statement, at site: Site) {
        let state = self.state
        for kind in PreflightProbe.kinds(of: statement, isNew: { state.isNew($0) }) {
            let changed = [kind.table?.name ?? "", ""].compactMap { rowsChanged[$0] }.max { ($0.file, $0.line) < ($1.file, $1.line) }
            probes.append(PreflightProbe(kind: kind, file: site.file, path: site.path, line: site.line,
                                         allows: site.allows, rowsChangedAt: changed))
        }
        for key in PreflightProbe.validated(by: statement) {
            guard let kind = notValid.removeValue(forKey: key) else { continue }
            let changed = [kind.table?.name ?? "", ""].compactMap { rowsChanged[$0] }.max { ($0.file, $0.line) < ($1.file, $1.line) }
            probes.append(PreflightProbe(kind: kind, file: site.file, path: site.path, line: site.line,
                                         allows: site.allows, rowsChangedAt: changed, validates: true))
        }
        for (key, kind) in PreflightProbe.addedNotValid(by: statement, isNew: { state.isNew($0) }) { notValid[key] = kind }
        for effect in statement.effects {
            if let contraction = Contraction(effect), contraction.removedName != nil, !state.isNew(contraction.table) {
                contractions.append(ContractSite(contraction: contraction, file: site.file, path: site.path,
                                                 line: site.line, allows: site.allows))
            }
        }
        for table in PreflightProbe.rowChanges(of: statement) { rowsChanged[table?.name ?? ""] = PreflightProbe.Place(file: site.file, path: site.path, line: site.line) }
    }

    // MARK: Rules, per effect

    private mutating func check(_ effect: Effect, statement: ReviewScript.Statement, at site: Site,
                                recreatedLater: (QualifiedName) -> Bool) {
        switch (effect.action, effect.object) {
        case (.drop, let object):
            checkDrop(effect, object, at: site, recreatedLater: recreatedLater)

        case (.create, .table(let table)):
            guard !effect.temporary else { break }
            if statement.kind == "CreateStmt" || statement.kind == "CreateTableAsStmt" {
                add(.missingIfNotExists, at: site, "CREATE TABLE \(table) without IF NOT EXISTS fails if the table is already there, e.g. created by hand",
                    fix: "write CREATE TABLE IF NOT EXISTS \(table)")
            }
            noteCreatedTable(table, effect, at: site)
        case (.createIfNotExists, .table(let table)):
            if !effect.temporary { noteCreatedTable(table, effect, at: site) }

        case (_, .index(_, _)) where effect.creates:
            guard case .index(let index) = effect.detail, !index.concurrently, !state.isNew(index.table) else { break }
            addLock(.indexWithoutConcurrently, index.table, at: site,
                    "CREATE INDEX on existing table \(index.table) without CONCURRENTLY blocks every write to it while the index builds",
                    fix: "use CREATE INDEX CONCURRENTLY, in a migration without BEGIN/COMMIT")

        case (_, .column(let table, let name)) where effect.creates && !state.isNew(table):
            guard case .column(let column) = effect.detail else { break }
            if column.notNull && column.defaultValue == nil && !column.isIdentity && !column.isGenerated
                && !Self.serialTypes.contains(column.type?.name ?? "") {
                addLock(.notNullColumnWithoutDefault, table, at: site,
                        "ADD COLUMN \(name) NOT NULL without a default fails on \(table) as soon as it has a row",
                        fix: "add it nullable (or with a constant DEFAULT), backfill in batches, then add a CHECK (\(sqlIdentifier(name)) IS NOT NULL) NOT VALID, VALIDATE it, and SET NOT NULL")
            }
            // Before PostgreSQL 11 any default, constant or not, rewrites the table.
            let anyDefaultRewrites = settings.postgresBefore(11) && column.defaultValue != nil
            if column.isGenerated || column.isIdentity || column.defaultValue?.volatility == .volatile
                || Self.serialTypes.contains(column.type?.name ?? "") || anyDefaultRewrites {
                let what = column.isGenerated ? "a stored generated value" : column.isIdentity ? "an identity"
                    : column.defaultValue?.volatility == .volatile || column.defaultValue == nil
                    ? "a volatile default (\(column.defaultValue?.functions.joined(separator: ", ") ?? "nextval"))"
                    : "a default on PostgreSQL \(settings.postgresVersion ?? 0) (before 11 every default does)"
                addLock(.volatileDefault, table, at: site,
                        "ADD COLUMN \(name) with \(what) rewrites all of \(table) under an exclusive lock",
                        fix: "add the column without it (or with a constant DEFAULT), then fill it in batches")
            }
            for constraint in column.constraints where constraint.kind.buildsIndex {
                addLock(.indexWithoutConcurrently, table, at: site,
                        "ADD COLUMN \(name) \(constraint.kind.rawValue.uppercased()) builds an index on existing table \(table) while blocking writes",
                        fix: "add the column, CREATE UNIQUE INDEX CONCURRENTLY, then ADD CONSTRAINT … USING INDEX")
            }

        case (.create, .constraint(let table, let name)) where !state.isNew(table):
            guard case .constraint(let constraint) = effect.detail else { break }
            let label = name.map { "\($0) " } ?? ""
            // FOREIGN KEY and CHECK: constraint-without-not-valid (its own file).
            switch constraint.kind {
            case .foreignKey, .check:
                break
            case .primaryKey, .unique, .exclusion:
                guard constraint.usingIndex == nil else { break }
                addLock(.indexWithoutConcurrently, table, at: site,
                        "ADD CONSTRAINT \(label)\(constraint.kind.rawValue.uppercased()) builds an index on existing table \(table) while blocking writes",
                        fix: "CREATE UNIQUE INDEX CONCURRENTLY first, then ADD CONSTRAINT … USING INDEX")
            }

        default:
            break
        }
    }

    private mutating func checkDrop(_ effect: Effect, _ object: DatabaseObject, at site: Site,
                                    recreatedLater: (QualifiedName) -> Bool) {
        let loses: String?
        switch object {
        case .table(let table):
            loses = state.isNew(table) ? nil : "DROP TABLE \(table) deletes it and every row in it"
        case .column(let table, let name):
            loses = state.isNew(table) ? nil : "DROP COLUMN \(name) deletes that column's data in every row of \(table)"
        case .view(let name), .materializedView(let name):
            // DROP VIEW then CREATE VIEW redefines it; a view holds no rows of its own.
            loses = newViews.contains(name) || recreatedLater(name) ? nil : "DROP of \(object) removes what clients may still query"
        case .schema, .database:
            loses = "DROP of \(object) deletes it and everything in it"
        case .type, .sequence:
            loses = "DROP of \(object) deletes it, and what uses it stops working"
        default:
            loses = nil
        }
        if let loses {
            add(.destructiveDrop, at: site, loses + (effect.cascade ? ", and CASCADE drops whatever depends on it too" : ""),
                fix: "deploy code that no longer uses it first, back the data up, and record the review with '-- gitgate:allow destructive-drop because …'")
        } else if effect.cascade, !(object.table.map(state.isNew) ?? false) {
            add(.destructiveDrop, at: site, "DROP \(object) CASCADE also drops whatever depends on it, tables and columns included",
                fix: "drop the dependent objects explicitly, or leave out CASCADE so PostgreSQL refuses when something depends on it")
        }
    }

    private mutating func noteCreatedTable(_ table: QualifiedName, _ effect: Effect, at site: Site) {
        if case .table(let definition) = effect.detail, definition.partitionOf != nil { return }
        createdTables.append((table, site))
    }

    private static let serialTypes: Set<String> = ["serial", "serial4", "bigserial", "serial8", "smallserial", "serial2"]

    // MARK: Foreign keys

    private mutating func checkForeignKeys(_ effect: Effect, at site: Site) {
        let keys = effect.foreignKeys
        guard !keys.isEmpty, let table = effect.object.table else { return }
        for key in keys {
            foreignKeys.append((table, key.columns, state.isNew(table), site))
            let referenced = key.references
            if state.existing.contains(referenced) { continue }
            let message = "the foreign key on \(table)(\(key.columns.joined(separator: ", "))) references \(referenced), which "
            let fix = "create \(referenced) in an earlier migration (or earlier in this one), or fix the table name"
            if state.gone.contains(referenced) {
                add(.foreignKeyUnknownTable, at: site, message + "an earlier migration dropped or renamed", fix: fix)
            } else {
                add(.foreignKeyUnknownTable, at: site, message + "no earlier migration creates", fix: fix,
                    pending: .tableExists(referenced))
            }
        }
    }

    /// New tables of the file just read that it neither commented on nor dropped again.
    private mutating func checkComments() {
        for (table, site) in createdTables where state.existing.contains(table) && !state.commented.contains(table) {
            add(.tableWithoutComment, at: site, "new table \(table) has no COMMENT ON TABLE saying what it holds",
                fix: "add COMMENT ON TABLE \(table) IS '…'; to the migration that creates it")
        }
        createdTables.removeAll()
    }

    /// Checks what needs every file read: indexes for foreign keys.
    package mutating func finish() {
        for key in foreignKeys where !key.columns.isEmpty && !state.isIndexed(key.table, columns: key.columns) {
            let columns = key.columns.joined(separator: ", ")
            // The fix as it must be typed: quoted where PostgreSQL needs it, named, and re-runnable.
            let indexName = sqlIdentifier(String(([key.table.name] + key.columns + ["idx"]).joined(separator: "_").utf8.prefix(63)) ?? "\(key.table.name)_idx")
            let quotedColumns = key.columns.map(sqlIdentifier).joined(separator: ", ")
            // A table from before these files may have its index in main's history.
            let pending: Candidate.Pending? = state.existing.contains(key.table) ? nil : .indexed(key.table, columns: key.columns)
            add(.foreignKeyWithoutIndex, at: key.at,
                "no index starts with \(key.table)(\(columns)), the foreign key's columns: deleting or updating a referenced row scans \(key.table), and joins on it are slow",
                fix: "CREATE INDEX \(key.isNew ? "" : "CONCURRENTLY ")IF NOT EXISTS \(indexName) ON \(key.table) (\(quotedColumns))", pending: pending)
        }
        // Stable: findings on one line keep the order the rules found them in.
        candidates = candidates.enumerated()
            .sorted { ($0.element.file, $0.element.finding.line, $0.offset) < ($1.element.file, $1.element.finding.line, $1.offset) }
            .map(\.element)
    }

    // MARK: Suppression comments

    private mutating func lintAllows(_ script: ReviewScript, path: String, file: Int) {
        for (allow, text) in script.allowComments.map({ ($0.allow, $0.text) }) {
            let site = Site(file: file, path: path, line: allow.line, allows: [])
            if allow.reason == nil {
                add(.allowWithoutReason, at: site,
                    "'\(text)' gives no reason, so it allows nothing",
                    fix: "write '-- gitgate:allow \(allow.rules.first ?? "RULE") because <why this is safe>'")
            }
            let unknown = allow.rules.filter { Rule(rawValue: $0)?.canBeAllowed != true }
            if allow.rules.isEmpty || !unknown.isEmpty {
                let named = unknown.isEmpty ? "names no rule" : "names \(unknown.joined(separator: ", ")), which gitgate:allow cannot silence"
                add(.allowUnknownRule, at: site, "'\(text)' \(named)",
                    fix: "name the rule as the finding shows it, e.g. destructive-drop")
            }
        }
    }

    // MARK: Recording

    private mutating func add(_ rule: Rule, at site: Site, _ message: String, fix: String,
                              pending: Candidate.Pending? = nil) {
        candidates.append(Candidate(
            finding: Finding(path: site.path, rule: rule.rawValue, severity: rule.severity, line: site.line,
                             message: message, fix: fix),
            file: site.file, allows: site.allows, lockTable: nil, pending: pending))
    }

    private mutating func addLock(_ rule: Rule, _ table: QualifiedName, at site: Site, _ message: String, fix: String) {
        add(rule, at: site, message, fix: fix)
        candidates[candidates.count - 1].lockTable = table
    }
}

extension TableSet {
    package init(_ table: QualifiedName) {
        self.init()
        insert(table)
    }
}

extension DatabaseObject {
    /// The table this object is, or belongs to.
    package var table: QualifiedName? {
        switch self {
        case .table(let name): return name
        case .column(let table, _), .constraint(let table, _), .trigger(_, let table): return table
        case .index(_, let table): return table
        default: return nil
        }
    }
}
