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
        let fileName = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        var pieces = fileName.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard pieces.count >= 3, pieces.removeLast() == "sql" else { return nil }
        let direction = pieces.removeLast()
        guard direction == "up" || direction == "down" else { return nil }
        var transaction = true
        if pieces.count > 1, pieces.last == "autocommit" {
            transaction = false
            pieces.removeLast()
        }
        var dialect: String?
        if pieces.count == 2 {
            guard let known = Self.dialects[pieces.removeLast()] else { return nil }  // pop skips unknown dialects
            dialect = known
        }
        guard pieces.count == 1, let (version, name) = Layout.splitVersion(pieces[0]),
              version.allSatisfy({ $0.isASCII && $0.isNumber }), !name.isEmpty else { return nil }
        return MigrationFile(version: version, name: name, role: direction == "up" ? .up : .down, path: relativePath,
                             dialect: dialect, transaction: transaction)
    }

    /// A name only pop writes: a dialect or `.autocommit.` before `.up.sql`/`.down.sql`.
    static func hasDialectOrAutocommit(_ relativePath: String) -> Bool {
        guard let file = PopLayout().claim(relativePath) else { return false }
        return file.dialect != nil || !file.transaction
    }

    func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).postgres.up.sql" }
}
