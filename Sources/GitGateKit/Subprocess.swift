import Dispatch
import Foundation

/// A program run to its end: stdin empty, stdout and stderr in one pipe (their order kept, and
/// no deadlock on a full second pipe).
package enum Subprocess {
    /// `program` is a path, or a name looked up on PATH through `/usr/bin/env`. Returns the exit
    /// status and everything the program printed; throws when it cannot be started.
    package static func run(_ program: String, _ arguments: [String], in directory: String,
                            environment: [String: String]) throws -> (status: Int32, output: Data) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program.hasPrefix("/") ? program : "/usr/bin/env")
        process.arguments = program.hasPrefix("/") ? arguments : [program] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        // Woken by the exit itself: `waitUntilExit` polls a run loop in 50 ms steps on Linux,
        // which was most of prepare-commit-msg's time in every gated merge.
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        exited.wait()
        return (process.terminationStatus, output)
    }
}
