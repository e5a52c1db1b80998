import ArgumentParser
import Foundation
import GitGateKit

struct Record: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record migrations that were applied by hand (psql -f) in gitgate's ledger, after checking the catalog.",
        discussion: """
        For each VERSION (one of this branch's new migrations), gitgate checks that every object the file \
        creates exists on the target, then writes its row in gitgate.migrations with how = recorded. If any \
        object is missing, nothing is recorded and the missing objects are named. --unverified records a \
        migration whose effects the catalog cannot show (data changes only): you vouch for it.

        Exit status: 0 recorded (or already recorded), 1 refused, 2 the target could not be reached, 64 usage.
        """
    )

    @OptionGroup var location: LocationOptions

    @Argument(help: "The versions to record, e.g. 003.")
    var versions: [String] = []

    @Option(help: "The target (default: the only gated target).")
    var target: String?

    @Flag(help: "Also record migrations whose effects the catalog cannot confirm (data-only changes).")
    var unverified = false

    @OptionGroup var lock: LockWaitOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let recorder = try Recorder(at: location.path, target: target, options: ApplyOptions(lockWait: try lock.duration))
        let outcome = try recorder.record(versions, unverified: unverified)
        switch format {
        case .json: Console.out(ApplyReport.json(outcome))
        case .text: Console.out(ApplyReport.record(outcome, style: .forTerminal()))
        }
    }
}
