import ArgumentParser
import GitGateKit

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the git hooks that refuse merges into main until every gated target has their migrations.",
        discussion: """
        Run it once, from any worktree: the hooks go where git runs them for every worktree (the \
        repository's hooks folder, or an absolute core.hooksPath). Installed: pre-merge-commit and \
        pre-commit (merges and commits on main), pre-push (pushes to the remote's main), post-merge \
        (the gitgate close hint). With --reference-transaction, every other update of main is gated \
        too: fast-forwards, git branch -f, git update-ref, a rebase finishing.

        A hook that was already there is kept as <hook>.gitgate-chained, runs first, and its refusal \
        stands; gitgate uninstall puts it back. Running install again changes nothing. When husky, \
        lefthook or the pre-commit framework manage the hooks (or core.hooksPath is relative), nothing \
        is written: install prints what to add there and exits 1.

        Inside a bare repository (a self-hosted server), install puts the pre-receive hook instead.
        """
    )

    @OptionGroup var location: LocationOptions

    @Flag(help: "Also gate fast-forwards and every other update of main (a reference-transaction hook).")
    var referenceTransaction = false

    func run() throws {
        switch try HookSetup.install(at: location.path, referenceTransaction: referenceTransaction) {
        case .managedElsewhere(let manager):
            Console.error("gitgate: nothing installed: \(manager.name) is in charge of this repository's hooks.")
            Console.error(manager.advice)
            throw ExitCode(1)
        case .installed(let result):
            let shared = result.isBare ? "" : " (shared by every worktree)"
            Console.out("Hooks in \(result.directory)\(shared), calling \(result.executable):")
            for change in result.changes {
                let detail = change.action == .chained
                    ? "  (the hook that was there runs first: \(change.hook)\(HookInstaller.chainedSuffix))" : ""
                Console.out("  \(change.action.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(change.hook)\(detail)")
            }
            let targets = result.gatedTargets
            Console.out(targets.isEmpty
                ? "No gated target yet: updates of \(result.mainBranch) that bring migrations are refused until .gitgate has one (see gitgate doctor)."
                : "Updates of \(result.mainBranch) now wait for: \(targets.joined(separator: ", ")).")
            if !result.isBare && !result.referenceTransaction {
                Console.out("Fast-forwards, git branch -f and git update-ref are not gated: add them with gitgate install --reference-transaction.")
            }
            Console.out(result.isBare
                ? "Pushers skip once with git push -o gitgate-skip=\"why\" (set receive.advertisePushOptions=true); every skip is recorded."
                : "Skip once with GITGATE_SKIP=\"why\" before the git command (recorded); remove the hooks with gitgate uninstall.")
        }
    }
}
