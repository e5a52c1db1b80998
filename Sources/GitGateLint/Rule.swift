import SQL

/// A review rule: its stable name (what users write in `-- gitgate:allow RULE because …`, in
/// `.gitgate` and what scripts read in the JSON), what it catches and why, the fix, and examples
/// that are its tests and its documentation. Each rule is one file under `Rules/`; `Rules.all`
/// registers them.
public struct Rule: Sendable, Hashable, Codable, RawRepresentable, CaseIterable, CustomStringConvertible {
    public enum Category: String, Sendable, CaseIterable {
        case dataLoss = "Data loss"
        case locks = "Locks on existing tables"
        case transactions = "Transactions"
        case types = "Column types"
        case checklist = "The checklist"
        case file = "The file"
        case suppressions = "Suppressions"
        case preflight = "Production's rows (preflight)"
        case expandContract = "Expand and contract"
    }

    public let rawValue: String
    /// The severity before production sizes and the repository's configuration are known.
    public let severity: Finding.Severity
    public let category: Category
    /// About a lock held on an existing table: raised to an error when the table is large.
    public let isLockRule: Bool
    /// Whether `-- gitgate:allow` can silence it (not the file-level and suppression rules).
    public let canBeAllowed: Bool
    /// Off unless `.gitgate` enables it (`[gitgate "lint"] enable = RULE`).
    public let enabledByDefault: Bool
    /// Reported at most once per file (the fix is one line for the whole file).
    public let oncePerFile: Bool
    /// A preflight: decided by a bounded query on a target's rows (`lint --target`, `plan`,
    /// `apply`), never by the files alone.
    public let isPreflight: Bool
    /// Decided by searching the repository's source files (expand/contract), never by the files alone.
    public let searchesCode: Bool
    /// One line for `gitgate lint --rules` and the README.
    public let summary: String
    /// Why it matters, for `gitgate lint --explain` and docs/rules.md.
    public let rationale: String
    /// What to do instead, in general (each finding's fix names the objects).
    public let fix: String
    /// Bad examples fire the rule at their line; good ones do not. Tests run them all.
    public let examples: [RuleExample]
    /// The statement-level check of rules that hold their own logic (the older rules live in `Linter`).
    package let check: (@Sendable (RuleContext) -> [RuleHit])?

    package init(_ name: String, _ severity: Finding.Severity, _ category: Category, lock: Bool = false,
         canBeAllowed: Bool = true, enabledByDefault: Bool = true, oncePerFile: Bool = false, preflight: Bool = false,
         searchesCode: Bool = false,
         summary: String, rationale: String, fix: String, examples: [RuleExample],
         check: (@Sendable (RuleContext) -> [RuleHit])? = nil) {
        rawValue = name
        self.severity = severity
        self.category = category
        isLockRule = lock
        self.canBeAllowed = canBeAllowed
        self.enabledByDefault = enabledByDefault
        self.oncePerFile = oncePerFile
        isPreflight = preflight
        self.searchesCode = searchesCode
        self.summary = summary
        self.rationale = rationale
        self.fix = fix
        self.examples = examples
        self.check = check
    }

    /// A registered rule, nil for any other name.
    public init?(rawValue: String) {
        guard let rule = Rules.byName[rawValue] else { return nil }
        self = rule
    }

    public static var allCases: [Rule] { Rules.all }

    public var description: String { rawValue }

    public static func == (a: Rule, b: Rule) -> Bool { a.rawValue == b.rawValue }
    public func hash(into hasher: inout Hasher) { hasher.combine(rawValue) }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let rule = Rule(rawValue: name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "no rule named \(name)"))
        }
        self = rule
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// The registered rule closest to `name`, for "did you mean".
    public static func closest(to name: String) -> Rule? {
        let lowered = name.lowercased()
        return Rules.all.min { editDistance($0.rawValue, lowered) < editDistance($1.rawValue, lowered) }
    }
}

/// One example of a rule, run as a test and shown in docs/rules.md. It runs as a second file
/// after `RuleExample.existingSchema`, so the tables it names already hold rows.
public struct RuleExample: Sendable {
    public var sql: String
    /// The line of `sql` the rule reports; nil for a good example, where it must not fire.
    public var line: Int?
    /// The repository's lint settings the example runs with (e.g. an older PostgreSQL).
    public var settings: LintSettings
    /// For a preflight: SQL that puts the rows production holds in place, after `existingSchema`.
    public var production: String?
    /// For the expand/contract check: a source file of the repository (`RuleExample.codePath`), on main and the branch.
    public var code: String?

