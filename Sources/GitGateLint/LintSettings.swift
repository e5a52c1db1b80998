
/// The repository's lint policy: `[gitgate "lint"]` and `[gitgate "lint.severity"]` in main's
/// committed `.gitgate`.
public struct LintSettings: Sendable, Hashable {
    public enum Level: String, Sendable, Hashable, CaseIterable {
        case error, warning, off
    }

    /// `disable = RULE`: the rule does not run.
    public var disabled: Set<Rule> = []
    /// `enable = RULE`: a rule that is off by default runs.
    public var enabled: Set<Rule> = []
    /// `[gitgate "lint.severity"] RULE = error|warning|off`: final, not raised on large tables.
    public var levels: [Rule: Level] = [:]
    /// The major version production runs (`postgresVersion = 13`); nil: 12 or later.
    public var postgresVersion: Int?
    /// `assumeInTransaction = true`: the tool runs each migration inside a transaction block.
    public var assumeInTransaction = false

    /// The major versions the advice covers (others are refused as a setting).
    public static let oldestPostgres = 9
    public static let newestPostgres = 30

    public init(disabled: Set<Rule> = [], enabled: Set<Rule> = [], levels: [Rule: Level] = [:],
                postgresVersion: Int? = nil, assumeInTransaction: Bool = false) {
        self.disabled = disabled
        self.enabled = enabled
        self.levels = levels
        self.postgresVersion = postgresVersion
        self.assumeInTransaction = assumeInTransaction
    }

    public func isEnabled(_ rule: Rule) -> Bool {
        if levels[rule] == .off || disabled.contains(rule) { return false }
        return rule.enabledByDefault || enabled.contains(rule) || levels[rule] != nil
    }

    /// Production runs a major version older than `major` (unknown counts as new enough).
    public func postgresBefore(_ major: Int) -> Bool {
        postgresVersion.map { $0 < major } ?? false
    }
}
