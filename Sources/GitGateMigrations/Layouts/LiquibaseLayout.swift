import Foundation
import GitGateConfig
import GitGateLint

/// Liquibase formatted SQL: a file whose first non-blank line is `--liquibase formatted sql`,
/// holding changesets `--changeset author:id [attribute:value …]`, each running to the next.
/// A changeset is a migration, identified by id, author and file. `runInTransaction:false` runs
/// it outside a transaction; `dbms:` limits it to some databases (a PostgreSQL target skips the
/// others); its `--rollback` lines are comments to PostgreSQL.
package struct LiquibaseLayout: LayoutRules {
    package var layout: Layout { .liquibase }

    package func claim(_ relativePath: String) -> MigrationFile? {
        guard relativePath.lowercased().hasSuffix(".sql") else { return nil }
        let fileName = relativePath.split(separator: "/").last.map(String.init) ?? relativePath
        return MigrationFile(version: String(fileName.dropLast(4)), name: "", role: .up, path: relativePath)
    }

    package func recognizes(_ contents: Data) -> Bool { header(in: contents) != nil }

    private func header(in contents: Data) -> Int? {
        guard let first = contents.firstLine(where: { range, _ in !Self.isBlank(contents, range) }) else { return nil }
        if let bytes = Self.ascii(contents, first.range) { return Self.isHeader(bytes) ? first.number : nil }
        let words = contents.text(first.range).lowercased().trimmingCharacters(in: .whitespaces)
        guard words.hasPrefix("--") else { return nil }
        let rest = words.dropFirst(2).drop(while: \.isWhitespace)
        guard rest.hasPrefix("liquibase") else { return nil }
        return rest.dropFirst("liquibase".count).drop(while: \.isWhitespace).hasPrefix("formatted") ? first.number : nil
    }

    // Most first lines are ASCII: read them as bytes (Foundation's trimming goes through NSString).
    // Foundation's `.whitespaces` is tab and space in ASCII; `Character.isWhitespace` adds \n, \v, \f, \r.

    private static func ascii(_ contents: Data, _ range: Range<Int>) -> [UInt8]? {
        let bytes = [UInt8](contents[(contents.startIndex + range.lowerBound)..<(contents.startIndex + range.upperBound)])
        return bytes.allSatisfy { $0 < 0x80 } ? bytes : nil
    }

    private static func isBlank(_ contents: Data, _ range: Range<Int>) -> Bool {
        guard let bytes = ascii(contents, range) else { return contents.text(range).trimmingCharacters(in: .whitespaces).isEmpty }
        return bytes.allSatisfy { $0 == 0x20 || $0 == 0x09 }
    }

    /// `--liquibase formatted` after optional spaces or tabs, any case, whitespace allowed between the words.
    private static func isHeader(_ line: [UInt8]) -> Bool {
        let lowered = line.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        var rest = lowered.drop { $0 == 0x20 || $0 == 0x09 }
        guard rest.starts(with: "--".utf8) else { return false }
        rest = rest.dropFirst(2).drop { [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20].contains($0) }
        guard rest.starts(with: "liquibase".utf8) else { return false }
        rest = rest.dropFirst("liquibase".utf8.count).drop { [0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20].contains($0) }
        return rest.starts(with: "formatted".utf8)
    }

    package func parts(of file: MigrationFile, contents: Data, sibling: (String) -> Data?) -> Result<[MigrationPart], LayoutProblem> {
        guard header(in: contents) != nil else {
            return .failure(LayoutProblem(line: 1, message: "does not start with '--liquibase formatted sql'; add that line, or list the file under gitgate.ignore"))
        }
        var starts: [(line: Int, start: Int, author: String, id: String, attributes: [String: String])] = []
        for (range, number) in contents.lineRanges() {
            let line = contents.text(range).trimmingCharacters(in: .whitespaces)
            guard line.hasPrefix("--") else { continue }
            let rest = line.dropFirst(2).drop(while: \.isWhitespace)
            guard rest.lowercased().hasPrefix("changeset") else { continue }
            let body = rest.dropFirst("changeset".count)
            guard body.first?.isWhitespace == true else { continue }
            guard let (author, id, attributes) = Self.changeset(String(body.drop(while: \.isWhitespace))) else {
                return .failure(LayoutProblem(line: number, message: "has a changeset line Liquibase cannot read; write '--changeset author:id'"))
            }
            starts.append((number, range.lowerBound, author, id, attributes))
        }
        guard !starts.isEmpty else {
            return .failure(LayoutProblem(line: 1, message: "has no '--changeset author:id' line; Liquibase would run nothing from it"))
        }
        var seen: [String: Int] = [:]
        var parts: [MigrationPart] = []
        for (index, changeset) in starts.enumerated() {
            let key = changeset.author.lowercased() + ":" + changeset.id.lowercased()
            if let earlier = seen[key] {
                return .failure(LayoutProblem(line: changeset.line, message: "repeats changeset \(changeset.author):\(changeset.id) of line \(earlier); give it another id"))
            }
            seen[key] = changeset.line
            guard Self.runsOnPostgres(changeset.attributes["dbms"]) else { continue }
            // The blank lines before the next changeset are not part of this one.
            var end = index + 1 < starts.count ? starts[index + 1].start : contents.count
            while end > changeset.start, let byte = contents[contents.startIndex + end - 1] as UInt8?, byte == 0x0A || byte == 0x0D || byte == 0x20 || byte == 0x09 {
                end -= 1
            }
            parts.append(MigrationPart(
                version: "\(changeset.author):\(changeset.id)", name: changeset.id, up: changeset.start..<end,
                transaction: changeset.attributes["runintransaction"]?.lowercased() != "false",
                changeset: Migration.Changeset(id: changeset.id, author: changeset.author, file: file.path, index: index)))
        }
        return .success(parts)
    }

    /// `author:id attr:value …`, either of author and id possibly in double quotes.
    package static func changeset(_ text: String) -> (String, String, [String: String])? {
        var rest = Substring(text)
        func token(until stop: Character?) -> String? {
            if rest.first == "\"" {
                rest = rest.dropFirst()
                guard let close = rest.firstIndex(of: "\"") else { return nil }
                defer { rest = rest[rest.index(after: close)...] }
                return String(rest[..<close])
            }
            let end = rest.firstIndex { $0 == stop || $0.isWhitespace } ?? rest.endIndex
            defer { rest = rest[end...] }
            return String(rest[..<end])
        }
        guard let author = token(until: ":"), !author.isEmpty, rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop(while: \.isWhitespace)
        guard let id = token(until: nil), !id.isEmpty else { return nil }
        var attributes: [String: String] = [:]
        for word in rest.split(whereSeparator: \.isWhitespace) {
            let pair = word.split(separator: ":", maxSplits: 1).map(String.init)
            if pair.count == 2 { attributes[pair[0].lowercased()] = pair[1] }
        }
        return (author, id, attributes)
    }

    /// `dbms:postgresql,h2`, `dbms:!mysql`, `dbms:all`, `dbms:none`.
    package static func runsOnPostgres(_ dbms: String?) -> Bool {
        guard let dbms, !dbms.isEmpty else { return true }
        let names = dbms.lowercased().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if names.contains("none") { return false }
        if names.contains("!postgresql") { return false }
        if names.contains("all") || names.contains("postgresql") { return true }
        return names.allSatisfy { $0.hasPrefix("!") }
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(stem).sql, starting with '--liquibase formatted sql'" }
}
