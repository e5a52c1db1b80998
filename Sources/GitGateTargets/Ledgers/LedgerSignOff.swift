import GitGateConfig

/// Who put a migration in gitgate's ledger, as its row says (ledger step 003 adds the git
/// identity; older rows name the OS or database user). Read in the check's one round trip, so
/// the merge trailers need not ask the database again.
public struct LedgerSignOff: Sendable, Hashable {
    /// `applied` or `recorded`, as gitgate.migrations.how says.
    public var how: String
    /// `Ada <ada@example.com>`, else `os user ada`, else `db user app`; nil when the row names nobody.
    public var person: String?
    /// UTC, `2026-12-02T07:30:12Z`.
    public var at: String

    public init(how: String, person: String?, at: String) {
        self.how = how
        self.person = person
        self.at = at
    }

    package static func person(name: String?, email: String?, osUser: String?, dbUser: String?) -> String? {
        switch (name?.nonEmpty, email?.nonEmpty) {
        case let (name?, email?): return "\(name) <\(email)>"
        case let (name?, nil): return name
        case let (nil, email?): return "<\(email)>"
        default: return osUser?.nonEmpty.map { "os user \($0)" } ?? dbUser?.nonEmpty.map { "db user \($0)" }
        }
    }
}
