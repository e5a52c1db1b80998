import Foundation
import LocalPostgres
import Postgres
import Testing
import TestSupport

@Suite("Timeouts: nothing hangs")
struct TimeoutTests {
    @Test func refusedPortFailsFast() throws {
        let port = try TCPListener.unusedPort()
        let clock = ContinuousClock()
        var caught: PostgresError?
        let elapsed = clock.measure {
            caught = #expect(throws: PostgresError.self) {
                try Connection("host=127.0.0.1 port=\(port) user=x dbname=x", options: .init(connectTimeout: 20))
            }
        }
        let error = try #require(caught)
        #expect(error.kind == .refused)
        #expect(error.message.contains("refused"))
        #expect(error.description.contains("x@127.0.0.1:\(port)/x"))
        // A refusal ends the attempt at once, not at the 20 s connect timeout (loose: loaded CI).
        #expect(elapsed < .seconds(10), "\(elapsed)")
    }

    @Test func silentServerTimesOut() throws {
        // The kernel completes the handshake (listen backlog); nobody ever answers.
        let listener = try TCPListener()
        let clock = ContinuousClock()
        var caught: PostgresError?
        let elapsed = clock.measure {
            caught = #expect(throws: PostgresError.self) {
                try Connection("postgresql://x@127.0.0.1:\(listener.port)/x", options: .init(connectTimeout: 2))
            }
        }
        let error = try #require(caught)
        #expect(error.kind == .timeout)
        #expect(!error.isClientDeadline)
        // Ended by the 2 s timeout: not sooner, and long before "never".
        #expect(elapsed >= .milliseconds(1900))
        #expect(elapsed < .seconds(15), "\(elapsed)")
    }

    @Test(.database) func clientDeadlineCancelsTheQuery() throws {
        let connection = try Connection(try TestDatabase.conninfo())
        let clock = ContinuousClock()
        var caught: PostgresError?
        let elapsed = clock.measure {
            caught = #expect(throws: PostgresError.self) {
                try connection.query("SELECT pg_sleep(30)", timeout: .seconds(1))
            }
        }
        let error = try #require(caught)
        #expect(error.kind == .timeout)
        #expect(error.message.contains("within 1 s; it was cancelled"))
        #expect(error.isClientDeadline)
        // Cancelled at the 1 s deadline, long before the 30 s sleep would end.
        #expect(elapsed < .seconds(15), "\(elapsed)")
        // Cancelled cleanly: the same session answers at once, and nothing is still running.
        #expect(connection.transactionStatus == .idle)
        let sleeping = try connection.query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'SELECT pg_sleep%' AND state = 'active'")
        #expect(sleeping.int(row: 0, column: "n") == 0)
    }

    @Test(.database) func statementTimeoutTravelsInTheStartupPacket() throws {
        let connection = try Connection(try TestDatabase.conninfo(), options: .init(statementTimeoutMs: 200))
        #expect(try connection.query("SHOW statement_timeout")[0, "statement_timeout"] == "200ms")
        let error = try #require(throws: PostgresError.self) {
            try connection.query("SELECT pg_sleep(5)")
        }
        #expect(error.sqlState == "57014")
        #expect(error.kind == .timeout)
    }

    @Test(.database) func lockTimeout() throws {
        let conninfo = try TestDatabase.conninfo()
        let holder = try Connection(conninfo, options: .init(readOnly: false))
        try holder.execute("CREATE TABLE locked (id int)")
        try holder.execute("BEGIN; LOCK TABLE locked IN ACCESS EXCLUSIVE MODE")
        #expect(holder.transactionStatus == .inTransaction)

        let waiter = try Connection(conninfo, options: .init(lockTimeoutMs: 200))
        let error = try #require(throws: PostgresError.self) {
            try waiter.query("SELECT * FROM locked", timeout: .seconds(10))
        }
        #expect(error.sqlState == "55P03")
        #expect(error.kind == .timeout)
        try holder.execute("ROLLBACK")
    }
}

/// A TCP socket on 127.0.0.1 that listens but never accepts or answers.
final class TCPListener {
    let port: Int
    private let descriptor: Int32

    init() throws {
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        port = try Self.bindLoopback(descriptor)
        guard listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit { close(descriptor) }

    /// A port nothing listens on (bound, then released).
    static func unusedPort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        return try bindLoopback(descriptor)
    }

    private static func bindLoopback(_ descriptor: Int32) throws -> Int {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRNOTAVAIL) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

@Suite("A server that stops answering mid-session")
struct FrozenServerTests {
    @Test func frozenServerIsAbandonedNotWaitedFor() throws {
        // A private cluster: freezing its postmaster would stall every other test's connections.
        let cluster = try LocalCluster()
        defer { cluster.stop() }
        let connection = try Connection(cluster.conninfo())
        let backend = try #require(try connection.query("SELECT pg_backend_pid() AS pid").int(row: 0, column: "pid"))
        let frozen = [Int32(backend), cluster.processID]  // the cancel request goes to the postmaster
        frozen.forEach { kill($0, SIGSTOP) }
        defer { frozen.forEach { kill($0, SIGCONT) } }

        let clock = ContinuousClock()
        var caught: PostgresError?
        let elapsed = clock.measure {
            caught = #expect(throws: PostgresError.self) {
                try connection.query("SELECT 1", timeout: .seconds(1))
            }
        }
        let error = try #require(caught)
        #expect(error.kind == .timeout)
        #expect(error.message.contains("the connection was dropped"))
        #expect(elapsed < .seconds(8))

        let next = try #require(throws: PostgresError.self) { try connection.query("SELECT 1") }
        #expect(next.kind == .connection)
        #expect(next.message.contains("connect again"))
    }
}
