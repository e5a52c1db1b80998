import ArgumentParser
import Foundation
import GitGateKit

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Where to run: like `git -C`.
struct LocationOptions: ParsableArguments {
    @Option(name: [.customShort("C"), .customLong("directory")], help: ArgumentHelp("Run as if started in <path>.", valueName: "path"))
    var directory: String?

    /// A missing folder is a usage error, as for `gitgate -C PATH` before the command.
    func validate() throws {
        guard let directory, !directory.isEmpty else { return }
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue else {
            throw ValidationError("-C \(directory): no such directory")
        }
    }

    var path: String {
        let base = FileManager.default.currentDirectoryPath
        guard let directory, !directory.isEmpty else { return base }
        return directory.hasPrefix("/") ? directory : base + "/" + directory
    }
}

/// `--lock-wait`, shared by the commands that take gitgate's apply lock.
struct LockWaitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("How long to wait for another gitgate apply on the same database.", valueName: "duration"))
    var lockWait = "60s"

    var duration: Duration {
        get throws {
            guard let ms = Configuration.parseDuration(lockWait) else {
                throw GitGateError(.usage, "--lock-wait \(lockWait) is not a duration; write e.g. 30s, 500ms or 2m")
            }
            return .milliseconds(ms)
        }
    }
}

/// What `record` and `baseline` share: where to record, and how to vouch for what the catalog cannot prove.
struct RecordingOptions: ParsableArguments {
    @Option(help: "The target (default: the only gated target).")
    var target: String?

    @Flag(help: "Also record migrations with statements whose effects the catalog cannot show (data changes); needs --reason.")
    var unverified = false

    @Option(help: "With --unverified: how you know the migration ran (stored in the ledger).")
    var reason: String?

    @OptionGroup var lock: LockWaitOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    /// Prints what was recorded, as the format says.
    func show(_ outcome: Recorder.Outcome) {
        switch format {
        case .json: Console.out(ApplyReport.json(outcome))
        case .text: Console.out(ApplyReport.record(outcome, style: .forTerminal()))
        }
    }
}
