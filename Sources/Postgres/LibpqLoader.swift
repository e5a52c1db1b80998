internal import CLibPQ
import Foundation

/// libpq, loaded with dlopen the first time a command needs it (a connection, a ping, parsing a
/// connection string), so the commands that never reach a database do not map it and the ~20
/// libraries it brings (Kerberos, LDAP, GnuTLS, SASL) at every start.
enum LibpqLoader {
    #if os(macOS)
    static let libraryName = "libpq.5.dylib"
    #else
    static let libraryName = "libpq.so.5"
    #endif

    /// A static let: loaded once, thread-safely. The table lives as long as the process.
    nonisolated(unsafe) static let state: Result<UnsafePointer<GitgateLibpq>, PostgresError> = load()

    private static func load() -> Result<UnsafePointer<GitgateLibpq>, PostgresError> {
        guard let handle = dlopen(libraryName, RTLD_NOW | RTLD_LOCAL) else {
            let reason = dlerror().map { String(cString: $0) } ?? "dlopen failed"
            return .failure(PostgresError(kind: .clientLibrary, message: "could not load \(libraryName): \(reason)"))
        }
        var missing: UnsafePointer<CChar>?
        guard let api = gitgate_libpq_resolve(handle, &missing) else {
            let name = missing.map { String(cString: $0) } ?? "?"
            return .failure(PostgresError(kind: .clientLibrary, message: "\(libraryName) has no \(name) (libpq older than 15?)"))
        }
        return .success(api)
    }

    /// Loads libpq if it is not yet; every public entry point calls this before anything else.
    static func require() throws {
        if case .failure(let error) = state { throw error }
    }

    /// Whether this process has loaded libpq (tests check that commands without a target do not).
    static var isLoaded: Bool {
        dlopen(libraryName, RTLD_NOW | RTLD_NOLOAD).map { dlclose($0); return true } ?? false
    }
}

/// libpq's functions. Reached only after `LibpqLoader.require()` succeeded: each entry point calls
/// it, and every connection, result and cancel handle comes from a call made after it.
var pq: GitgateLibpq {
    guard case .success(let api) = LibpqLoader.state else {
        preconditionFailure("libpq used before LibpqLoader.require()")
    }
    return api.pointee
}
