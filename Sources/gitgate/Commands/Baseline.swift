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

    @Option(help: "The newest migration on main to baseline (default: all of them).")
    var through: String?

    @OptionGroup var recording: RecordingOptions

    func run() throws {
        recording.show(try Baseline.run(at: location.path, target: recording.target, through: through,
                                        unverified: recording.unverified, reason: recording.reason,
                                        options: ApplyOptions(lockWait: try recording.lock.duration)))
    }
}
