import Foundation
import GitGateKit

// libFuzzer's entry point: the input is a list of paths (one a line) in a migrations folder.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    let paths = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    for path in paths {
        for layout in Layout.allCases {
            _ = layout.classify(relativePath: path, folder: "db/migrations")
            _ = layout.classify(relativePath: path, folder: "")
        }
        _ = Layout.isKnownCompanion(relativePath: path)
    }
    _ = Layout.detect(relativePaths: paths)
    return 0
}

// SwiftPM links an executable's own `main`, so libFuzzer's is never used: start its driver here.
@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(_ argc: UnsafeMutablePointer<Int32>,
               _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
               _ test: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

var argc = CommandLine.argc
var argv = CommandLine.unsafeArgv
exit(runDriver(&argc, &argv, { data, size in fuzz(data, size) }))