    /// Where an example's `code` is committed.
    public static let codePath = "app/queries.py"

    public static func bad(_ sql: String, line: Int = 1, settings: LintSettings = LintSettings(),
                           production: String? = nil, code: String? = nil) -> RuleExample {
        RuleExample(sql: sql, line: line, settings: settings, production: production, code: code)
    }

    public static func good(_ sql: String, settings: LintSettings = LintSettings(), production: String? = nil,
                            code: String? = nil) -> RuleExample {
        RuleExample(sql: sql, line: nil, settings: settings, production: production, code: code)
    }

    public var isBad: Bool { line != nil }

    /// What every example runs after: a migration that created these objects earlier.
    public static let existingSchema = """
        CREATE TABLE IF NOT EXISTS users (id bigint PRIMARY KEY, email text, name text, age int);
        COMMENT ON TABLE users IS 'people';
        CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY, user_id bigint);
        CREATE INDEX IF NOT EXISTS orders_user ON orders (user_id);
        COMMENT ON TABLE orders IS 'orders';
        CREATE TABLE IF NOT EXISTS events (id bigint, at timestamptz) PARTITION BY RANGE (at);
        COMMENT ON TABLE events IS 'events';
        CREATE TABLE IF NOT EXISTS events_2020 PARTITION OF events FOR VALUES FROM ('2020-01-01') TO ('2021-01-01');
        CREATE OR REPLACE VIEW active_users AS SELECT * FROM users;
        DO $$ BEGIN CREATE TYPE mood AS ENUM ('ok'); EXCEPTION WHEN duplicate_object THEN NULL; END $$;
        CREATE SEQUENCE IF NOT EXISTS counter;
        CREATE SCHEMA IF NOT EXISTS app;
        """
}

/// What a rule's own check sees of one statement.
package struct RuleContext {
    package var statement: ReviewScript.Statement
    package var settings: LintSettings
    /// A table created by the files under review: it holds no production rows yet.
    package var isNew: (QualifiedName) -> Bool
    /// An index created by the files under review (by name as written).
    package var isNewIndex: (QualifiedName) -> Bool
    /// The statement runs inside a transaction block: after BEGIN in the file, or `assumeInTransaction`.
    package var inTransaction: Bool
    /// The file set lock_timeout before this statement.
    package var lockTimeoutSet: Bool
    /// The line of the file's BEGIN still open before this statement.
    package var openTransaction: Int?
    /// Columns the statement defines (CREATE TABLE, ADD COLUMN), with their table and whether
    /// they are part of the table's primary key. Derived once per statement: many rules read it.
    package let definedColumns: [(table: QualifiedName, column: ColumnDefinition, isKey: Bool)]
    /// The statement's effects on tables that existed before the files under review.
    package let effectsOnExistingTables: [(effect: Effect, table: QualifiedName)]

    package init(statement: ReviewScript.Statement, settings: LintSettings, isNew: @escaping (QualifiedName) -> Bool,
                 isNewIndex: @escaping (QualifiedName) -> Bool, inTransaction: Bool, lockTimeoutSet: Bool,
                 openTransaction: Int?) {
        self.statement = statement
        self.settings = settings
        self.isNew = isNew
        self.isNewIndex = isNewIndex
        self.inTransaction = inTransaction
        self.lockTimeoutSet = lockTimeoutSet
        self.openTransaction = openTransaction
        definedColumns = Self.definedColumns(of: statement)
        effectsOnExistingTables = statement.effects.compactMap { effect in
            guard let table = effect.object.table, !isNew(table) else { return nil }
            return (effect, table)
        }
    }
}

/// A rule's finding, before it is placed in a file.
package struct RuleHit {
    package var message: String
    package var fix: String
    /// The existing table the lock is on: its size on the target decides the severity.
    package var lockTable: QualifiedName?

    package init(_ message: String, fix: String, lockTable: QualifiedName? = nil) {
        self.message = message
        self.fix = fix
        self.lockTable = lockTable
    }
}
