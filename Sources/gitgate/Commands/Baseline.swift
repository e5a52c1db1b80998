import ArgumentParser
import Foundation
import GitGateKit

struct BaselineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "baseline",
        abstract: "Adopt a database that already has main's migrations: verify each one in its catalog, then record it.",
        discussion: """
        For a team that starts using gitgate on a database with a long history: every migration on the main \
        branch (up to --through VERSION) is checked in the target's catalog and recorded in gitgate's ledger \
        (how = recorded), so the gate starts from the truth. A migration whose objects are missing refuses the \
        whole baseline, naming it. One whose statements the catalog cannot prove (data changes) needs \
        --unverified --reason "…": you vouch for it, and the reason is stored with the row.

        Exit status: 0 recorded (or already recorded), 1 refused (nothing recorded), 2 the target could not \
        be reached, 64 usage.
        """
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "The target (default: the only gated target).")
    var target: String?

    @Option(help: "The newest migration on main to baseline (default: all of them).")
    var through: String?

    @Flag(help: "Also record migrations whose statements the catalog cannot prove; needs --reason.")
    var unverified = false

    @Option(help: "Why you know the unverifiable migrations ran (stored in the ledger).")
    var reason: String?

    @OptionGroup var lock: LockWaitOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let outcome = try Baseline.run(at: location.path, target: target, through: through, unverified: unverified,
                                       reason: reason, options: ApplyOptions(lockWait: try lock.duration))
        switch format {
        case .json: Console.out(ApplyReport.json(outcome))
        case .text: Console.out(ApplyReport.record(outcome, style: .forTerminal()))
        }
    }
}
