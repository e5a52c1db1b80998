import ArgumentParser
import GitGateDemo
import GitGateKit

struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Walk through the whole workflow on a throwaway PostgreSQL and repository (no configuration).",
        discussion: """
        Starts its own PostgreSQL cluster (Debian's server binaries; as an unprivileged user when run as \
        root), makes a repository whose worktree branch adds two migrations, installs the hooks, and runs \
        each step as you would type it: status (BLOCKED), lint, a refused git merge, apply, status \
        (READY TO MERGE), the merge, close. Everything it made is removed at the end, also on Ctrl-C.
        """
    )

    @Flag(help: "Leave the repository and cluster running after the last step, until Ctrl-C.")
    var keep = false

    func run() throws {
        let demo = Demo()
        do {
            try demo.run(keep: keep)
        } catch let failure as Demo.Failure {
            demo.cleanUp()
            throw GitGateError(.refused, "the demo stopped: \(failure.description)")
        }
    }
}
