import Foundation
import GitGateConfig
import GitGateLint

/// dbmate: `20240101120000_create_users.sql` holding both directions:
/// `-- migrate:up` then `-- migrate:down`, each marker optionally followed by `transaction:false`.
/// dbmate takes the version from the name's leading digits and requires both markers, up first;
/// only the up block runs forward.
package struct DbmateLayout: LayoutRules {
    package var layout: Layout { .dbmate }

    package func claim(_ relativePath: String) -> MigrationFile? {
        guard !relativePath.contains("/"), relativePath.utf8.hasSuffix(".sql") else { return nil }
        let stem = relativePath.dropLast(4)
        let digits = stem.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty else { return nil }
        var name = stem.dropFirst(digits.count)
        if name.first == "_" { name = name.dropFirst() }
        return MigrationFile(version: String(digits), name: String(name), role: .up, path: relativePath)
    }

    package func recognizes(_ contents: Data) -> Bool { !markers(in: contents).isEmpty }

    /// `^--\s*migrate:(up|down)(\s*$|\s+\S+)` per line, as dbmate matches it.

    private func markers(in contents: Data) -> [(direction: String, line: Int, start: Int, options: String)] {
        contents.markers(prefix: "--") { line -> (String, String)? in
            guard line.hasPrefix("--") else { return nil }
            let rest = line.dropFirst(2).drop { $0 == " " || $0 == "\t" }
            guard rest.hasPrefix("migrate:") else { return nil }
            let word = rest.dropFirst("migrate:".count)
            for direction in ["up", "down"] where word.hasPrefix(direction) {
                let after = word.dropFirst(direction.count)
                guard after.isEmpty || after.first == " " || after.first == "\t" else { continue }
                return (direction, after.trimmingCharacters(in: .whitespaces))
            }
            return nil
        }.map { (direction: $0.value.0, line: $0.line, start: $0.start, options: $0.value.1) }
    }

    package func parts(of file: MigrationFile, contents: Data, sibling: (String) -> Data?) -> Result<[MigrationPart], LayoutProblem> {
        let found = markers(in: contents)
        let ups = found.filter { $0.direction == "up" }
        let downs = found.filter { $0.direction == "down" }
        guard let up = ups.first else {
            return .failure(LayoutProblem(line: 1, message: "has no '-- migrate:up' marker, which dbmate requires; put it above the forward statements"))
        }
        if ups.count > 1 {
            return .failure(LayoutProblem(line: ups[1].line, message: "has a second '-- migrate:up' marker (the first is on line \(up.line)); dbmate reads one up block per file: move the rest into a new migration"))
        }
        guard let down = downs.first else {
            return .failure(LayoutProblem(line: up.line, message: "has no '-- migrate:down' marker, which dbmate requires; add '-- migrate:down' after the up block"))
        }
        if downs.count > 1 {
            return .failure(LayoutProblem(line: downs[1].line, message: "has a second '-- migrate:down' marker (the first is on line \(down.line)); keep one down block"))
        }
        guard up.start < down.start else {
            return .failure(LayoutProblem(line: down.line, message: "has '-- migrate:down' before '-- migrate:up'; dbmate wants the up block first"))
        }
        let transaction = !up.options.split(separator: " ").contains("transaction:false")
        return .success([MigrationPart(up: up.start..<down.start, down: down.start..<contents.count, transaction: transaction)])
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).sql" }
}
