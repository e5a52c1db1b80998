import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets

/// Every skip of the gate (`GITGATE_SKIP="reason"`), and every move of main around it that a
/// post-* hook noticed, kept in the repository's common dir so `gitgate status` and
/// `gitgate doctor` can show who skipped what, when and why.
public struct SkipLog {
    public struct Entry: Codable, Sendable, Equatable {
        public enum Kind: String, Codable, Sendable {
            /// `GITGATE_SKIP="reason"` (or the push option): a decision someone made.
            case skip
            /// main moved with no gitgate hook checking it (`--no-verify`, `core.hooksPath`, a tool
            /// that runs no hooks), noticed afterwards by a post-* hook.
            case bypass
        }

        /// ISO 8601, UTC.
        public var when: String
        public var who: String
        public var hook: String
        /// The update that went through unchecked: refs, commits, migrations.
        public var what: String
        public var reason: String
        /// nil in lines written before there were kinds: those are skips.
        public var kind: Kind?

        public init(when: String, who: String, hook: String, what: String, reason: String, kind: Kind = .skip) {
            self.when = when
            self.who = who
            self.hook = hook
            self.what = what
            self.reason = reason
            self.kind = kind
        }

        public var summary: String {
            switch kind ?? .skip {
            case .skip: return "\(when) \(who) skipped \(hook) (\(what)): \(reason)"
            case .bypass: return "\(when) gate bypassed: \(what), noticed by \(hook) as \(who): \(reason)"
            }
        }

        public var date: Date? { ISO8601DateFormatter().date(from: when) }
    }

    public let path: String

    public init(repository: Repository) {
        path = repository.commonDir.trimmingSuffix("/") + "/gitgate/skips.jsonl"
    }

    /// Appends one line; the file is shared by every worktree, so each write is a single append.
    public func append(_ entry: Entry) throws {
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            let line = Data((encodeJSON(entry) + "\n").utf8)
            let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
            guard descriptor >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            try handle.write(contentsOf: line)
        } catch {
            throw GitGateError(.io, "cannot record the skip in \(path): \(error.localizedDescription); check the folder's permissions")
        }
    }

    /// Every recorded skip, oldest first; lines that do not parse are ignored.
    public func entries() throws -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        let decoder = JSONDecoder()
        return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
            try? decoder.decode(Entry.self, from: Data($0.utf8))
        }
    }

    /// The newest skips of the last `days` days, newest last.
    public func recent(days: Int = 14, limit: Int = 3, now: Date = Date()) -> [Entry] {
        let since = now.addingTimeInterval(-Double(days) * 86_400)
        let all = (try? entries()) ?? []
        return Array(all.filter { ($0.date ?? .distantPast) >= since }.suffix(limit))
    }

    /// "Name <email>" from git config, else the login name.
    public static func identity(repository: Repository, environment: [String: String]) -> String {
        let config = try? repository.config()
        let name = environment["GIT_AUTHOR_NAME"]?.nonEmpty ?? config?.string("user.name")?.nonEmpty
        let email = environment["GIT_AUTHOR_EMAIL"]?.nonEmpty ?? config?.string("user.email")?.nonEmpty
        switch (name, email) {
        case let (name?, email?): return "\(name) <\(email)>"
        case let (name?, nil): return name
        case let (nil, email?): return "<\(email)>"
        default: return environment["USER"]?.nonEmpty ?? environment["LOGNAME"]?.nonEmpty ?? "unknown user"
        }
    }

    public static func timestamp(_ date: Date = Date()) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }
}
