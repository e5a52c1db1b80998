import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// Who changes a database, from where: stored with every apply, record, baseline and rollback in
/// gitgate's ledger (migrations/003_signoff.sql), so the deployment history and the merge
/// trailers name a person, not only a database role.
public struct SignOff: Sendable, Equatable {
    /// git's `user.name` and `user.email` (GIT_AUTHOR_* first, as git itself does for a commit).
    public var gitUserName: String?
    public var gitUserEmail: String?
    public var osUser: String?
    public var host: String?
    /// The commit the migrations were read from, and its branch.
    public var commit: String?
    public var branch: String?

    public init(gitUserName: String?, gitUserEmail: String?, osUser: String?, host: String?, commit: String?, branch: String?) {
        self.gitUserName = gitUserName
        self.gitUserEmail = gitUserEmail
        self.osUser = osUser
        self.host = host
        self.commit = commit
        self.branch = branch
    }

    /// The person running gitgate in the repository at `root`, now.
    package static func current(root: String, inspection: Inspection, environment: [String: String]) -> SignOff {
        let config = (try? Inspector.openRepository(at: root)).flatMap { try? $0.config() }
        return SignOff(gitUserName: environment["GIT_AUTHOR_NAME"]?.nonEmpty ?? config?.string("user.name")?.nonEmpty,
                       gitUserEmail: environment["GIT_AUTHOR_EMAIL"]?.nonEmpty ?? config?.string("user.email")?.nonEmpty,
                       osUser: currentOSUser(environment: environment), host: hostName(),
                       commit: inspection.head.nonEmpty, branch: inspection.branch.nonEmpty)
    }

    /// `Ada <ada@example.com>`, `Ada`, `<ada@example.com>`, else the OS user; nil when nothing is known.
    public var person: String? {
        switch (gitUserName, gitUserEmail) {
        case let (name?, email?): return "\(name) <\(email)>"
        case let (name?, nil): return name
        case let (nil, email?): return "<\(email)>"
        default: return osUser
        }
    }

    /// gethostname, not ProcessInfo.hostName (which may wait on DNS).
    private static func hostName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        return String(cString: buffer).nonEmpty
    }
}

/// What one row of gitgate.history says happened.
public enum DeploymentAction: String, Sendable, Codable, CaseIterable {
    case applied, recorded, baselined
    case rolledBack = "rolled-back"
}
