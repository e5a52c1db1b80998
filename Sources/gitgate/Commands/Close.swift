import ArgumentParser
import GitGateKit

struct Close: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "close",
        abstract: "Remove a merged worktree and its branch, without losing any work.",
        discussion: """
        With no argument, closes the worktree you are in (then prints where to cd). Give a worktree \
        path or a branch name to close another; a branch with no worktree is simply deleted. \
        --all-merged closes every linked worktree whose branch is merged and lists the others with \
        why they stay.

        A branch is merged when main contains its tip, or when its changes are on main although its \
        commits are not (squash and rebase merges). Every migration it added must also be on main with \
        the same content and present on every gated target. gitgate refuses, touching nothing, the main \
        worktree or branch, a locked worktree, modified or untracked files, work not on main, and \
        migrations not yet in production. Ignored files are deleted with the worktree: they are listed, \
        and those that look like data (a database folder, .env files, files over 10 MB) need a yes on \
        the terminal even with --yes, unless --include-ignored.

        It asks before removing anything; without a terminal it needs --yes. After removing, it prints \
        the branch's tip and the command that restores it, the reminders from .gitgate \
        (gitgate.reminder), and the post-merge steps.

        Exit status: 0 closed (or, with --dry-run, would close); 1 refused or not confirmed, nothing \
        changed (with --all-merged: a merged worktree was kept); 2 could not check (a target unreachable, \
        bad configuration); 64 usage error, including no terminal to confirm on without --yes.
        """
    )

    @OptionGroup var location: LocationOptions

    @Argument(help: ArgumentHelp("A worktree path or a branch name (default: the worktree you are in).", valueName: "worktree-path|branch"))
    var target: String?

    @Flag(help: "Close every linked worktree whose branch is merged; list the others with why they stay.")
    var allMerged = false

    @Flag(help: "Show what would be closed and why; change nothing.")
    var dryRun = false

    @Flag(name: [.short, .long], help: "Do not ask (ignored files that look like data still need a yes, or --include-ignored).")
    var yes = false

    @Flag(help: "Delete ignored files that look like data (database folders, .env, large files) without asking.")
    var includeIgnored = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        if allMerged && target != nil {
            throw ValidationError("give either a worktree or branch, or --all-merged, not both")
        }
    }

    func run() throws {
        let style = Style.forTerminal()
        let text = format == .text
        let session = CloseSession(
            options: CloseOptions(target: target, allMerged: allMerged, dryRun: dryRun, yes: yes, includeIgnored: includeIgnored),
            interactive: Console.isInteractive,
            style: style,
            confirm: { Console.confirm($0) },
            say: { if text { Console.out($0) } }
        )
        let summary = try session.run(try Closer(at: location.path))
        switch format {
        case .json:
            Console.out(CloseReport.json(summary))
        case .text:
            let words = CloseReport.closingWords(summary, style: style)
            if !words.isEmpty { Console.out(words) }
        }
        if let failure = summary.failure { throw failure }
    }
}
