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
        object is missing, nothing is recorded and the missing objects are named. A migration with a statement \
        whose effect the catalog cannot show (UPDATE, DELETE, COPY, a DO block, an INSERT whose rows cannot be \
        looked up by key) is never recorded on the catalog's word: --unverified --reason "…" records it on \
        yours, once everything the catalog can show is there, and stores the reason in the ledger.

        Exit status: 0 recorded (or already recorded), 1 refused, 2 the target could not be reached, 64 usage.
        """
    )

    @OptionGroup var location: LocationOptions

    @Argument(help: "The versions to record, e.g. 003.")
    var versions: [String] = []

    @OptionGroup var recording: RecordingOptions

    func run() throws {
        let recorder = try Recorder(at: location.path, target: recording.target,
                                    options: ApplyOptions(lockWait: try recording.lock.duration))
        recording.show(try recorder.record(versions, unverified: recording.unverified, reason: recording.reason))
    }
}
