internal import CGit2
import Foundation

/// A read-only view of git configuration: one or more snapshots, highest priority first.
///
/// Snapshots are immutable, but libgit2 does not promise they are safe to share across
/// threads, so every read takes `lock`.
public final class Config: @unchecked Sendable {
    private struct Layer {
        let handle: OpaquePointer
        /// Set when the layer is a lone file (its entries report `.file(path)`).
        let file: String?
    }

    private let layers: [Layer]
    private let lock = NSLock()

    private init(layers: [Layer]) { self.layers = layers }

    deinit { layers.forEach { git_config_free($0.handle) } }

    /// A file in git-config syntax, alone. Fails when it is missing or malformed.
    public static func open(file: String) throws -> Config {
        Libgit2.ensureInitialised()
        guard FileManager.default.fileExists(atPath: file) else {
            throw GitError(
                function: "git_config_open_ondisk", code: GIT_ENOTFOUND.rawValue,
                message: "no config file at \(file)", hint: "check the path")
        }
        return Config(layers: [try fileLayer(file)])
    }

    /// The repository's configuration (local, global, xdg, system) over the file at `path`.
    /// A missing file contributes nothing.
    static func layered(repository repo: OpaquePointer, over path: String?) throws -> Config {
        var layers = [try repositoryLayer(repo)]
        if let path, FileManager.default.fileExists(atPath: path) {
            do { layers.append(try fileLayer(path)) } catch {
                layers.forEach { git_config_free($0.handle) }
                throw error
            }
        }
        return Config(layers: layers)
    }

    private static func repositoryLayer(_ repo: OpaquePointer) throws -> Layer {
        var snapshot: OpaquePointer?
        try check(git_repository_config_snapshot(&snapshot, repo), "git_repository_config_snapshot",
                  hint: "fix the syntax error in that git config file")
        return Layer(handle: snapshot!, file: nil)
    }

    private static func fileLayer(_ path: String) throws -> Layer {
        try withHandle(
            "git_config_open_ondisk",
            hint: "fix the syntax of \(path) (git-config format)",
            create: { git_config_open_ondisk($0, path) },
            free: { git_config_free($0) }
        ) { live in
            var snapshot: OpaquePointer?
            try check(git_config_snapshot(&snapshot, live), "git_config_snapshot")
            return Layer(handle: snapshot!, file: path)
        }
    }

    private func locked<Result>(_ body: () throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }

    // MARK: Reading

    /// The value that wins: from the highest-priority layer, the last one written there.
    /// nil when unset; "" for a bare `key` line.
    public func string(_ key: String) -> String? {
        locked { unlockedString(key) }
    }

    private func unlockedString(_ key: String) -> String? {
        for layer in layers {
            var entry: UnsafeMutablePointer<git_config_entry>?
            guard git_config_get_entry(&entry, layer.handle, key) == 0, let entry else {
                git_error_clear()
                continue
            }
            defer { git_config_entry_free(entry) }
            return entry.pointee.value.map { String(cString: $0) } ?? ""
        }
        return nil
    }

    /// Every value of a multivar, lowest priority first, in file order (as `git config --get-all`).
    public func strings(_ key: String) -> [String] {
        locked {
            layers.reversed().flatMap { layer -> [String] in
                var iterator: OpaquePointer?
                guard git_config_multivar_iterator_new(&iterator, layer.handle, key, nil) == 0 else {
                    git_error_clear()
                    return []
                }
                defer { git_config_iterator_free(iterator) }
                return Self.drain(iterator, file: layer.file).map { $0.value ?? "" }
            }
        }
    }

    /// true/false as git reads them (yes/no/on/off/1/0; a bare key is true); nil when unset.
    public func bool(_ key: String) throws -> Bool? {
        try typed(key, kind: "a boolean", fix: "set it to true or false") { out, handle in
            var value: Int32 = 0
            let result = git_config_get_bool(&value, handle, key)
            out = value != 0
            return result
        }
    }

