import Foundation

/// pop (gobuffalo/pop and ory/x's popx): `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`,
/// searched recursively. A version may be written once per database: a PostgreSQL target runs
/// the `.postgres.` file (also spelled `postgresql`, `pg`, `pgx`), else the file with no
/// dialect; other dialects' files are never read. `.autocommit.` runs without a transaction.
struct PopLayout: LayoutRules {
    var layout: Layout { .pop }

    /// pop's aliases, normalised as pop does.
    static let dialects: [String: String] = [
        "postgres": "postgres", "postgresql": "postgres", "pg": "postgres", "pgx": "postgres",
        "cockroach": "cockroach", "cockroachdb": "cockroach", "crdb": "cockroach",
        "mysql": "mysql", "mariadb": "mariadb", "sqlite": "sqlite3", "sqlite3": "sqlite3",
    ]

    func claim(_ relativePath: String) -> MigrationFile? {
        // Every file of every dialect is classified on each run: slices, not splits.
        var rest = relativePath[(relativePath.lastIndex(of: "/").map(relativePath.index(after:)) ?? relativePath.startIndex)...]
        guard rest.utf8.hasSuffix(".sql") else { return nil }
        rest = rest.dropLast(4)
        let role: MigrationFile.Role
        if rest.utf8.hasSuffix(".up") { role = .up; rest = rest.dropLast(3) }
        else if rest.utf8.hasSuffix(".down") { role = .down; rest = rest.dropLast(5) }
        else { return nil }
        var transaction = true
        if rest.utf8.hasSuffix(".autocommit") {
            transaction = false
            rest = rest.dropLast(11)
        }
        var dialect: String?
        if let dot = rest.lastIndex(of: ".") {
            guard let known = Self.dialects[String(rest[rest.index(after: dot)...])] else { return nil }  // pop skips unknown dialects
            dialect = known
            rest = rest[..<dot]
        }
        guard !rest.contains("."), let underscore = rest.firstIndex(of: "_") else { return nil }
        let version = rest[..<underscore], name = rest[rest.index(after: underscore)...]
        guard !version.isEmpty, !name.isEmpty, version.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return MigrationFile(version: String(version), name: String(name), role: role, path: relativePath,
                             dialect: dialect, transaction: transaction)
    }

    /// A name only pop writes: a dialect or `.autocommit.` before `.up.sql`/`.down.sql`.
    static func hasDialectOrAutocommit(_ relativePath: String) -> Bool {
        guard let file = PopLayout().claim(relativePath) else { return false }
        return file.dialect != nil || !file.transaction
    }

    func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).postgres.up.sql" }
}
