import GitGateConfig
import GitGateLint

/// What the inspector found: the migrations a branch would bring into main, and what about
/// them is wrong before any database is asked.
public struct Inspection: Sendable {
    public var branch: String
    /// The main branch's name.
    public var base: String
    public var mergeBase: String?
    public var head: String
    public var layout: Layout?
    public var migrationsFolder: String
    /// The migrations the branch adds, in version order.
    public var migrations: [Migration]
    /// Conflicts (block) and warnings, in the order found.
    public var problems: [Problem]
    /// The database the targets run, which picks pop's files (`gitgate.dialect`).
    public var dialect: String = "postgres"

    /// The main branch itself: its migrations are everything main has, not what a merge would bring.
    public var isMain: Bool { branch == base }

    public var conflicts: [Problem] { problems.filter { $0.severity == .error } }
    public var warnings: [Problem] { problems.filter { $0.severity == .warning } }
}

/// Something wrong with the branch's migrations as files: a conflict blocks the merge.
public struct Problem: Sendable, Hashable, Codable {
    public enum Severity: String, Sendable, Codable, Comparable {
        case warning, error
        public static func < (a: Severity, b: Severity) -> Bool { a == .warning && b == .error }
    }

    /// Short kebab-case name, stable for scripts: `duplicate-version`, `history-changed`, …
    public var code: String
    public var severity: Severity
    public var message: String
    /// Paths the problem is about, relative to the repository root.
    public var paths: [String]

    public init(_ code: String, _ severity: Severity, _ message: String, paths: [String] = []) {
        self.code = code
        self.severity = severity
        self.message = message
        self.paths = paths
    }
}
