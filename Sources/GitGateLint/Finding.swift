
/// One thing the review found in a migration file.
public struct Finding: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// The file as the user named it (or repository-relative for the branch's migrations).
    public var path: String
    /// Stable rule name, e.g. `destructive-drop`; used by `-- gitgate:allow RULE because …`.
    public var rule: String
    public var severity: Severity
    /// 1-based line of the statement's first token.
    public var line: Int
    public var message: String
    /// How to do it safely.
    public var fix: String
    /// The reason given in a `gitgate:allow` comment, when the finding was reviewed and allowed.
    public var allowedBecause: String?

    public init(path: String, rule: String, severity: Severity, line: Int, message: String, fix: String,
                allowedBecause: String? = nil) {
        self.path = path
        self.rule = rule
        self.severity = severity
        self.line = line
        self.message = message
        self.fix = fix
        self.allowedBecause = allowedBecause
    }

    /// An error that nobody allowed: it blocks the gate and `apply`.
    public var blocks: Bool { severity == .error && allowedBecause == nil }
}
