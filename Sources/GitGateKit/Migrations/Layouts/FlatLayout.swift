import Foundation

/// `001_create_users.sql`: one file, one migration, run whole. The version is the part before the first `_`.
struct FlatLayout: LayoutRules {
    var layout: Layout { .flat }

    func claim(_ relativePath: String) -> MigrationFile? {
        guard !relativePath.utf8.contains(UInt8(ascii: "/")), relativePath.utf8.hasSuffix(".sql"),
              !relativePath.utf8.hasSuffix(".up.sql"), !relativePath.utf8.hasSuffix(".down.sql") else { return nil }
        guard let (version, name) = Layout.splitVersion(String(relativePath.dropLast(4))) else { return nil }
        return MigrationFile(version: version, name: name, role: .up, path: relativePath)
    }

    func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).sql" }
}
