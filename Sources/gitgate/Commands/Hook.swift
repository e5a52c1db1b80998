import ArgumentParser
import Foundation
import GitGateKit

struct HookCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hook",
        abstract: "Run one of gitgate's git hooks (the installed hook scripts and hook managers call this).",
        discussion: """
        NAME is pre-merge-commit, pre-commit, reference-transaction, pre-push, pre-receive, \
        post-merge, post-commit, post-checkout, post-rewrite or prepare-commit-msg; ARGS are the arguments git gave the \
        hook, and stdin is passed on as git wrote it. Each checks by itself whether the update touches \
        main (other updates exit 0 at once), finds the migrations it would bring into main, and checks \
        them against every gated target.

        Exit status: 0 allowed, 1 refused, 2 could not check (refused too: the gate fails closed), \
        64 unknown hook. The post-* hooks never refuse: they notice main moving around the gate (said \
        and recorded in the skip log), and post-merge prints the gitgate close hint. prepare-commit-msg never \
        refuses: on a merge into main the gate has just verified, it adds the Gitgate-Verified trailers.

        GITGATE_SKIP="reason" lets one update through: announced, and recorded for gitgate status \
        and gitgate doctor. An empty reason is refused. On a server, pushers use \
        git push -o gitgate-skip="reason".
        """,
        shouldDisplay: false
    )

    @Argument(help: "The hook to run.")
    var name: String

    @Argument(parsing: .captureForPassthrough, help: "The arguments git passed to the hook.")
    var arguments: [String] = []

    func run() throws {
        var input = ""
        if HookRunner.readingInput.contains(name), isatty(0) == 0 {
            input = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        }
        let runner = HookRunner(hook: name, arguments: arguments, input: input,
                                directory: FileManager.default.currentDirectoryPath,
                                style: .forTerminal(fileDescriptor: 2))
        let outcome = runner.run()
        if !outcome.message.isEmpty { Console.error(outcome.message) }
        throw ExitCode(outcome.status)
    }
}
