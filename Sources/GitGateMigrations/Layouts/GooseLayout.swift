import Foundation
import GitGateConfig
import GitGateLint

/// goose: `00003_add_users.sql` with annotations `-- +goose Up`, `-- +goose Down`,
/// `-- +goose StatementBegin`/`StatementEnd` (a function body stays whole) and
/// `-- +goose NO TRANSACTION`. goose parses the version as an integer from the text before the
/// first `_`; annotations start the line, their keyword in any case. Only the Up part runs forward.
package struct GooseLayout: LayoutRules {
    package var layout: Layout { .goose }

    package func claim(_ relativePath: String) -> MigrationFile? {
        guard !relativePath.contains("/"), relativePath.utf8.hasSuffix(".sql"),
              let (version, name) = Layout.splitVersion(String(relativePath.dropLast(4))),
              version.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(version), number >= 1 else { return nil }
        return MigrationFile(version: version, name: name, role: .up, path: relativePath)
    }

    package func recognizes(_ contents: Data) -> Bool {
        annotations(in: contents).contains { $0.keyword == "up" }
    }

    private func annotations(in contents: Data) -> [(keyword: String, line: Int, start: Int)] {
        contents.markers(prefix: "-- +goose ") { line -> String? in
            guard line.hasPrefix("-- +goose ") else { return nil }
            return line.dropFirst("-- +goose ".count).trimmingCharacters(in: .whitespaces).lowercased()
                .split(whereSeparator: \.isWhitespace).joined(separator: " ")
        }.map { (keyword: $0.value, line: $0.line, start: $0.start) }
    }

    package func parts(of file: MigrationFile, contents: Data, sibling: (String) -> Data?) -> Result<[MigrationPart], LayoutProblem> {
        let found = annotations(in: contents)
        let ups = found.filter { $0.keyword == "up" }
        let downs = found.filter { $0.keyword == "down" }
        guard let up = ups.first else {
            return .failure(LayoutProblem(line: 1, message: "has no '-- +goose Up' annotation, which goose requires first; add it above the forward statements"))
        }
        if ups.count > 1 {
            return .failure(LayoutProblem(line: ups[1].line, message: "has a second '-- +goose Up' (the first is on line \(up.line)); keep one Up section"))
        }
        if downs.count > 1 {
            return .failure(LayoutProblem(line: downs[1].line, message: "has a second '-- +goose Down' (the first is on line \(downs[0].line)); keep one Down section"))
        }
        if let down = downs.first, down.start < up.start {
            return .failure(LayoutProblem(line: down.line, message: "has '-- +goose Down' before '-- +goose Up'; goose wants the Up section first"))
        }
        var open: Int?
        for annotation in found {
            switch annotation.keyword {
            case "statementbegin":
                if let open { return .failure(LayoutProblem(line: annotation.line, message: "opens '-- +goose StatementBegin' again before the one on line \(open) ends; add '-- +goose StatementEnd'")) }
                open = annotation.line
            case "statementend":
                guard open != nil else { return .failure(LayoutProblem(line: annotation.line, message: "has '-- +goose StatementEnd' with no StatementBegin before it")) }
                open = nil
            case "envsub on":
                return .failure(LayoutProblem(line: annotation.line, message: "asks goose to substitute environment variables, whose values gitgate cannot know; apply it with goose, or remove '-- +goose ENVSUB ON'"))
            case "up", "down", "no transaction", "envsub off":
                break
            default:
                return .failure(LayoutProblem(line: annotation.line, message: "has an annotation goose does not know ('-- +goose \(annotation.keyword)'); use Up, Down, StatementBegin, StatementEnd or NO TRANSACTION"))
            }
            if annotation.keyword == "down", let open {
                return .failure(LayoutProblem(line: annotation.line, message: "starts the Down section inside the StatementBegin of line \(open); close it with '-- +goose StatementEnd'"))
            }
        }
        if let open { return .failure(LayoutProblem(line: open, message: "has a '-- +goose StatementBegin' that never ends; add '-- +goose StatementEnd'")) }
        let transaction = !found.contains { $0.keyword == "no transaction" }
        let end = downs.first?.start ?? contents.count
        return .success([MigrationPart(up: up.start..<end, down: downs.first.map { $0.start..<contents.count }, transaction: transaction)])
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).sql" }

    /// goose also runs `00004_backfill.go`: code gitgate cannot read.
    package func unreadable(_ relativePath: String) -> String? {
        guard !relativePath.contains("/"), relativePath.hasSuffix(".go"), !relativePath.hasSuffix("_test.go"),
              let (version, _) = Layout.splitVersion(String(relativePath.dropLast(3))),
              version.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return "is a goose Go migration"
    }
}
