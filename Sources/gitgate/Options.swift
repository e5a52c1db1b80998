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

    var path: String {
        let base = FileManager.default.currentDirectoryPath
        guard let directory else { return base }
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
