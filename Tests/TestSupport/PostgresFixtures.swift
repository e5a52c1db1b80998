import Foundation
import LocalPostgres
import Synchronization
import Testing

/// The one throwaway PostgreSQL cluster of this test process: started on first use (whichever
/// test asks first, under a lock), stopped at exit. It listens on a Unix socket (trust) and on
/// 127.0.0.1 (scram-sha-256 passwords). A server that cannot start fails the asking test.
public enum TestPostgres {
    // NSLock (pthreads) rather than Synchronization.Mutex (futexes), which ThreadSanitizer
    // cannot see: every test that started concurrently was reported as a race on this state.
    private static let lock = NSLock()
    nonisolated(unsafe) private static var state: Result<LocalCluster, LocalPostgresError>?

    public static func cluster() throws -> LocalCluster {
        lock.lock()
        defer { lock.unlock() }
        if let state { return try state.get() }
        let started = Result { () throws(LocalPostgresError) in try startCluster() }
        state = started
        if case .success = started { atexit { TestPostgres.stopShared() } }
        return try started.get()
    }

    private static func startCluster() throws(LocalPostgresError) -> LocalCluster {
        do {
            return try LocalCluster(tcp: true)
        } catch let error as LocalPostgresError {
            throw error
        } catch {
            throw .setup(String(describing: error))
        }
    }

    private static func stopShared() {
        // The lock is free at exit; a test still holding it would mean exit() from inside start.
        lock.lock()
        let current = state
        lock.unlock()
        if case .success(let cluster)? = current { cluster.stop() }
    }
}

/// A fresh, uniquely named database per test.
public enum TestDatabase {
    private static let counter = Atomic(0)

    /// Creates a database in the shared cluster; its key=value conninfo (socket, superuser, no password).
    public static func make() throws -> String {
        let cluster = try TestPostgres.cluster()
        let number = counter.wrappingAdd(1, ordering: .relaxed).newValue
        return try cluster.createDatabase("test_\(number)")
    }

    /// The database a `.database` trait made for the running test.
    @TaskLocal public static var current: String?

    /// `current`, or a failure naming the missing trait.
    public static func conninfo() throws -> String {
        try #require(current, "this test needs the .database trait")
    }
}

/// `@Test(.database)`: the test runs with `TestDatabase.current` set to a fresh database.
public struct DatabaseTrait: TestTrait, TestScoping {
    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let conninfo = try TestDatabase.make()
        try await TestDatabase.$current.withValue(conninfo) { try await function() }
    }
}

extension Trait where Self == DatabaseTrait {
    /// A fresh database in the shared throwaway cluster.
    public static var database: Self { DatabaseTrait() }
}

/// A real PgBouncer in front of the shared test cluster, one per pooling mode, started on
/// first use and stopped at exit. A pooler that cannot start fails the asking test.
public enum TestPgBouncer {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var started: [LocalPgBouncer.PoolMode: Result<LocalPgBouncer, LocalPostgresError>] = [:]

    public static func pooler(_ mode: LocalPgBouncer.PoolMode) throws -> LocalPgBouncer {
        let cluster = try TestPostgres.cluster()
        lock.lock()
        defer { lock.unlock() }
        if let state = started[mode] { return try state.get() }
        let result = Result { () throws(LocalPostgresError) in
            do {
                return try LocalPgBouncer(in: cluster, mode: mode)
            } catch let error as LocalPostgresError {
                throw error
            } catch {
                throw .setup(String(describing: error))
            }
        }
        if started.isEmpty { atexit { TestPgBouncer.stopAll() } }
        started[mode] = result
        return try result.get()
    }

    /// A fresh database in the shared cluster, and its conninfo through the pooler in `mode`.
    public static func database(_ mode: LocalPgBouncer.PoolMode) throws -> (direct: String, pooled: String) {
        let direct = try TestDatabase.make()
        let name = direct.components(separatedBy: " ").first { $0.hasPrefix("dbname=") }.map { String($0.dropFirst(7)) } ?? "postgres"
        return (direct, try pooler(mode).conninfo(database: name))
    }

    private static func stopAll() {
        lock.lock()
        let all = started.values
        lock.unlock()
        for case .success(let bouncer) in all { bouncer.stop() }
    }
}
