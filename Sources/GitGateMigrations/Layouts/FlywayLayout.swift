import Foundation
import GitGateConfig
import GitGateLint

/// Flyway: `V3__add_index.sql` (versioned), `R__views.sql` (repeatable: no version, re-run when
/// it changes, after the versioned ones), `U3__add_index.sql` (undo: the rollback of V3, never
/// run forward). Flyway scans folders recursively; the name alone carries the version.
package struct FlywayLayout: LayoutRules {
    package var layout: Layout { .flyway }

    package func claim(_ relativePath: String) -> MigrationFile? {
        let fileName = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        guard fileName.utf8.hasSuffix(".sql") else { return nil }
        let stem = String(fileName.dropLast(4))
        guard let separator = stem.range(of: "__") else { return nil }
        let prefix = stem[..<separator.lowerBound]
        let description = String(stem[separator.upperBound...])
        guard !description.isEmpty, let kind = prefix.first else { return nil }
        let version = String(prefix.dropFirst())
        switch kind {
        case "V", "U":
            guard Layout.isFlywayVersion(version) else { return nil }
            return MigrationFile(version: version, name: description, role: kind == "V" ? .up : .undo, path: relativePath)
        case "R":
            guard version.isEmpty else { return nil }
            return MigrationFile(version: "R__" + description, name: description, role: .up, isRepeatable: true, path: relativePath)
        default:
            return nil
        }
    }

    package func renamed(_ relativePath: String, from version: String, to newVersion: String) -> String {
        let parts = relativePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard let last = parts.last, last.hasPrefix("V" + version + "__") else { return relativePath }
        return (parts.dropLast() + ["V" + newVersion + last.dropFirst(1 + version.count)]).joined(separator: "/")
    }

    package func example(for stem: String, nextVersion: String) -> String { "V\(nextVersion)__\(stem).sql" }
}
