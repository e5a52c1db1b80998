import Digest
import Foundation
import GitGateConfig
import GitGateLint

/// Atlas: every `.sql` file of the folder, in name order, the version being the name up to the
/// first `_`; `atlas.sum` guards the folder: its first line `h1:<sum>`, then `<file> h1:<hash>`
/// per file, where each hash is the running SHA-256 over every file's name and bytes so far
/// (base64), and the sum is the SHA-256 over every name and hash. `-- atlas:txmode none` runs a
/// file outside a transaction.
package struct AtlasLayout: LayoutRules {
    package var layout: Layout { .atlas }

    package func claim(_ relativePath: String) -> MigrationFile? {
        guard !relativePath.contains("/"), relativePath.utf8.hasSuffix(".sql") else { return nil }
        let stem = String(relativePath.dropLast(4))
        let version = stem.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? stem
        let name = stem.count > version.count ? String(stem.dropFirst(version.count + 1)) : ""
        return MigrationFile(version: version, name: name, role: .up, path: relativePath)
    }

    package func parts(of file: MigrationFile, contents: Data, sibling: (String) -> Data?) -> Result<[MigrationPart], LayoutProblem> {
        let txmodeNone = contents.lineRanges().prefix { contents.text($0.range).hasPrefix("--") || $0.range.isEmpty }
            .contains { contents.text($0.range).replacingOccurrences(of: " ", with: "").lowercased() == "--atlas:txmodenone" }
        return .success([MigrationPart(up: 0..<contents.count, transaction: !txmodeNone)])
    }

    package func example(for stem: String, nextVersion: String) -> String { "\(nextVersion)_\(stem).sql" }

    /// What `atlas migrate validate` would say of the folder: nil when `atlas.sum` matches the
    /// files (`files`: names relative to the folder, `read` their bytes).
    package static func validate(files: [String], read: (String) -> Data?) -> LayoutProblem? {
        guard let sumFile = read("atlas.sum") else {
            return LayoutProblem(line: 1, message: "is missing, and Atlas refuses a folder without it; run 'atlas migrate hash'")
        }
        let lines = String(decoding: sumFile, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        guard let first = lines.first, first.hasPrefix("h1:") else {
            return LayoutProblem(line: 1, message: "does not start with 'h1:<sum>'; regenerate it with 'atlas migrate hash'")
        }
        var recorded: [(name: String, hash: String)] = []
        for (index, line) in lines.enumerated().dropFirst() where !line.isEmpty {
            guard let range = line.range(of: " h1:") else {
                return LayoutProblem(line: index + 1, message: "line \(index + 1) is not '<file> h1:<hash>'; regenerate it with 'atlas migrate hash'")
            }
            recorded.append((String(line[..<range.lowerBound]).trimmingCharacters(in: .whitespaces), String(line[range.upperBound...])))
        }
        var sumOfRecorded = RunningSHA256()
        for entry in recorded { sumOfRecorded.update(Data(entry.name.utf8)); sumOfRecorded.update(Data(entry.hash.utf8)) }
        guard Data(sumOfRecorded.digest()).base64EncodedString() == first.dropFirst(3) else {
            return LayoutProblem(line: 1, message: "was edited by hand: its sum does not match its own lines; regenerate it with 'atlas migrate hash'")
        }
        var running = RunningSHA256()
        var computed: [(name: String, hash: String)] = []
        for name in files.filter({ !$0.contains("/") && $0.hasSuffix(".sql") }).sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            guard let bytes = read(name) else { continue }
            running.update(Data(name.utf8))
            if String(decoding: bytes.prefix(4096), as: UTF8.self).contains("atlas:sum ignore") { continue }
            running.update(bytes)
            computed.append((name, Data(running.digest()).base64EncodedString()))
        }
        for (index, entry) in computed.enumerated() {
            guard index < recorded.count, recorded[index].name == entry.name else {
                return LayoutProblem(line: min(index, recorded.count) + 2, message: "does not list \(entry.name) where Atlas expects it; run 'atlas migrate hash' (and check that no migration was edited after it was applied)")
            }
            guard recorded[index].hash == entry.hash else {
                return LayoutProblem(line: index + 2, message: "does not match \(entry.name): the file (or one before it) changed since 'atlas migrate hash'; run it again, or restore the file")
            }
        }
        if recorded.count > computed.count {
            return LayoutProblem(line: computed.count + 2, message: "lists \(recorded[computed.count].name), which is not in the folder; run 'atlas migrate hash'")
        }
        return nil
    }
}
