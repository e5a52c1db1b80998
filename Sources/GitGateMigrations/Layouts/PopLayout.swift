import Foundation
import GitGateConfig
import GitGateLint

/// pop (gobuffalo/pop and ory/x's popx): `<version>_<name>[.<dialect>][.autocommit].(up|down).sql`,
/// searched recursively. A version may be written once per database: a PostgreSQL target runs
/// the `.postgres.` file (also spelled `postgresql`, `pg`, `pgx`), else the file with no
/// dialect; other dialects' files are never read. `.autocommit.` runs without a transaction.
package struct PopLayout: LayoutRules {
    package var layout: Layout { .pop }

    /// pop's aliases, normalised as pop does.
    package static var dialects: [String: String] { Dialect.aliases }

    package func claim(_ relativePath: String) -> MigrationFile? {
        // Every file of every dialect is classified on each run: bytes, not Characters or splits.
        let bytes = Array(relativePath.utf8)
        var low = (bytes.lastIndex(of: UInt8(ascii: "/")) ?? -1) + 1
        var high = bytes.count
        func strip(_ suffix: StaticString) -> Bool {
            let tail = UnsafeBufferPointer(start: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
            guard high - low > tail.count, bytes[(high - tail.count)..<high].elementsEqual(tail) else { return false }
            high -= tail.count
            return true
        }
        guard strip(".sql") else { return nil }
        let role: MigrationFile.Role
        if strip(".up") { role = .up } else if strip(".down") { role = .down } else { return nil }
        let transaction = !strip(".autocommit")
        var dialect: String?
        if let dot = bytes[low..<high].lastIndex(of: UInt8(ascii: ".")) {
            guard let known = Self.dialects[String(decoding: bytes[(dot + 1)..<high], as: UTF8.self)] else { return nil }  // pop skips unknown dialects
            dialect = known
            high = dot
        }
        guard let underscore = bytes[low..<high].firstIndex(of: UInt8(ascii: "_")), underscore > low, underscore + 1 < high,
              bytes[low..<underscore].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        let version = String(decoding: bytes[low..<underscore], as: UTF8.self)
        low = underscore + 1
        return MigrationFile(version: version, name: String(decoding: bytes[low..<high], as: UTF8.self), role: role,
                             path: relativePath, dialect: dialect, transaction: transaction)
    }

    /// A name only pop writes: a dialect or `.autocommit.` before `.up.sql`/`.down.sql`.
    package static func hasDialectOrAutocommit(_ relativePath: String) -> Bool {
        guard let file = PopLayout().claim(relativePath) else { return false }
        return file.dialect != nil || !file.transaction
    }

    /// pop also runs `.fizz` migrations: its own language, which gitgate cannot read.
    package func unreadable(_ relativePath: String) -> String? {
        guard relativePath.hasSuffix(".up.fizz") else { return nil }
        return "is a pop fizz migration"
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).postgres.up.sql" }
}
