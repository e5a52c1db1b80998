import ArgumentParser
import Foundation
import GitGateKit

struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check what --head would bring into --base against every gated target (for CI and servers).",
        discussion: """
        Lists the migrations that --head adds compared with its merge base with --base, checks each \
        on every gated target, and exits 0 (ready), 1 (blocked) or 2 (could not check: the report \
        still prints, and stderr gets one line saying why). Make it a \
        required status check so a merge in the forge's web page waits too. .gitgate is read as \
        committed in --base (else --head), so a branch cannot loosen the gate it is checked by; \
        it works in a bare repository. A --base of zeros means there is no base yet: everything \
        --head has is checked.

        In CI, fetch the full history (actions/checkout with fetch-depth: 0) and give the target's \
        connection through the variable .gitgate names (e.g. env:DATABASE_URL).
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, github
    }

    @OptionGroup var location: LocationOptions

    @Option(help: ArgumentHelp("What the update goes into: a branch, a commit, or zeros for nothing.", valueName: "rev"))
    var base: String

    @Option(help: ArgumentHelp("What would be merged or pushed.", valueName: "rev"))
    var head: String = "HEAD"

    @Option(help: ArgumentHelp("The ref being updated, for messages (e.g. refs/heads/main).", valueName: "name"))
    var ref: String?

    @Option(help: "Output format: text, json (as gitgate status), or github (Actions annotations).")
    var format: Format = .text

    func run() throws {
        let report = try UpdateCheck.run(at: location.path, base: base, head: head, ref: ref)
        switch format {
        case .text:
            Console.out(report.text(style: .forTerminal()))
        case .json:
            Console.out(report.json())
        case .github:
            Console.out(report.githubAnnotations())
            Console.out(report.text(style: .plain))
            if let summary = ProcessInfo.processInfo.environment["GITHUB_STEP_SUMMARY"], !summary.isEmpty,
               let handle = FileHandle(forWritingAtPath: summary) {
                handle.seekToEndOfFile()
                handle.write(Data(report.githubStepSummary().utf8))
                handle.closeFile()
            }
        }
        report.sayWhyNotChecked()
        throw ExitCode(report.verdict.exitCode)
    }
}
