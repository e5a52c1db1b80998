import ArgumentParser
import Foundation
import GitGateKit

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text, markdown, json
}

struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "The branch's deployment checklist: migrations, their state on every target, how apply and rollback would run, what follows the merge.",
        discussion: """
        Read-only. The states and the verdict are the gate's (the same as gitgate status); the plan adds how \
        apply would run each migration (one transaction, or statement by statement; the apply timeouts), the \
        rollback plan newest first (the down file or section, else the reverse gitgate derives, else the \
        restore to do), and the steps after the merge (gitgate close, the reminders from .gitgate).

        --format markdown writes a pull request comment: a hidden <!-- gitgate-plan --> marker, one heading, \
        the verdict first, the details folded. docs/plan-comment.md has CI jobs that post and update it.

        Exit status: 0 ready to merge, 1 blocked, 2 could not check, 64 usage.
        """
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "A target to show (repeatable; default: every configured one). The verdict is always over every gated target.")
    var target: [String] = []

    @Option(help: "Output format: text, markdown or json.")
    var format: PlanFormat = .text

    func run() throws {
        let plan = try DeploymentPlan.make(at: location.path, targets: target)
        switch format {
        case .text: Console.out(PlanReport.text(plan, style: Style.forTerminal()))
        case .markdown: Console.out(String(PlanReport.markdown(plan).dropLast()))
        case .json: Console.out(PlanReport.json(plan))
        }
        if plan.verdict.decision == .error {
            Console.error(ErrorBoundary.couldNotCheck(failures: plan.targets.filter(\.gate).compactMap(\.error)).line)
        }
        throw ExitCode(plan.verdict.exitCode)
    }
}
