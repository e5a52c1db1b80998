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
        migrations not yet in production.

        Ignored files (by .gitignore, .git/info/exclude or your core.excludesFile) are never deleted \
        silently: before the folder is removed they are moved, by a rename, into a new folder under \
        <git common dir>/gitgate/kept/, and close prints where and the command that copies them back. \
        Those matching a closeDiscard glob in main's .gitgate (build outputs: node_modules/*, .build/*) \
        are deleted instead, and so is every ignored file with --discard-ignored; each is listed as \
        "to delete" first. When the files to keep cannot be renamed into that folder (another \
        filesystem, no permission) close refuses, touching nothing.

        --check answers, changing nothing, whether the folder can be removed by any tool without losing \
        anything: what close checks, and no ignored file that nothing says to delete (another tool would \
        delete it). For worktree managers' pre-remove hooks and git worktree remove wrappers.

        It asks before removing anything; without a terminal it needs --yes. After removing, it prints \
        the branch's tip and the command that restores it, the reminders from .gitgate \
        (gitgate.reminder), and the post-merge steps.

        Exit status: 0 closed (or, with --dry-run, would close; with --check, safe to remove); 1 refused \
        or not confirmed, nothing changed (with --all-merged: a merged worktree was kept; with --check: not \
        safe); 2 could not check (a target unreachable, bad configuration); 64 usage error, including no \
        terminal to confirm on without --yes.
        """
    )

    @OptionGroup var location: LocationOptions

    @Argument(help: ArgumentHelp("A worktree path or a branch name (default: the worktree you are in).", valueName: "worktree-path|branch"))
    var target: String?

    @Flag(help: "Close every linked worktree whose branch is merged; list the others with why they stay.")
    var allMerged = false

    @Flag(help: "Show what would be closed and why; change nothing.")
    var dryRun = false

    @Flag(help: "Change nothing; exit 0 when the worktree is safe to remove (by any tool), 1 when not, with the reasons.")
    var check = false

    @Flag(name: [.short, .long], help: "Do not ask.")
    var yes = false

    @Flag(name: [.customLong("discard-ignored"), .customLong("include-ignored")],
          help: "Delete the worktree's ignored files instead of keeping them (--include-ignored is the old name).")
    var discardIgnored = false

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func validate() throws {
        if allMerged && target != nil {
            throw ValidationError("give either a worktree or branch, or --all-merged, not both")
        }
        if check && allMerged {
            throw ValidationError("--check answers for one worktree: give its path or branch instead of --all-merged")
        }
    }

    func run() throws {
        let style = Style.forTerminal()
        let text = format == .text
        if check {
            let answer = try Closer(at: location.path).check(target, discardIgnored: discardIgnored)
            Console.out(text ? CloseReport.check(answer, style: style) : CloseReport.json(answer))
            if let failure = answer.failure { throw failure }
            return
        }
        let session = CloseSession(
            options: CloseOptions(target: target, allMerged: allMerged, dryRun: dryRun, yes: yes, discardIgnored: discardIgnored),
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
