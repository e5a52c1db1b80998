import ArgumentParser
import Foundation
import GitGateKit

struct Steps: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "steps",
        abstract: "List the project's checklist steps from main's .gitgate; --run runs the before-merge ones here.",
        discussion: """
        Each [gitgate "step.NAME"] section of .gitgate as committed on main is a step: run = COMMAND (run with \
        /bin/sh from the worktree's top), when = before-merge (default) or after-merge, expect = success \
        (default: exit 0) or clean (exit 0 and leave the tree unchanged: the models and schema docs it \
        generates are committed), timeout = DURATION (default 10m).

        --run runs the before-merge steps in this worktree, in order, and reports each. They run against the \
        local target: the one --target names, else the target called local if .gitgate has one; its connection \
        string is in the commands' environment as GITGATE_TARGET_URL and DATABASE_URL (never printed). Each \
        step's result is kept in the repository's common dir, and gitgate plan shows it (with the commit it \
        ran on). A failed expect = clean \
        step names the files it changed; a command that is missing, or still running at its timeout (its \
        process group is stopped), is one gitgate: line. after-merge steps are printed by gitgate close and \
        by the post-merge hook, like the reminders.

        Exit status: 0 listed, or every step passed; 1 a step failed; 2 bad configuration; 64 usage.
        """
    )

    @OptionGroup var location: LocationOptions

    @Flag(name: .customLong("run"), help: "Run the before-merge steps in this worktree.")
    var runSteps = false

    @Option(help: "The target the steps run against (default: the target named local, if any).")
    var target: String?

    func run() throws {
        let inspector = try Inspector(at: location.path)
        let configuration = inspector.configuration
        let steps = configuration.steps
        let style = Style.forTerminal()
        guard !steps.isEmpty else {
            Console.out("No steps: add [gitgate \"step.NAME\"] with run = COMMAND to .gitgate on main.")
            return
        }
        guard runSteps else {
            for step in steps {
                Console.out("\(style.bold(step.name))  \(step.when.rawValue), expect \(step.expect.rawValue), timeout \(formatDuration(step.timeoutMs))")
                Console.out("  \(step.run)")
            }
            return
        }
        // The local database the steps regenerate models from: its URL in their environment only.
        var environment: [String: String] = [:]
        let local = try target.map { try configuration.target(named: $0) } ?? configuration.targets.first { $0.name == "local" }
        if let local {
            let url = try local.connection.resolve(target: local.name)
            environment = ["GITGATE_TARGET_URL": url, "DATABASE_URL": url]
            Console.out(style.dim("Against target \(local.name) (GITGATE_TARGET_URL, DATABASE_URL)"))
        }
        let records = StepRecords(repository: inspector.repository)
        let head = try? inspector.repository.resolve("HEAD").hex
        var failed = false
        for step in steps where step.when == .beforeMerge {
            Console.out("\(style.bold(step.name)): \(step.run)")
            let result = StepRunner.run(step, in: configuration.root, environment: environment)
            // The kept result is a convenience for the plan: a read-only git dir must not stop the steps.
            do {
                try records.save(StepRecord(result, commit: head))
            } catch {
                Console.error("gitgate: warning: \(ErrorBoundary.diagnose(error).message)")
            }
            if let problem = result.problem {
                failed = true
                if !result.output.isEmpty { Console.out(result.output.split(separator: "\n").map { "  | \($0)" }.joined(separator: "\n")) }
                if case .changedFiles(let files) = result.outcome { Console.out(files.map { "  changed: \($0)" }.joined(separator: "\n")) }
                Console.out("  " + style.red("✗ failed"))
                Console.error("gitgate: \(problem)")
            } else {
                Console.out("  " + style.green("✓ passed"))
            }
        }
        for step in steps where step.when == .afterMerge {
            Console.out(style.dim("\(step.name): after the merge (not run now): \(step.run)"))
        }
        throw ExitCode(failed ? ExitStatus.blocked : ExitStatus.success)
    }

    private func formatDuration(_ ms: Int) -> String {
        ms % 60_000 == 0 ? "\(ms / 60_000)m" : (ms % 1_000 == 0 ? "\(ms / 1_000)s" : "\(ms)ms")
    }
}
