import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate install` and `gitgate uninstall`, from any worktree of the repository (or inside a
/// bare repository, where install puts the server-side pre-receive hook).
public enum HookSetup {
    public enum InstallResult: Sendable {
        /// A hook manager owns the hooks: nothing was written; tell the user how to add gitgate there.
        case managedElsewhere(HookManager)
        case installed(Installed)
    }

    public struct Installed: Sendable {
        public var directory: String
        public var changes: [HookInstaller.Change]
        public var mainBranch: String
        public var executable: String
        public var gatedTargets: [String]
        public var isBare: Bool
        public var referenceTransaction: Bool
    }

    /// - Parameter referenceTransaction: the backstop that gates every update of main; false
    ///   (`--no-reference-transaction`) removes gitgate's, restoring a hook it chained.
    public static func install(at path: String, referenceTransaction: Bool = true,
                               executable: String = HookInstaller.currentExecutable()) throws -> InstallResult {
        // The hooks run exactly this file, whatever PATH or the environment say when git runs them.
        guard executable.hasPrefix("/") else {
            throw GitGateError(.io, "cannot tell where this gitgate binary is (\(executable)); run gitgate install with its absolute path, e.g. /usr/local/bin/gitgate install")
        }
        let repository = try Inspector.openRepository(at: path)
        let configuration: Configuration?
        let main: String
        if repository.workdir != nil {
            let loaded = try Configuration.load(from: repository)
            configuration = loaded
            main = try Inspector(repository: repository, configuration: loaded).mainBranch()
        } else {
            // A server: the rules come from what main has committed.
            let tip = try? repository.head()
            configuration = try? Configuration.load(from: repository, committedIn: tip.map { [$0] } ?? [])
            main = configuration.map { GateRun.mainBranch($0, repository) } ?? GateRun.mainBranch(
                Configuration(root: repository.gitDir, migrations: ""), repository)
        }
        let installer = HookInstaller(repository: repository, mainBranch: main, executable: executable)
        if let manager = try installer.hookManager() { return .managedElsewhere(manager) }
        let gatesEveryUpdate = referenceTransaction && !repository.isBare
        let hooks = repository.isBare ? Hook.server : Hook.standard.filter { $0 != .referenceTransaction || gatesEveryUpdate }
        var changes = try installer.install(hooks)
        if !repository.isBare && !gatesEveryUpdate {
            changes += try installer.uninstall([.referenceTransaction])
        }
        if !repository.isBare {
            // The post-* hooks notice main moving around the gate from here on.
            let seen = MainSeen(repository: repository)
            if seen.read() == nil, let tip = try? repository.resolve("refs/heads/" + main) { try seen.write(tip) }
        }
        return .installed(Installed(directory: try installer.hooksDirectory().path, changes: changes, mainBranch: main,
                                    executable: executable, gatedTargets: configuration?.gatedTargets.map(\.name) ?? [],
                                    isBare: repository.isBare, referenceTransaction: gatesEveryUpdate))
    }

    /// Removes every gitgate hook and restores the hooks they chained.
    public static func uninstall(at path: String) throws -> (directory: String, changes: [HookInstaller.Change]) {
        let repository = try Inspector.openRepository(at: path)
        // Uninstalling needs no configuration: a broken .gitgate must not keep the hooks in place.
        let installer = HookInstaller(repository: repository, mainBranch: "main")
        let changes = try installer.uninstall()
        // What the hooks remembered means nothing without them; the skip log stays.
        MainSeen(repository: repository).remove()
        VerificationRecord(repository: repository).remove()
        return (try installer.hooksDirectory().path, changes)
    }
}
