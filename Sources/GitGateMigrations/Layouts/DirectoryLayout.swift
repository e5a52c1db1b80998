import Foundation
import GitGateConfig
import GitGateLint

/// A folder per migration. diesel: `2019-02-26-002946_create_user/up.sql` with `down.sql` and
/// an optional `metadata.toml`; prisma: `20230101000000_init/migration.sql`.
package struct DirectoryLayout: LayoutRules {
    package var layout: Layout { .directory }

    package func claim(_ relativePath: String) -> MigrationFile? {
        let components = relativePath.split(separator: "/", omittingEmptySubsequences: true)
        guard components.count == 2 else { return nil }
        let role: MigrationFile.Role
        switch components[1] {
        case "up.sql", "migration.sql": role = .up
        case "down.sql": role = .down
        default: return nil
        }
        guard let (version, name) = Layout.splitVersion(String(components[0])) else { return nil }
        return MigrationFile(version: version, name: name, role: role, path: relativePath)
    }

    /// diesel runs a migration in a transaction unless its `metadata.toml` says otherwise. Its
    /// reader defaults the key to false once the file exists (serde's default for a bool), and
    /// to true when there is no file.
    package func parts(of file: MigrationFile, contents: Data, sibling: (String) -> Data?) -> Result<[MigrationPart], LayoutProblem> {
        var transaction = true
        let folder = file.path.split(separator: "/").dropLast().joined(separator: "/")
        if file.path.hasSuffix("/up.sql"), let metadata = sibling(folder + "/metadata.toml") {
            transaction = false
            for line in String(decoding: metadata, as: UTF8.self).split(whereSeparator: \.isNewline) {
                let parts = line.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                if parts.count == 2, parts[0] == "run_in_transaction" {
                    transaction = parts[1].hasPrefix("true")
                }
            }
        }
        return .success([MigrationPart(up: 0..<contents.count, transaction: transaction)])
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem)/up.sql" }
}
