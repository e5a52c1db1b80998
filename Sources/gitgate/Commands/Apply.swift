import ArgumentParser
import Foundation
import GitGateKit

struct Apply: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Apply this branch's pending migrations to a target, in order, each recorded in gitgate's ledger.",
        discussion: """
        First the plan: the target (without its password), each migration of the branch and what will happen \
        to it, lint findings. An error-level finding that no '-- gitgate:allow RULE because …' comment allows, \
        a migration changed after it was applied, or an uncommitted migration for a gated target refuses the \
        whole plan. On a terminal you confirm before a gated target is changed; scripts pass --yes.

        Each migration runs in one transaction together with its row in gitgate.migrations (created on first \
        use), under lock_timeout/statement_timeout (gitgate.<target>.applyLockTimeout, applyStatementTimeout). \
        A migration that cannot run in a transaction (CREATE INDEX CONCURRENTLY, …) or says \
        '-- gitgate:no-transaction' runs statement by statement and is recorded after its last statement. \
        A file wrapped whole in BEGIN; … COMMIT; runs without that wrapper; other BEGIN/COMMIT is refused. \
        A session advisory lock keeps two applies apart: the second waits (--lock-wait), then skips what \
        the first applied. The first failure stops the run: that migration leaves nothing and is not \
        recorded, the ones before it stay. Run it again after a fix, a kill or a lost connection.

        A fleet (several url lines, service, discover): each member in turn with the same guarantees, \
        --concurrency N at once; the first failure stops new members from starting unless --continue; \
        run it again to resume (only what is pending runs). A summary at the end says what was applied \
        where and what failed why.

        Ctrl-C (or SIGTERM) while applying: no new member or migration starts, the running ones commit or \
        roll back, then the summary names what did not start; exit 130 (143 for SIGTERM). Run it again to go on.

        Exit status: 0 applied (or nothing to do), 1 refused or a migration failed, 2 the target could not \
        be reached or the lock not taken, 64 usage (e.g. no terminal to confirm and no --yes), 130 interrupted \
        by Ctrl-C with migrations left pending.
        """
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "The target to apply to (default: the only gated target).")
    var target: String?

    @Flag(help: "Show the plan and change nothing, not even gitgate's ledger schema.")
    var dryRun = false

    @Flag(help: "Do not ask for confirmation (for scripts and CI).")
    var yes = false

    @OptionGroup var lock: LockWaitOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    @Option(help: ArgumentHelp("A fleet: how many members to apply to at once.", valueName: "n"))
    var concurrency = 1

    @Flag(name: .customLong("continue"), help: "A fleet: go on with the other members after one fails.")
    var continueAfterFailure = false

    @Option(help: ArgumentHelp("A fleet: apply only to this member (repeatable).", valueName: "name"))
    var member: [String] = []

    func run() throws {
        var options = ApplyOptions(dryRun: dryRun, lockWait: try lock.duration)
        let interruption = Interruption()
        options.interruption = interruption
        guard concurrency >= 1 else {
            throw GitGateError(.usage, "--concurrency \(concurrency) applies to no member at a time; pass 1 or more (1, the default, goes member by member)")
        }
        let (inspection, configuration, chosen) = try Applier.context(at: location.path, target: target, command: "apply")
        if chosen.fleet != nil {
            try runFleet(FleetApplier(inspection: inspection, configuration: configuration, target: chosen, options: options,
                                      concurrency: concurrency, continueAfterFailure: continueAfterFailure, members: member),
                         interruption: interruption)
        }
        if !member.isEmpty || concurrency != 1 || continueAfterFailure {
            throw GitGateError(.usage, "--member, --concurrency and --continue are for a fleet, and target \(chosen.name) is one database; drop them")
        }
        let applier = Applier(inspection: inspection, configuration: configuration, target: chosen, options: options)
        let plan = try applier.plan()
        let style = Style.forTerminal()
        let json = format == .json
        if !json { Console.out(ApplyReport.plan(plan, style: style)) }

        guard !plan.isRefused, !plan.toApply.isEmpty, !dryRun else {
            if json { Console.out(ApplyReport.json(plan, result: nil)) }
            throw ExitCode(plan.isRefused ? ExitStatus.blocked : ExitStatus.success)
        }
        if plan.needsConfirmation && !yes {
            guard Console.isInteractive else {
                if json { Console.out(ApplyReport.json(plan, result: nil)) }
                throw GitGateError(.usage, "\(plan.target.name) is a gated target and there is no terminal to confirm on; pass --yes to apply \(plan.toApply.count) migration\(plan.toApply.count == 1 ? "" : "s") (see the plan above, or --dry-run)")
            }
            guard Console.confirm("Apply \(plan.toApply.count) migration\(plan.toApply.count == 1 ? "" : "s") to \(plan.target.name)?") else {
                Console.error("gitgate: not confirmed; nothing was applied")
                throw ExitCode(ExitStatus.blocked)
            }
        }

        // Progress as it happens: on stdout with the text report, on stderr when stdout is JSON.
        let progressStyle = json ? Style.forTerminal(fileDescriptor: 2) : style
        Self.catchInterrupts(interruption, running: "migration")
        defer { interruption.stop() }
        let result = try applier.apply(plan) { event in
            let line = ApplyReport.event(event, style: progressStyle)
            if json { Console.error(line) } else { Console.out(line) }
        }
        if json {
            Console.out(ApplyReport.json(plan, result: result))
        } else if result.failure != nil {
            Console.error(ApplyReport.summary(result, style: Style.forTerminal(fileDescriptor: 2)))
        } else {
            Console.out(ApplyReport.summary(result, style: style))
        }
        throw ExitCode(result.exitCode)
    }

    /// A fleet: confirm once, then member by member, a line per member as it finishes, the summary at the end.
    private func runFleet(_ applier: FleetApplier, interruption: Interruption) throws -> Never {
        let json = format == .json
        if applier.target.gate && !dryRun && !yes {
            guard Console.isInteractive else {
                throw GitGateError(.usage, "\(applier.target.name) is a gated fleet and there is no terminal to confirm on; pass --yes to apply its pending migrations to every member (see --dry-run)")
            }
            guard Console.confirm("Apply this branch's pending migrations to every member of \(applier.target.name)?") else {
                Console.error("gitgate: not confirmed; nothing was applied")
                throw ExitCode(ExitStatus.blocked)
            }
        }
        let style = Style.forTerminal(fileDescriptor: json ? 2 : 1)
        if !dryRun { Self.catchInterrupts(interruption, running: "member") }
        defer { interruption.stop() }
        let result = try applier.run { event in
            guard case .finished(let member) = event else { return }
            let line: String
            switch member.outcome {
            case .applied(let versions), .wouldApply(let versions):
                line = "\(style.green("✓")) \(member.member): " + (versions.isEmpty ? "up to date" : "\(dryRun ? "would apply" : "applied") \(versions.joined(separator: ", "))")
            case .notStarted:
                return
            case .interrupted(let applied, let notRun):
                line = "\(style.yellow("!")) \(member.member): interrupted after applying \(applied.joined(separator: ", ")); not run: \(notRun.joined(separator: ", "))"
            default:
                line = "\(style.red("✗")) \(member.member): failed (see the summary)"
            }
            if json { Console.error(line) } else { Console.out(line) }
        }
        if json {
            Console.out(result.json())
        } else {
            Console.out("")
            Console.out(result.text(style: style))
        }
        throw ExitCode(result.exitCode)
    }

    /// While applying, Ctrl-C (SIGINT) or SIGTERM stops what has not started and lets the running
    /// migrations commit or roll back; a second one says so again rather than killing a transaction.
    private static func catchInterrupts(_ interruption: Interruption, running what: String) {
        _ = interruption.catching { signal, first in
            let name = Interruption.name(signal)
            if first {
                Console.error("gitgate: interrupted (\(name)): nothing new starts; the running \(what)s finish or roll back, then the summary follows")
            } else {
                Console.error("gitgate: interrupted again (\(name)): still waiting for the running \(what)s to commit or roll back (a killed gitgate's transaction is rolled back by PostgreSQL)")
            }
        }
    }
}
