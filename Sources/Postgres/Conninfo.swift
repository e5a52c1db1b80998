internal import CLibPQ
import Foundation

/// Connection-string helpers shared by the connection, the describer and the redactor.
enum Conninfo {
    /// libpq's own parse (URI or key=value; a service is not expanded): the keywords set, or libpq's error.
    static func parse(_ conninfo: String) -> Result<[String: String], ParseFailure> {
        if case .failure(let error) = LibpqLoader.state { return .failure(ParseFailure(message: error.message)) }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = pq.PQconninfoParse(conninfo, &error) else {
            defer { if let error { pq.PQfreemem(error) } }
            return .failure(ParseFailure(message: error.map { String(cString: $0) } ?? "out of memory"))
        }
        defer { pq.PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                values[String(cString: keyword)] = String(cString: value)
            }
            option += 1
        }
        return .success(values)
    }

    struct ParseFailure: Error { let message: String }

    /// The connect timeout the connection string sets for itself, where libpq looks for one:
    /// the string, then the service it names (or PGSERVICE), then PGCONNECT_TIMEOUT.
    static func connectTimeout(_ parsed: [String: String], environment: [String: String]) -> ConnectTimeout? {
        if let value = parsed["connect_timeout"], !value.isEmpty { return ConnectTimeout(value: value, source: "the URL") }
        if let service = parsed["service"] ?? environment["PGSERVICE"], !service.isEmpty,
           let value = ServiceFile.value("connect_timeout", service: service, environment: environment)
        {
            return ConnectTimeout(value: value, source: "service \(service)")
        }
        if let value = environment["PGCONNECT_TIMEOUT"], !value.isEmpty {
            return ConnectTimeout(value: value, source: "PGCONNECT_TIMEOUT")
        }
        return nil
    }

    static func isURI(_ conninfo: String) -> Bool {
        conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://")
    }

    /// A value quoted for a key=value connection string.
    static func quote(_ value: String) -> String {
        let plain = !value.isEmpty && value.allSatisfy { !$0.isWhitespace && $0 != "'" && $0 != "\\" }
        if plain { return value }
        let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'")
        return "'\(escaped)'"
    }
}

/// Calls `body` with NULL-terminated arrays of C strings that live for the call only.
func withCStringArray<R>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) throws -> R) rethrows -> R {
    let copies: [UnsafeMutablePointer<CChar>?] = strings.map { $0.flatMap { strdup($0) } }
    defer { copies.forEach { free($0) } }
    return try body(copies.map { UnsafePointer($0) } + [nil])
}

/// A connect timeout and who set it, for messages.
struct ConnectTimeout: Sendable {
    let value: String
    let source: String

    /// What libpq waits per address: values below 2 count as 2; 0 or less (or junk) is no limit.
    var seconds: Int? {
        guard let number = Int(value.trimmingCharacters(in: .whitespaces)), number > 0 else { return nil }
        return max(2, number)
    }
}

/// pg_service.conf, read the way libpq 15 reads it (fe-connect.c, parseServiceInfo): the
/// user's file (PGSERVICEFILE, else ~/.pg_service.conf) and, when the service is not there,
/// the system one (PGSYSCONFDIR, else the directory libpq was built with).
enum ServiceFile {
    /// Debian's libpq is built with sysconfdir /etc/postgresql-common; other builds use /etc.
    static let systemDirectories = ["/etc/postgresql-common", "/etc"]

    static func value(_ keyword: String, service: String, environment: [String: String]) -> String? {
        var user: String?
        if let file = environment["PGSERVICEFILE"] {
            user = file
        } else if let entry = getpwuid(geteuid()), let home = entry.pointee.pw_dir {
            // libpq 15 takes the home directory from the password database, not HOME.
            user = String(cString: home) + "/.pg_service.conf"
        }
        if let user, let section = section(service, in: user) { return section[keyword] }
        let system = environment["PGSYSCONFDIR"].map { [$0] } ?? systemDirectories
        for directory in system {
            if let section = section(service, in: directory + "/pg_service.conf") { return section[keyword] }
            if FileManager.default.fileExists(atPath: directory + "/pg_service.conf") { break }
        }
        return nil
    }

    /// The `[service]` section's keywords, or nil when the file or the section is absent.
    static func section(_ service: String, in path: String) -> [String: String]? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var inside = false
        var found = false
        var values: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") {
                if found { break }
                inside = line.hasSuffix("]") && line.dropFirst().dropLast() == service[...]
                found = inside
                continue
            }
            guard inside, let equals = line.firstIndex(of: "=") else { continue }
            let key = line[..<equals].trimmingCharacters(in: .whitespaces)
            // libpq keeps the first value of a keyword that appears twice.
            if values[key] == nil { values[key] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces) }
        }
        return found ? values : nil
    }
}
