import Foundation
import SQL

// libFuzzer's entry point: any bytes, as a migration's text, through the libpg_query wrapper.
@_cdecl("LLVMFuzzerTestOneInput")
func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data else { return 0 }
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let script = try? SQLScript.parse(text) else { return 0 }
    // Touch what callers read: locations and the node trees.
    for statement in script.statements {
        _ = script.location(ofOffset: statement.offset)
        _ = script.location(ofOffset: statement.endOffset)
        statement.node.walk { _ in }
    }
    for comment in script.comments { _ = comment.content }
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
