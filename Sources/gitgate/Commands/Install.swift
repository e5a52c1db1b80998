import ArgumentParser
import GitGateKit

struct Install: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Install the git hooks that refuse merges into main until every gated target has their migrations.",
        discussion: """
        Run it once, from any worktree: the hooks go where git runs them for every worktree (the \
        repository's hooks folder, or an absolute core.hooksPath), and call this gitgate binary by its \
        absolute path (the environment cannot swap it; run install again after moving gitgate). \
        reference-transaction refuses every update of main that brings migrations a gated target \
        lacks, whatever the command: merges, pull, rebase, reset, cherry-pick, revert, branch -f, \
        update-ref, commits. pre-merge-commit and pre-commit refuse merges and commits on main before \
        they are made (the database is asked once per merge), pre-push guards the remote's main, and \
        post-merge, post-commit, post-checkout and post-rewrite notice main moving around the gate \
        (a tool that runs no hooks, core.hooksPath), say so and record it. prepare-commit-msg adds \
        Gitgate-Verified trailers to a merge into main (squash merges too) that the gate has just \
        verified: each gated target, the migrations, who applied them and when.

        A hook that was already there is kept as <hook>.gitgate-chained, runs first, and its refusal \
        stands; gitgate uninstall puts it back. Running install again changes nothing. When husky, \
        lefthook or the pre-commit framework manage the hooks (or core.hooksPath is relative), nothing \
        is written: install prints what to add there and exits 1.

        Inside a bare repository (a self-hosted server), install puts the pre-receive hook instead.
        """
    )

    @OptionGroup var location: LocationOptions

    @Flag(inversion: .prefixedNo,
          help: "Gate every update of main with a reference-transaction hook (the default). --no-reference-transaction leaves fast-forwards, rebases, resets, cherry-picks, reverts, branch -f, update-ref and --no-verify commits unchecked.")
    var referenceTransaction = true

    func run() throws {
        switch try HookSetup.install(at: location.path, referenceTransaction: referenceTransaction,
                                     executable: HookInstaller.currentExecutable(arguments: Invocation.startedBy)) {
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
                Console.out("Without reference-transaction, fast-forwards, pulls, rebases, resets, cherry-picks, reverts, git branch -f, git update-ref and git commit --no-verify move \(result.mainBranch) unchecked: the post-* hooks only notice afterwards (and record it). Run gitgate install to gate them again.")
            }
            Console.out(result.isBare
                ? "Pushers skip once with git push -o gitgate-skip=\"why\" (set receive.advertisePushOptions=true); every skip is recorded."
                : "Skip once with GITGATE_SKIP=\"why\" before the git command (recorded); remove the hooks with gitgate uninstall.")
        }
    }
}
