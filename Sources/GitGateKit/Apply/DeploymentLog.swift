import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// One row of gitgate.history: an apply, record, baseline or rollback, with its sign-off.
public struct DeploymentEvent: Sendable, Equatable {
    public var version: String
    public var name: String
    public var path: String
    public var action: DeploymentAction
    /// UTC, `2026-12-02T07:30:12Z`.
    public var at: String
    /// The database's login user.
    public var dbUser: String?
    public var signOff: SignOff
    public var durationMs: Int?
    /// `record --unverified --reason`.
    public var reason: String?
}

/// `gitgate log`: the deployment history each target's gitgate ledger keeps. Read-only.
public struct DeploymentLog: Sendable {
    /// What the target's ledger can tell.
    public enum LedgerState: String, Sendable, Codable {
        /// gitgate.history (ledger step 003 on): every apply, record, baseline and rollback.
        case history
        /// A ledger from before step 003: what it has now, without rollbacks or git identities.
        case beforeSignOff = "before-sign-off"
        /// No gitgate ledger: nothing was applied or recorded by gitgate there.
        case none
    }

    public struct TargetLog: Sendable {
        public var target: String
        public var gate: Bool
        public var place: String?
        public var ledger: LedgerState?
        /// Newest first.
        public var events: [DeploymentEvent]
        /// Why it could not be read; nil when it was.
        public var error: GitGateError?
    }

    public var targets: [TargetLog]

    public var exitCode: Int32 {
        targets.contains { $0.error != nil } ? ExitStatus.couldNotCheck : ExitStatus.success
    }

    /// - Parameter targetNames: the targets to read (default: every configured one).
    public static func read(at path: String, targets targetNames: [String] = [],
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DeploymentLog {
        let configuration = try Inspector(at: path).configuration
        guard configuration.ledger == .gitgate else {
            let uses = configuration.ledger == .none ? "this repository has gitgate.ledger = none"
                : "this repository uses \(configuration.ledger.tool)'s (gitgate.ledger = \(configuration.ledger.rawValue))"
            throw GitGateError(.refused, "gitgate log lists gitgate's own ledger (gitgate.history): \(uses); its history is that tool's to show")
        }
        let chosen = try targetNames.isEmpty ? configuration.targets : targetNames.map { try configuration.target(named: $0) }
        guard !chosen.isEmpty else {
            throw GitGateError(.usage, "no target is configured: add [gitgate \"production\"] with a url to .gitgate, then run gitgate log")
        }
        return DeploymentLog(targets: chosen.map { target in
            do {
                let session = try TargetSession(target, readOnly: true, environment: environment)
                let (ledger, events) = try read(session)
                return TargetLog(target: target.name, gate: target.gate, place: session.place, ledger: ledger, events: events, error: nil)
            } catch let error as GitGateError {
                return TargetLog(target: target.name, gate: target.gate, place: nil, ledger: nil, events: [], error: error)
            } catch {
                return TargetLog(target: target.name, gate: target.gate, place: nil, ledger: nil, events: [],
                                 error: GitGateError(.target, "target \(target.name): \(error)"))
            }
        })
    }

    private static let columns = "version, name, path, %ACTION%, to_char(%AT% AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"'), db_user, os_user, %SIGNOFF%, git_commit, git_branch, %HOST%, duration_ms::text, %REASON%"

    package static func read(_ session: TargetSession) throws -> (LedgerState, [DeploymentEvent]) {
        let found = try session.rows("SELECT pg_catalog.to_regclass('gitgate.history') IS NOT NULL, pg_catalog.to_regclass('gitgate.migrations') IS NOT NULL").first
        let sql: String
        let state: LedgerState
        if found?[0] == "t" {
            state = .history
            sql = "SELECT " + columns.replacingOccurrences(of: "%ACTION%", with: "action").replacingOccurrences(of: "%AT%", with: "at")
                .replacingOccurrences(of: "%SIGNOFF%", with: "git_user_name, git_user_email").replacingOccurrences(of: "%HOST%", with: "host")
                .replacingOccurrences(of: "%REASON%", with: "reason")
                + " FROM gitgate.history ORDER BY at DESC, id DESC"
        } else if found?[1] == "t" {
            // Before step 003 (and before 002, which added unverified_reason): read what may be there.
            state = .beforeSignOff
            sql = "SELECT " + columns.replacingOccurrences(of: "%ACTION%", with: "how").replacingOccurrences(of: "%AT%", with: "applied_at")
                .replacingOccurrences(of: "%SIGNOFF%", with: "NULL, NULL").replacingOccurrences(of: "%HOST%", with: "NULL")
                .replacingOccurrences(of: "%REASON%", with: "pg_catalog.to_jsonb(m) ->> 'unverified_reason'")
                + " FROM gitgate.migrations m ORDER BY applied_at DESC, version DESC"
        } else {
            return (.none, [])
        }
        var events: [DeploymentEvent] = []
        for row in try session.rows(sql) where row.count >= 14 {
            guard let version = row[0], let text = row[3] else { continue }
            guard let action = DeploymentAction(rawValue: text) else {
                throw GitGateError(.target, "target \(session.target.name): gitgate's ledger has a history entry '\(text)' that this gitgate does not know; upgrade gitgate")
            }
            events.append(DeploymentEvent(
                version: version, name: row[1] ?? "", path: row[2] ?? "", action: action, at: row[4] ?? "",
                dbUser: row[5], signOff: SignOff(gitUserName: row[7], gitUserEmail: row[8], osUser: row[6], host: row[11],
                                                 commit: row[9], branch: row[10]),
                durationMs: row[12].flatMap { Int($0) }, reason: row[13]))
        }
        return (state, events)
    }
}
