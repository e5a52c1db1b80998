import Foundation
import Git
import GitGateKit

// libFuzzer's entry point: the input is a `.gitgate` file, loaded from a real repository.
nonisolated(unsafe) var repository: Repository?

private func scratchRepository() -> Repository {
    if let repository { return repository }
    let root = FileManager.default.temporaryDirectory.appendingPathComponent("gitgate-fuzz-config-\(getpid())").path
    // A repository made by hand, not by running git: Process leaks a little, which LeakSanitizer reports.
    for folder in ["db/migrations", ".git/objects", ".git/refs/heads"] {
        try! FileManager.default.createDirectory(atPath: root + "/" + folder, withIntermediateDirectories: true)
    }
    _ = FileManager.default.createFile(atPath: root + "/.git/HEAD", contents: Data("ref: refs/heads/main\n".utf8))
    let made = try! Repository(discoveringFrom: root)
    repository = made
    return made
}

@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let repository = scratchRepository()
    let file = repository.workdir! + "/.gitgate"
    _ = FileManager.default.createFile(atPath: file, contents: Data(bytes: data, count: size))
    if let configuration = try? Configuration.load(from: repository) {
        for target in configuration.targets { _ = target.name }
    }
    return 0
}

// SwiftPM links an executable's own `main`, so libFuzzer's is never used: start its driver here.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

_ = scratchRepository()
var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, { data, size in fuzz(data, size) }))
