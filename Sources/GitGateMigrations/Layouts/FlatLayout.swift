import Foundation
import GitGateConfig
import GitGateLint

/// `001_create_users.sql`: one file, one migration, run whole. The version is the part before the first `_`.
package struct FlatLayout: LayoutRules {
    package var layout: Layout { .flat }

    package func claim(_ relativePath: String) -> MigrationFile? {
        guard !relativePath.utf8.contains(UInt8(ascii: "/")), relativePath.utf8.hasSuffix(".sql"),
              !relativePath.utf8.hasSuffix(".up.sql"), !relativePath.utf8.hasSuffix(".down.sql") else { return nil }
        guard let (version, name) = Layout.splitVersion(String(relativePath.dropLast(4))) else { return nil }
        return MigrationFile(version: version, name: name, role: .up, path: relativePath)
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).sql" }
}
