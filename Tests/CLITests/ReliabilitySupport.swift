import Foundation
import Testing
import TestSupport

/// What every failing gitgate run must look like: a documented exit code, no signal, no Swift
/// runtime trap, and on stderr one line that starts with "gitgate: ".
func expectCleanFailure(_ result: ShellResult, allowed: Set<Int32> = [1, 2, 64],
                        sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(allowed.contains(result.status), "exit \(result.status): \(result.stderr)", sourceLocation: sourceLocation)
    expectNoCrash(result, sourceLocation: sourceLocation)
    // Could not check: a "gitgate: " line on stderr says why, also when a report command
    // (status, doctor, check) printed its report on stdout.
    if result.status == 2 {
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.contains { $0.hasPrefix("gitgate: ") },
                "stdout: \(result.stdout) stderr: \(result.stderr)", sourceLocation: sourceLocation)
    }
}

/// No signal exit and no runtime trap message, whatever the exit code.
func expectNoCrash(_ result: ShellResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.status < 128, "killed by signal \(result.status - 128): \(result.stderr)", sourceLocation: sourceLocation)
    for marker in ["Fatal error", "Stack dump", "Segmentation fault", "Illegal instruction", "AddressSanitizer"] {
        #expect(!result.stderr.contains(marker) && !result.stdout.contains(marker),
                "crash marker \(marker): \(result.stderr)", sourceLocation: sourceLocation)
    }
}

/// Every regular file under `root` (hidden ones and .git included) whose bytes contain `needle`.
func filesContaining(_ needle: String, under root: String) -> [String] {
    let needleData = Data(needle.utf8)
    guard let walker = FileManager.default.enumerator(atPath: root) else { return [] }
    var hits: [String] = []
    while let relative = walker.nextObject() as? String {
        let path = root + "/" + relative
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
              let data = FileManager.default.contents(atPath: path) else { continue }
        if data.range(of: needleData) != nil { hits.append(relative) }
    }
    return hits
}
