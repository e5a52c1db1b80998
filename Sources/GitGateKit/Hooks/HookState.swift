import Digest
import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// What the hooks remember between one another, in `<common dir>/gitgate/` (shared by every
/// worktree, like the skip log).
package enum HookState {
    package static func folder(_ repository: Repository) -> String {
        repository.commonDir.trimmingSuffix("/") + "/gitgate"
    }
}

/// Where main stood when gitgate last saw it: one commit id in `gitgate/main-seen`. The
/// reference-transaction hook writes it (in `sh`) once an update of main it let through is
/// committed; the post-* hooks compare main with it, so they cost one git process unless main
/// moved around the gate.
package struct MainSeen {
    package let path: String

    package init(repository: Repository) {
        path = HookState.folder(repository) + "/main-seen"
    }

    /// nil when there is no record or it does not hold a commit id.
    package func read() -> ObjectID? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return ObjectID(hex: String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    package func write(_ tip: ObjectID) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data((tip.hex + "\n").utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GitGateError(.io, "cannot write \(path): \(error.localizedDescription); check the folder's permissions")
        }
    }

    package func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// A check that pre-merge-commit or pre-commit has just passed against the databases, so the
/// reference-transaction hook of the same git command need not ask them again.
package struct VerifiedResult: Codable, Equatable {
    /// Only a pass is ever written; the field says so on disk.
    package enum Verdict: String, Codable { case ready }

    /// The ref the result goes to (`refs/heads/main`).
    package var ref: String
    /// main's tip the result was checked on top of.
    package var base: String
    /// The tree that was checked: the index that became the commit.
    package var tree: String
    package var verdict: Verdict
    /// Seconds since 1970.
    package var checkedAt: Double
    /// `VerificationRecord.fingerprint` of the gated targets it was checked against.
    package var targets: String
    package var hook: String
}

/// `gitgate/verified`: the last `VerifiedResult`. Trusted only for the same ref, base, tree and
/// gated targets, within `lifetime`; read once (taking it removes it), so anything else is checked.
package struct VerificationRecord {
    /// Long enough for an editor open on the merge message, short enough that production has
    /// not changed since: past it, the update is checked again.
    package static let lifetime: TimeInterval = 300

    package let path: String

    package init(repository: Repository) {
        path = HookState.folder(repository) + "/verified"
    }

    package func write(_ result: VerifiedResult) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            try Data(encodeJSON(result).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GitGateError(.io, "cannot write \(path): \(error.localizedDescription)")
        }
    }

    /// The record when it vouches for exactly this update; nil otherwise (missing, unreadable,
    /// stale, from the future, or for another ref, base, tree or set of targets). Either way the
    /// record is used up.
    package func take(ref: String, base: ObjectID, tree: ObjectID, targets: String, now: Date = Date()) -> VerifiedResult? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        remove()
        guard let record = try? JSONDecoder().decode(VerifiedResult.self, from: data) else { return nil }
        let age = now.timeIntervalSince1970 - record.checkedAt
        guard record.verdict == .ready, record.ref == ref, record.base == base.hex, record.tree == tree.hex,
              record.targets == targets, age >= 0, age <= VerificationRecord.lifetime else { return nil }
        return record
    }

    package func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Names the gated targets and where each connects (passwords hidden, then hashed), so a
    /// record made for other targets, or another database behind the same variable, is not trusted.
    package static func fingerprint(_ configuration: Configuration, environment: [String: String]) -> String {
        let lines = configuration.gatedTargets.map { target -> String in
            let resolved = (try? target.connection.resolve(target: target.name, environment: environment))
                .map(ConnectionSource.hidePassword(in:)) ?? "(unresolved)"
            return [target.name, target.connection.description, resolved].joined(separator: "\t")
        }.sorted()
        return SHA256.hex(lines.joined(separator: "\n"))
    }
}
