import ArgumentParser
import Foundation
import GitGateKit

@main
struct Gitgate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitgate",
        abstract: "Block merging a branch into main until production has its database migrations.",
        usage: "gitgate [-C <path>] [--color <when>] <command> [<options>]",
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

        -C <path> (before or after the command) runs as if gitgate was started in <path>, \
        like git -C; several -C before the command each apply relative to the one before.

        --color[=auto|always|never] (anywhere on the line; --no-color is never): colour when \
        stdout is a terminal (auto, the default, which NO_COLOR or TERM=dumb turn off), always, \
        or never. GITGATE_COLOR=always|never does the same for every gitgate command.

        Exit codes (every command):
          0   ready / success
          1   blocked, findings at error level, or refused
          2   could not check (unreachable, auth, timeout, bad configuration,
              a repository git cannot read); hooks treat it as blocked
          64  usage error (a mistyped command or option: gitgate says which it meant)
          130 apply interrupted by Ctrl-C (143: SIGTERM): the running migration finished
              or rolled back, nothing after it started; run it again to go on
        Results go to stdout. A failure is one line on stderr:
          gitgate: <what failed>: <why>; <what to do>
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

    /// Every failure becomes one line on stderr and the documented exit status (ErrorBoundary);
    /// never a stack trace, never ArgumentParser's "Error:" block.
    static func main() {
        var command: any ParsableCommand
        do {
            let arguments = try Invocation.prepare(Array(CommandLine.arguments.dropFirst()))
            command = try Invocation.parse(arguments)
        } catch {
            Invocation.fail(error)
        }
        do {
            #if DEBUG
            // Tests send each wrapper error kind through the real binary (ErrorBoundaryCLITests).
            if let name = ProcessInfo.processInfo.environment["GITGATE_DEBUG_FAULT"],
               let fault = ErrorBoundary.fault(named: name) {
                throw fault
            }
            #endif
            try command.run()
        } catch let exit as ExitCode {
            // The command printed its result and chose its status.
            Foundation.exit(exit.rawValue)
        } catch where Gitgate.exitCode(for: error) == .success {
            // `gitgate`, `gitgate --help`, `gitgate help status`: ArgumentParser prints the help.
            Gitgate.exit(withError: error)
        } catch {
            Invocation.fail(error)
        }
        Foundation.exit(ExitStatus.success)
    }
}
