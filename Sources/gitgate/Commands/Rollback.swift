import ArgumentParser
import Foundation
import GitGateKit

struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rollback",
        abstract: "Roll back this branch's migrations on a target, newest first, each with its ledger row removed.",
        discussion: """
        Without VERSION, every migration of this branch that the target's ledger has. Each migration is \
        undone by its down file or down section (reviewed; its drops are listed), else by the reverse gitgate \
        derives from its SQL (DROP … IF EXISTS for what it created, DROP COLUMN for ADD COLUMN). A migration \
        nothing can reverse (a DROP, a data change) is refused with the restore to do instead.

        With apply's guarantees: the apply lock, one transaction per migration together with the DELETE of \
        its row in gitgate.migrations, the apply timeouts; DROP INDEX CONCURRENTLY runs outside a transaction.

        Refused (nothing changed, exit 1): a derived step that would delete rows without --allow-data-loss, a \
        migration main already has without --merged, a version the target does not have, another tool's ledger.

        Exit status: 0 rolled back (or nothing to do), 1 refused or failed, 2 the target could not be reached, \
        64 usage (e.g. no terminal to confirm and no --yes).
        """
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "The target to roll back on.")
    var target: String

    @Argument(help: "Versions to roll back (default: every migration of this branch the target has).")
    var versions: [String] = []

    @Flag(help: "Show the plan and change nothing.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation (for scripts and CI).")
    var yes = false

    @Flag(help: "Let derived steps delete rows (DROP TABLE of a table with rows, DROP COLUMN with values).")
    var allowDataLoss = false

    @Flag(help: "Allow rolling back migrations main already contains.")
    var merged = false

    @OptionGroup var lock: LockWaitOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let options = RollbackOptions(dryRun: dryRun, lockWait: try lock.duration, allowDataLoss: allowDataLoss, merged: merged)
        let rollbacker = try Rollbacker(at: location.path, target: target, versions: versions, options: options)
        let plan = try rollbacker.plan()
        let style = Style.forTerminal()
        let json = format == .json
        if !json { Console.out(PlanReport.rollbackPlan(plan, style: style)) }
        guard !plan.isRefused, !plan.items.isEmpty, !dryRun else {
            if json { Console.out(PlanReport.rollbackJSON(plan, result: nil)) }
            throw ExitCode(plan.isRefused ? ExitStatus.blocked : ExitStatus.success)
        }
        if !yes {
            guard Console.isInteractive else {
                if json { Console.out(PlanReport.rollbackJSON(plan, result: nil)) }
                throw GitGateError(.usage, "there is no terminal to confirm the rollback of \(plan.items.count) migration\(plan.items.count == 1 ? "" : "s") on \(plan.target.name); pass --yes (see the plan above, or --dry-run)")
            }
            guard Console.confirm("Roll back \(plan.items.count) migration\(plan.items.count == 1 ? "" : "s") on \(plan.target.name)?") else {
                Console.error("gitgate: not confirmed; nothing was rolled back")
                throw ExitCode(ExitStatus.blocked)
            }
        }
        let progressStyle = json ? Style.forTerminal(fileDescriptor: 2) : style
        let result = try rollbacker.run(plan, waiting: { holder in
            let line = "  waiting for another gitgate apply or rollback to finish (\(holder)) …"
            if json { Console.error(line) } else { Console.out(line) }
        }) { step in
            guard step.outcome == .rolledBack || step.outcome == .skipped else { return }
            let line = "  " + (step.outcome == .rolledBack ? progressStyle.green("rolled back") : progressStyle.dim("skipped")) + " \(step.migration.path)"
                + (step.durationMs.map { "  \($0) ms" } ?? "") + (step.note.map { progressStyle.dim("  \($0)") } ?? "")
            if json { Console.error(line) } else { Console.out(line) }
        }
        if json {
            Console.out(PlanReport.rollbackJSON(plan, result: result))
        } else if result.failure != nil {
            Console.error(PlanReport.rollbackSummary(result, style: Style.forTerminal(fileDescriptor: 2)))
        } else {
            Console.out(PlanReport.rollbackSummary(result, style: style))
        }
        throw ExitCode(result.exitCode)
    }
}
