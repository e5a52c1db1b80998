import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// The lock that keeps two `gitgate apply` (or `record`) runs on one database from working at
/// once: a session-level advisory lock, released by the server when the session ends, so a
/// killed gitgate never leaves it behind.
///
/// The wait is a client-side loop of `pg_try_advisory_lock` with sleeps in between, never a
/// blocking `pg_advisory_lock`: a session blocked in that call holds a snapshot, and the
/// running apply's `CREATE INDEX CONCURRENTLY` would wait for that snapshot while the waiter
/// waits for the lock (Flyway's hang). Between tries the waiting session is idle.
public enum ApplyLock {
    /// "gitgate" in ASCII. pg_locks shows it as classid 6777204, objid 1734435941, objsubid 1.
    public static let key: Int64 = 0x0067_6974_6761_7465

    /// Takes the lock, waiting up to `wait` for another holder to finish. `waiting` is called
    /// once, with who holds it, when the first try fails. Returns false, without the lock, when
    /// `stopWaiting` says so between tries (Ctrl-C).
    @discardableResult
    package static func acquire(_ session: TargetSession, wait: Duration, stopWaiting: () -> Bool = { false },
                                waiting: (String) -> Void) throws -> Bool {
        let deadline = ContinuousClock.now + wait
        var pause = Duration.milliseconds(50)
        var holder: String?
        while true {
            if try session.rows("SELECT pg_catalog.pg_try_advisory_lock(\(key))").first?.first == "t" { return true }
            if stopWaiting() { return false }
            if holder == nil {
                holder = (try? describeHolder(session)) ?? "another session"
                waiting(holder!)
            }
            let now = ContinuousClock.now
            guard now < deadline else {
                let seconds = Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18
                throw GitGateError(.target, "target \(session.target.shown): another gitgate apply or record (\(holder!)) still holds the apply lock after \(formatSeconds(seconds)); let it finish and run this again, or raise --lock-wait")
            }
            let sleep = min(pause, deadline - now)
            Thread.sleep(forTimeInterval: Double(sleep.components.attoseconds) / 1e18 + Double(sleep.components.seconds))
            pause = min(pause * 2, .milliseconds(500))
        }
    }

    /// Best effort: closing the session releases it anyway.
    package static func release(_ session: TargetSession) {
        _ = try? session.attempt("SELECT pg_catalog.pg_advisory_unlock(\(key))")
    }

    /// "pid 4242, user deploy, application gitgate, since 2024-05-01 10:00:00+00": for the waiting message.
    package static func describeHolder(_ session: TargetSession) throws -> String? {
        let rows = try session.rows("""
            SELECT a.pid::text, a.usename, a.application_name, a.client_addr::text, \
            to_char(a.backend_start, 'YYYY-MM-DD HH24:MI:SS TZ') \
            FROM pg_catalog.pg_locks l JOIN pg_catalog.pg_stat_activity a ON a.pid = l.pid \
            WHERE l.locktype = 'advisory' AND l.granted AND l.classid = \(key >> 32) AND l.objid = \(key & 0xFFFF_FFFF) \
            AND l.objsubid = 1 AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = pg_catalog.current_database())
            """)
        guard let row = rows.first else { return nil }
        var parts = ["pid \(row[0] ?? "?")"]
        if let user = row[1] { parts.append("user \(user)") }
        if let application = row[2], !application.isEmpty { parts.append("application \(application)") }
        if let address = row[3] { parts.append("from \(address)") }
        if let since = row[4] { parts.append("connected since \(since)") }
        return parts.joined(separator: ", ")
    }
}

package func formatSeconds(_ seconds: Double) -> String {
    seconds == seconds.rounded() ? "\(Int(seconds)) s" : String(format: "%.1f s", seconds)
}

package func formatMilliseconds(_ ms: Int) -> String {
    ms < 1_000 ? "\(ms) ms" : String(format: "%.1f s", Double(ms) / 1_000)
}
