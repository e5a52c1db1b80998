import Foundation
import GitGateConfig
import GitGateLint

/// golang-migrate: `20240101120000_add_x.up.sql` and `20240101120000_add_x.down.sql`.
package struct UpDownLayout: LayoutRules {
    package var layout: Layout { .updown }

    package func claim(_ relativePath: String) -> MigrationFile? {
        guard !relativePath.utf8.contains(UInt8(ascii: "/")) else { return nil }
        let role: MigrationFile.Role
        let stem: String
        if relativePath.utf8.hasSuffix(".up.sql") {
            role = .up; stem = String(relativePath.dropLast(7))
        } else if relativePath.utf8.hasSuffix(".down.sql") {
            role = .down; stem = String(relativePath.dropLast(9))
        } else {
            return nil
        }
        guard let (version, name) = Layout.splitVersion(stem) else { return nil }
        return MigrationFile(version: version, name: name, role: role, path: relativePath)
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).up.sql" }
}
