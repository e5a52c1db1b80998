internal import CLibPQ
import Foundation

/// Connection-string helpers shared by the connection, the describer and the redactor.
enum Conninfo {
    /// libpq's own parse (URI or key=value; a service is not expanded): the keywords set, or libpq's error.
    static func parse(_ conninfo: String) -> Result<[String: String], ParseFailure> {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { if let error { PQfreemem(error) } }
            return .failure(ParseFailure(message: error.map { String(cString: $0) } ?? "out of memory"))
        }
        defer { PQconninfoFree(options) }
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
