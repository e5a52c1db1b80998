import ArgumentParser
import GitGateKit

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show where this worktree's branch stands: its new migrations, their state on each target, and the verdict.",
        discussion: """
        Run it anywhere inside a linked worktree (or in the main worktree with --branch NAME). It lists the \
        migrations the branch adds since its merge base with main (committed, staged, unstaged or untracked), \
        each one's state on every configured target, review findings, and ends with READY TO MERGE or BLOCKED \
        with every reason and its fix.

        Exit status: 0 ready, 1 blocked, 2 could not check (a target unreachable, bad configuration; \
        the report still prints, and stderr gets one line saying why), 64 usage.
        --verbose lists, under each target, every statement of each migration and how the catalog proves it \
        (object exists, column type, constraint or index definition, comment text, enum label order, rows \
        found by key) or why it cannot (data changes, DO blocks, …), then each table the branch creates as \
        each target's catalog has it: exists, its columns and indexes, and its rows (counted up to 100000 \
        within the statement timeout; past that the catalog's estimate, said as such).
        --format json prints one object (the stable contract in the README); each target's entry has an \
        evidence array either way.
        A fleet (a target of many databases or schemas) is one line: how many members are up to date, \
        and per problem the first few members and a count of the rest; --verbose names every member, \
        JSON lists every member under targets.NAME.fleet. --member NAME shows that member in detail under \
        the fleet's line; every member is still checked, and the verdict and exit status are the gate's, \
        which needs them all (status predicts the hook).
        """
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "Inspect this local branch instead of the one checked out here.")
    var branch: String?

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Flag(help: "Show each statement's evidence on each target, and every member of a fleet.")
    var verbose = false

    @Option(help: ArgumentHelp("Show this member of each fleet in detail (repeatable); every member is still checked and decides the verdict, as in the gate.", valueName: "name"))
    var member: [String] = []

    func run() throws {
        let report = try StatusService.report(at: location.path, branch: branch, members: member)
        switch format {
        case .json: Console.out(report.json())
        case .text:
            Console.out(report.text(style: .forTerminal(), verbose: verbose))
            if verbose {
                // The checklist's production test: each new table as the catalog has it, and its rows.
                let tables = try TableVerification.verify(report, at: location.path)
                if !tables.isEmpty { Console.out("\n" + PlanReport.tablesText(tables, style: .forTerminal())) }
            }
        }
        report.sayWhyNotChecked()
        throw ExitCode(report.verdict.exitCode)
    }
}