    /// An integer as git reads it (k, m, g suffixes allowed); nil when unset.
    public func int(_ key: String) throws -> Int? {
        try typed(key, kind: "an integer", fix: "set it to a whole number") { out, handle in
            var value: Int64 = 0
            let result = git_config_get_int64(&value, handle, key)
            out = Int(value)
            return result
        }
    }

    /// Every entry whose normalised name matches `regex` (POSIX extended), lowest priority first,
    /// as `git config --get-regexp` lists them.
    public func entries(matching regex: String) throws -> [ConfigEntry] {
        // Matched here, not by git_config_iterator_glob_new: libgit2 1.5 leaks pcre2 match data
        // for every name that does not match (found by fuzz/run).
        let pattern: NSRegularExpression
        do {
            pattern = try NSRegularExpression(pattern: regex)
        } catch {
            throw GitError(function: "git_config_iterator_new", code: -1, message: "invalid regular expression",
                           hint: "'\(regex)' is not a valid regular expression")
        }
        return try locked {
            try layers.reversed().flatMap { layer in
                try withHandle(
                    "git_config_iterator_new",
                    create: { git_config_iterator_new($0, layer.handle) },
                    free: { git_config_iterator_free($0) }
                ) { Self.drain($0, file: layer.file) }
            }
        }.filter { entry in
            pattern.firstMatch(in: entry.name, range: NSRange(entry.name.startIndex..., in: entry.name)) != nil
        }
    }

    private func typed<Value>(
        _ key: String, kind: String, fix: String, _ read: (inout Value?, OpaquePointer) -> Int32
    ) throws -> Value? {
        try locked { () throws -> Value? in
            for layer in layers {
                var value: Value?
                let result = read(&value, layer.handle)
                if result == 0 { return value }
                if result == GIT_ENOTFOUND.rawValue {
                    git_error_clear()
                    continue
                }
                let raw = unlockedString(key) ?? ""
                do {
                    try check(result, "git_config_get")
                } catch let error as GitError {
                    let place = layer.file.map { " in \($0)" } ?? ""
                    throw error.with(message: "\(key) = '\(raw)'\(place) is not \(kind)", hint: fix)
                }
            }
            return nil
        }
    }

    private static func drain(_ iterator: OpaquePointer?, file: String?) -> [ConfigEntry] {
        var entries: [ConfigEntry] = []
        var entry: UnsafeMutablePointer<git_config_entry>?
        // The iterator owns each entry until the next call.
        while git_config_next(&entry, iterator) == 0, let current = entry?.pointee {
            entries.append(ConfigEntry(
                name: String(cString: current.name),
                value: current.value.map { String(cString: $0) },
                origin: file.map { .file($0) } ?? ConfigEntry.Origin(current.level)
            ))
        }
        git_error_clear()
        return entries
    }
}

extension ConfigEntry.Origin {
    init(_ level: git_config_level_t) {
        switch level {
        case GIT_CONFIG_LEVEL_PROGRAMDATA, GIT_CONFIG_LEVEL_SYSTEM: self = .system
        case GIT_CONFIG_LEVEL_XDG: self = .xdg
        case GIT_CONFIG_LEVEL_GLOBAL: self = .global
        case GIT_CONFIG_LEVEL_LOCAL: self = .local
        default: self = .app
        }
    }
}

extension Repository {
    /// The repository's configuration at every level (local, global, xdg, system), as `git config` reads it.
    public func config() throws -> Config {
        try locked { try Config.layered(repository: $0, over: nil) }
    }

    /// `file` (git-config syntax, e.g. `<top>/.gitgate`) beneath the repository's own configuration:
    /// any key set with `git config` wins over the file, as with `.lfsconfig`. Multivars list the
    /// file's values first. A missing file contributes nothing.
    public func config(layering file: String) throws -> Config {
        try locked { try Config.layered(repository: $0, over: file) }
    }
}
