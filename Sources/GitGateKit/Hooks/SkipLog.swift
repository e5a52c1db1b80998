import Foundation
import Git

/// Every skip of the gate (`GITGATE_SKIP="reason"`), kept in the repository's common dir so
/// `gitgate status` and `gitgate doctor` can show who skipped what, when and why.
public struct SkipLog {
    public struct Entry: Codable, Sendable, Equatable {
        public var when: String
        public var who: String
        public var hook: String
        public var what: String
        public var reason: String

        public var summary: String { "\(when) \(who) skipped \(hook) (\(what)): \(reason)" }
    }

    public let path: String

    public init(repository: Repository) {
        path = repository.commonDir.trimmingSuffix("/") + "/gitgate/skips.jsonl"
    }

    public func append(_ entry: Entry) throws {
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let line = encodeJSON(entry) + "\n"
        if let handle = FileHandle(forWritingAtPath: path) {
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(line.utf8))
        } else {
            try Data(line.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    public func entries() throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? decoder.decode(Entry.self, from: Data($0.utf8))
        }
    }
}
