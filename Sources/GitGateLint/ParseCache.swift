import Digest
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Parse results kept between runs in `<common git dir>/gitgate/cache/parse/`, one file per
/// content: the key is the SHA-256 of the bytes parsed (a blob's id in all but name; it also
/// covers uncommitted files and the up part of a file that has a down part). The same bytes
/// always parse the same way under the same gitgate, so an entry never goes stale; a different
/// gitgate build, a corrupt or truncated file, or one for other bytes is ignored and rewritten.
///
/// Each entry is written to a temporary file and renamed into place, so concurrent runs (several
/// worktrees, hooks) only ever see whole entries. When the folder cannot be written (a read-only
/// common dir), gitgate parses as if there were no cache. The folder is bounded: after a run
/// that wrote entries, the oldest are removed past `maxEntries` or `maxBytes`.
public final class ParseCache: @unchecked Sendable {
    /// Bump when what is stored changes shape or meaning.
    public static let format = 3
    public static let maxEntries = 20_000
    public static let maxBytes = 64 << 20
    /// Larger files are parsed every time: encoding the parse of a 10 MB INSERT (every row's
    /// literals) took 180 MiB more than parsing it.
    public static let maxFileBytes = 1 << 20

    public let directory: String
    /// gitgate's version and this build's identity: an entry written by any other is ignored.
    public let version: String

    private let lock = NSLock()
    private var counts = Statistics()
    private var writable = true
    private var madeDirectory = false

    /// What this cache did in this process.
    public struct Statistics: Sendable, Equatable {
        /// Entries found whole and used.
        public var hits = 0
        /// Lookups with no usable entry (absent, corrupt, another version): the file was parsed.
        public var misses = 0
        /// Entries written.
        public var writes = 0
        /// Entries found but not trusted (corrupt, truncated, other version, other bytes).
        public var rejected = 0

        public init(hits: Int = 0, misses: Int = 0, writes: Int = 0, rejected: Int = 0) {
            self.hits = hits
            self.misses = misses
            self.writes = writes
            self.rejected = rejected
        }
    }

    /// - Parameter version: `ParseCache.currentVersion` (GitGateReview) for gitgate's own cache.
    public init(directory: String, version: String) {
        self.directory = directory
        self.version = version
    }

    public var statistics: Statistics { lock.withLock { counts } }

    /// The key of `contents`.
    public static func key(for contents: Data) -> String { SHA256.hex(contents) }

    /// Whether a whole, current entry for `contents` is stored (for tests and diagnostics).
    public func hasEntry(for contents: Data) -> Bool {
        (try? Data(contentsOf: URL(fileURLWithPath: path(Self.key(for: contents))))).flatMap { decode($0, key: Self.key(for: contents)) } != nil
    }

    package func load(key: String) -> ParsedFile? {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path(key))) else {
            count { $0.misses += 1 }
            return nil
        }
        guard let parsed = decode(data, key: key) else {
            count { $0.misses += 1; $0.rejected += 1 }
            return nil
        }
        count { $0.hits += 1 }
        return parsed
    }

    package func store(_ parsed: ParsedFile, key: String) {
        guard lock.withLock({ writable }) else { return }
        let payload = Data(parsed.cacheBytes)
        var data = Data(header(key: key, payload: payload).utf8)
        data.append(payload)
        let temporary = path(".tmp-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        do {
            if lock.withLock({ !madeDirectory }) {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                lock.withLock { madeDirectory = true }
            }
            // Written plainly, without FileManager's fsync (a third of a cold status): an entry
            // cut short by a crash fails its SHA-256 check and is written again.
            guard Self.write(data, to: temporary) else { throw CocoaError(.fileWriteNoPermission) }
            // rename(2) replaces atomically: a reader sees the old entry or the new one, never a part.
            guard rename(temporary, path(key)) == 0 else {
                unlink(temporary)
                throw CocoaError(.fileWriteUnknown)
            }
            count { $0.writes += 1 }
        } catch {
            // Read-only or full: go on without the cache for the rest of this run.
            lock.withLock { writable = false }
        }
    }

    private static func write(_ data: Data, to path: String) -> Bool {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { return false }
        var written = 0
        let complete = data.withUnsafeBytes { raw -> Bool in
            while written < raw.count {
                let count = Glibc.write(descriptor, raw.baseAddress! + written, raw.count - written)
                if count < 0 && errno == EINTR { continue }
                guard count > 0 else { return false }
                written += count
            }
            return true
        }
        guard close(descriptor) == 0, complete else {
            unlink(path)
            return false
        }
        return true
    }

    /// Removes the oldest entries (by modification time) when the folder holds more than the
    /// bounds, down to three quarters of them, and temporary files an interrupted run left.
    public func prune(maxEntries: Int = ParseCache.maxEntries, maxBytes: Int = ParseCache.maxBytes) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        var entries: [(path: String, modified: Date, size: Int)] = []
        let hourAgo = Date().addingTimeInterval(-3600)
        for name in names {
            let full = path(name)
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: full) else { continue }
            let modified = attributes[.modificationDate] as? Date ?? .distantPast
            if name.hasPrefix(".tmp-") {
                if modified < hourAgo { unlink(full) }
                continue
            }
            entries.append((full, modified, (attributes[.size] as? NSNumber)?.intValue ?? 0))
        }
        var total = entries.reduce(0) { $0 + $1.size }
        guard entries.count > maxEntries || total > maxBytes else { return }
        entries.sort { $0.modified < $1.modified }
        var count = entries.count
        for entry in entries where count > maxEntries * 3 / 4 || total > maxBytes * 3 / 4 {
            if unlink(entry.path) == 0 {
                count -= 1
                total -= entry.size
            }
        }
    }

    /// Prunes if this process wrote anything (a warm run lists nothing).
    package func finish() {
        if statistics.writes > 0 { prune() }
    }

    // MARK: Entry format
    // "gitgate-parse-cache\n<version>\n<key>\n<sha256 of payload>\n<payload: ParsedFile, ParseCacheEncoding.swift>"

    private static let magic = "gitgate-parse-cache"

    private func header(key: String, payload: Data) -> String {
        "\(Self.magic)\n\(version)\n\(key)\n\(SHA256.hex(payload))\n"
    }

    private func decode(_ data: Data, key: String) -> ParsedFile? {
        data.withUnsafeBytes { raw -> ParsedFile? in
            let bytes = raw.bindMemory(to: UInt8.self)
            var lines: [String] = []
            var start = 0
            while lines.count < 4, let newline = bytes[start...].firstIndex(of: 0x0A) {
                guard let line = String(validating: UnsafeBufferPointer(rebasing: bytes[start..<newline]), as: UTF8.self) else { return nil }
                lines.append(line)
                start = newline + 1
            }
            guard lines.count == 4, lines[0] == Self.magic, lines[1] == version, lines[2] == key else { return nil }
            let payload = UnsafeRawBufferPointer(rebasing: raw[start...])
            guard SHA256.hex(payload) == lines[3] else { return nil }
            return try? ParsedFile(cacheBytes: payload)
        }
    }

    private func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }

    private func count(_ change: (inout Statistics) -> Void) { lock.withLock { change(&counts) } }
}
