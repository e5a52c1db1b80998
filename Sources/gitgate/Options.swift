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
