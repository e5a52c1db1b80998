import ArgumentParser
import Foundation
import GitGateKit

struct Log: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "log",
        abstract: "The deployment history from gitgate's ledger: what was applied, recorded, baselined and rolled back, by whom, when, from which commit and host.",
        discussion: """
        Read-only. Lists gitgate.history on each target (default: every configured one), newest first. Each \
        apply, record, baseline and rollback writes its row in the same transaction as its change: who (git \
        user.name and user.email, the OS user, the database user), when, the commit and branch the migrations \
        came from, and the host gitgate ran on. A ledger made by a gitgate older than the sign-off shows what it \
        has now, without rollbacks; the next apply, record or rollback upgrades it.

        With another tool's ledger (gitgate.ledger = flyway, …) there is no gitgate history: refused, exit 1.

        Exit status: 0 listed, 1 refused, 2 a target could not be read, 64 usage.
        """
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "A target to list (repeatable; default: every configured one).")
    var target: [String] = []

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let log = try DeploymentLog.read(at: location.path, targets: target)
        switch format {
        case .text: Console.out(LogReport.text(log, style: Style.forTerminal()))
        case .json: Console.out(LogReport.json(log))
        }
        for failed in log.targets.compactMap(\.error) { Console.error("gitgate: \(failed.message)") }
        throw ExitCode(log.exitCode)
    }
}
