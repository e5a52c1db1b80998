import Foundation
import Git

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

    public static func install(at path: String, referenceTransaction: Bool = false,
                               executable: String = HookInstaller.currentExecutable()) throws -> InstallResult {
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
        // Once opted in, reference-transaction stays: a plain re-run must not quietly ungate fast-forwards.
        let gatesEveryUpdate = try referenceTransaction || installer.installed().contains { $0.hook == .referenceTransaction }
        let hooks = repository.isBare ? Hook.server : Hook.standard + (gatesEveryUpdate ? [.referenceTransaction] : [])
        let changes = try installer.install(hooks)
        return .installed(Installed(directory: try installer.hooksDirectory().path, changes: changes, mainBranch: main,
                                    executable: executable, gatedTargets: configuration?.gatedTargets.map(\.name) ?? [],
                                    isBare: repository.isBare, referenceTransaction: gatesEveryUpdate))
    }

    /// Removes every gitgate hook and restores the hooks they chained.
    public static func uninstall(at path: String) throws -> (directory: String, changes: [HookInstaller.Change]) {
        let repository = try Inspector.openRepository(at: path)
        // Uninstalling needs no configuration: a broken .gitgate must not keep the hooks in place.
        let installer = HookInstaller(repository: repository, mainBranch: "main")
        return (try installer.hooksDirectory().path, try installer.uninstall())
    }
}
