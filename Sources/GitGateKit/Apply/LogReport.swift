import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate log` as text and JSON. No connection string, only `user@host:port/db`.
public enum LogReport {
    public static func text(_ log: DeploymentLog, style: Style) -> String {
        var lines: [String] = []
        for target in log.targets {
            if !lines.isEmpty { lines.append("") }
            let header = style.bold(target.target) + (target.place.map { " (\($0))" } ?? "") + (target.gate ? ", gated" : "")
            if let error = target.error {
                lines.append(header + ": " + style.red("could not be read: \(error.message)"))
                continue
            }
            switch target.ledger ?? .none {
            case .none:
                lines.append(header + ": no gitgate ledger; nothing was applied, recorded or rolled back there by gitgate")
                continue
            case .beforeSignOff:
                lines.append(header + ": what the ledger has now, newest first (its schema predates sign-off: no rollbacks, no git identity or host; the next apply, record or rollback upgrades it)")
            case .history:
                lines.append(header + ": \(target.events.count) entr\(target.events.count == 1 ? "y" : "ies"), newest first")
            }
            if target.events.isEmpty { lines.append("  nothing yet") }
            for event in target.events { lines.append("  " + line(event, style: style)) }
        }
        return lines.joined(separator: "\n")
    }

    /// `2026-12-02 07:30:12 UTC  rolled back  003  migrations/003_x.sql  by Ada <ada@example.com> …`
    package static func line(_ event: DeploymentEvent, style: Style) -> String {
        let when = event.at.replacingOccurrences(of: "T", with: " ").replacingOccurrences(of: "Z", with: " UTC")
        let word: String
        switch event.action {
        case .applied: word = style.green("applied    ")
        case .recorded: word = style.green("recorded   ")
        case .baselined: word = style.green("baselined  ")
        case .rolledBack: word = style.yellow("rolled back")
        }
        var parts = ["\(when)  \(word)  \(event.path.isEmpty ? event.version : event.path)"]
        var who: [String] = []
        if let person = event.signOff.person { who.append("by \(person)") }
        var accounts: [String] = []
        if let os = event.signOff.osUser, os != event.signOff.person { accounts.append("os user \(os)") }
        if let db = event.dbUser { accounts.append("db user \(db)") }
        if !accounts.isEmpty { who.append("(\(accounts.joined(separator: ", ")))") }
        if let host = event.signOff.host { who.append("on \(host)") }
        if let commit = event.signOff.commit {
            who.append("from \(commit.prefix(12))" + (event.signOff.branch.map { " (\($0))" } ?? ""))
        }
        if !who.isEmpty { parts.append(who.joined(separator: " ")) }
        if let ms = event.durationMs { parts.append(style.dim(formatMilliseconds(ms))) }
        if let reason = event.reason { parts.append("unverified: \(reason)") }
        return parts.joined(separator: "  ")
    }

    // MARK: JSON

    private struct JSONLog: Encodable {
        package var targets: [JSONTarget]
    }

    private struct JSONTarget: Encodable {
        package var target: String
        package var gate: Bool
        package var place: String?
        package var ledger: DeploymentLog.LedgerState?
        package var error: String?
        package var events: [JSONEvent]

        package enum CodingKeys: String, CodingKey { case target, gate, place, ledger, error, events }

        // Absent values are null, not left out.
        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(target, forKey: .target)
            try container.encode(gate, forKey: .gate)
            try container.encode(place, forKey: .place)
            try container.encode(ledger, forKey: .ledger)
            try container.encode(error, forKey: .error)
            try container.encode(events, forKey: .events)
        }
    }

    private struct JSONEvent: Encodable {
        package var event: DeploymentEvent

        package enum CodingKeys: String, CodingKey {
            case version, name, path, action, at, dbUser, osUser, gitUserName, gitUserEmail, host, commit, branch, durationMs, reason
        }

        package func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(event.version, forKey: .version)
            try container.encode(event.name, forKey: .name)
            try container.encode(event.path, forKey: .path)
            try container.encode(event.action, forKey: .action)
            try container.encode(event.at, forKey: .at)
            try container.encode(event.dbUser, forKey: .dbUser)
            try container.encode(event.signOff.osUser, forKey: .osUser)
            try container.encode(event.signOff.gitUserName, forKey: .gitUserName)
            try container.encode(event.signOff.gitUserEmail, forKey: .gitUserEmail)
            try container.encode(event.signOff.host, forKey: .host)
            try container.encode(event.signOff.commit, forKey: .commit)
            try container.encode(event.signOff.branch, forKey: .branch)
            try container.encode(event.durationMs, forKey: .durationMs)
            try container.encode(event.reason, forKey: .reason)
        }
    }

    public static func json(_ log: DeploymentLog) -> String {
        let object = JSONLog(targets: log.targets.map {
            JSONTarget(target: $0.target, gate: $0.gate, place: $0.place, ledger: $0.ledger, error: $0.error?.message,
                       events: $0.events.map(JSONEvent.init(event:)))
        })
        return JSONOutput.render(object)
    }
}
