import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate check --base REV --head REV`: what `head` would bring into `base`, checked against
/// every gated target. For CI (a required status check where a forge merges in its web page)
/// and scripts; works in a bare repository, reading `.gitgate` from history.
public enum UpdateCheck {
    public static func run(at path: String, base: String?, head: String = "HEAD", ref: String? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> StatusReport {
        let repository = try Inspector.openRepository(at: path)
        try GateRun.addQuarantine(to: repository, environment: environment)
        let headID = try commit(head, in: repository, role: "--head")
        let baseID = try base.flatMap { GateRun.isZero($0) ? nil : try commit($0, in: repository, role: "--base") }
        // The rules come from the base (main's tip): a branch cannot loosen the gate it is checked
        // by. Only a push that creates main brings its own.
        let configuration = try Configuration.load(from: repository, committedIn: baseID.map { [$0] } ?? [headID])
        let inspector = Inspector(repository: repository, configuration: configuration)
        let baseName = ref.map(\.branchShortName) ?? base ?? "(nothing)"
        let inspection = try inspector.inspect(base: baseName, baseTip: baseID, branch: head, head: headID,
                                               includeWorkingTree: false, compareWithOtherBranches: false)
        var report = GateRun.evaluate(inspection, configuration: configuration, environment: environment, repository: repository)
        // The first check of a repository's history (no base): a database adopted late lacks only
        // ledger rows, not migrations. Say how to adopt it rather than only listing history.
        if baseID == nil, report.verdict.decision == .blocked, inspection.migrations.count > 1 {
            report.verdict.reasons.append(.firstCheckOfHistory(target: configuration.gatedTargets.first?.name ?? "TARGET"))
        }
        return report
    }

    package static func commit(_ rev: String, in repository: Repository, role: String) throws -> ObjectID {
        do {
            return try repository.resolve(rev)
        } catch {
            throw GitGateError(.usage, "\(role) \(rev) names no commit in this repository; fetch it first (in CI: actions/checkout with fetch-depth: 0)")
        }
    }
}

/// What the hooks and `gitgate check` share: the verdict on an inspection, with every gated
/// target required, and the git details of a hook's environment.
package enum GateRun {
    /// Fails closed: with migrations to merge and no gated target, the verdict is blocked. With
    /// no migrations, no database is asked.
    package static func evaluate(_ inspection: Inspection, configuration: Configuration,
                         environment: [String: String], repository: Repository? = nil) -> StatusReport {
        if inspection.migrations.isEmpty {
            let verdict = Gate.verdict(inspection: inspection, findings: [:], checks: [], requireGatedTarget: true, policy: configuration,
                                       commands: LedgerCommands(configuration))
            return StatusReport(inspection: inspection, findings: [:], checks: [], verdict: verdict)
        }
        let cache = repository.flatMap { ParseCache.enabled(for: $0, environment: environment) }
        defer { cache?.finish() }
        return StatusService.evaluate(inspection, configuration: configuration, environment: environment,
                                      requireGatedTarget: true, cache: cache)
    }

    /// During pre-receive, pushed objects wait in a quarantine folder that libgit2 does not read by itself.
    package static func addQuarantine(to repository: Repository, environment: [String: String]) throws {
        var folders: [String] = []
        if let directory = environment["GIT_OBJECT_DIRECTORY"]?.nonEmpty { folders.append(directory) }
        folders += (environment["GIT_ALTERNATE_OBJECT_DIRECTORIES"] ?? "").split(separator: ":").map(String.init)
        let own = (repository.commonDir + "/objects" as NSString).standardizingPath
        for folder in folders where !folder.isEmpty {
            let absolute = folder.hasPrefix("/") ? folder : FileManager.default.currentDirectoryPath + "/" + folder
            guard (absolute as NSString).standardizingPath != own else { continue }
            do { try repository.addObjectDirectory(absolute) } catch {
                throw GitGateError(.repository, "cannot read the pushed objects in \(absolute): \(error)")
            }
        }
    }

    /// A git object name made of zeros: "no commit" (a ref being created or deleted).
    package static func isZero(_ sha: String) -> Bool { !sha.isEmpty && sha.allSatisfy { $0 == "0" } }

    /// `configuration.mainBranch`, else `main`, else `master` (as the branch may not exist yet).
    package static func mainBranch(_ configuration: Configuration, _ repository: Repository) -> String {
        if let configured = configuration.mainBranch { return configured }
        return repository.branchExists("main") || !repository.branchExists("master") ? "main" : "master"
    }

    /// The worktree's `.gitgate` when there is a worktree (as `gitgate status` reads it); in a
    /// bare repository, the one committed in `commits`.
    package static func configuration(_ repository: Repository, commits: [ObjectID]) throws -> Configuration {
        if repository.workdir != nil { return try Configuration.load(from: repository) }
        return try Configuration.load(from: repository, committedIn: commits)
    }
}

extension String {
    /// `refs/heads/main` → `main`; anything else unchanged.
    package var branchShortName: String { hasPrefix("refs/heads/") ? String(dropFirst("refs/heads/".count)) : self }
}
