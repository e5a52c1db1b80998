import ArgumentParser
import GitGateKit

struct Doctor: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check gitgate's set-up: versions, configuration, each target (read-only), hooks.",
        discussion: "Exit status 0 when everything works, 2 when something needs fixing (each problem is listed with its fix; the first is also one line on stderr)."
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
        let problems = report.items.filter { $0.status == .problem }
        if let first = problems.first {
            // The report is the result (stdout); stderr gets the one line that says it failed.
            let more = problems.count > 1 ? " (and \(problems.count - 1) more problem\(problems.count == 2 ? "" : "s") in the report)" : ""
            Console.error(Diagnostic("doctor: \(first.name): \(first.detail)\(more)", exitCode: ExitStatus.couldNotCheck).line)
        }
        throw ExitCode(report.healthy ? ExitStatus.success : ExitStatus.couldNotCheck)
    }
}
