import ArgumentParser
import Foundation
import GitGateKit

@main
struct Gitgate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitgate",
        abstract: "Block merging a branch into main until production has its database migrations.",
        discussion: """
        gitgate finds the SQL migrations a worktree's branch adds compared with main, reviews them, \
        checks that every gated PostgreSQL target already has them, and refuses the merge (through \
        git hooks) until it does. Configuration lives in .gitgate at the repository root.

        Typical day:
          gitgate status           where this branch stands: READY TO MERGE or BLOCKED
          gitgate lint             review the branch's migrations
          gitgate apply            apply the pending migrations, recorded
          git merge feature        on main: the hooks run the same check
          gitgate close feature    remove the merged worktree and branch safely

        Exit codes (every command):
          0   ready / success
          1   blocked, findings at error level, or refused
          2   could not check (unreachable, auth, timeout, bad configuration);
              hooks treat it as blocked
          64  usage error
        """,
        version: GitGateVersion.string,
        subcommands: [
            Status.self,
            Lint.self,
            Apply.self,
            Plan.self,
            Rollback.self,
            Log.self,
            Steps.self,
            Record.self,
            BaselineCommand.self,
            Close.self,
            Install.self,
            Uninstall.self,
            Check.self,
            HookCommand.self,
            Init.self,
            Doctor.self,
            DemoCommand.self,
        ]
    )

    /// Errors become one line on stderr and the documented exit status; never a stack trace.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as GitGateError {
            Console.error("gitgate: \(error.message)")
            Foundation.exit(error.exitCode)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch {
            // Help, version and usage errors keep ArgumentParser's own wording and exit codes (64 for usage).
            Gitgate.exit(withError: error)
        }
    }
}
