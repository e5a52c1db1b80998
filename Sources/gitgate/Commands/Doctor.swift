import ArgumentParser
import GitGateKit

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check gitgate's set-up: versions, configuration, each target (read-only), hooks.",
        discussion: "Exit status 0 when everything works, 2 when something needs fixing (each problem is listed with its fix)."
    )

    @OptionGroup var location: LocationOptions

    @Option(help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
        let report = Diagnosis.run(at: location.path)
        switch format {
        case .json: Console.out(report.json())
        case .text: Console.out(report.text(style: .forTerminal()))
        }
        throw ExitCode(report.healthy ? 0 : 2)
    }
}
