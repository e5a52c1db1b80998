import ArgumentParser
import Foundation
import GitGateKit

struct Lint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Review migrations with PostgreSQL's own parser: data loss, locks on busy tables, the checklist.",
        discussion: """
        With no PATH, reviews the migrations this worktree's branch adds, after main's (the schema \
        the foreign-key rule checks against). With PATHs (files, or folders of .sql files), reviews \
        those files in order, each one history for the next; no repository or .gitgate is needed then.

        --target NAME makes the review production-aware: tables missing from the history may exist in \
        the target's catalog, and lock warnings on tables with at least gitgate.largeTableRows rows \
        (default 100000, estimated) become errors. The target is only read.

        gitgate lint --explain RULE says what a rule catches, why, the fix, and its examples; \
        gitgate lint --rules --format markdown prints docs/rules.md. Main's committed .gitgate may \
        disable rules, enable optional ones, set their severity and the PostgreSQL version \
        ([gitgate "lint"], [gitgate "lint.severity"]).

        A reviewed exception: a comment on or above the statement,
          -- gitgate:allow RULE because <reason>
        The reason is required; the finding still shows, with it.

        Exit status: 0 no error, 1 an error finding not allowed, 2 a file could not be read (or the \
        target could not be checked), 64 usage error.
        """
    )

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, github, markdown
    }

    @OptionGroup var location: LocationOptions

    @Option(help: "Output format: text, json or github (GitHub Actions annotations); markdown with --rules.")
    var format: Format = .text

    @Option(help: ArgumentHelp("Check table sizes and the catalog on this target (read-only).", valueName: "name"))
    var target: String?

    @Argument(help: ArgumentHelp("Migration files or folders, in the order they run.", valueName: "path"))
    var paths: [String] = []

    /// The options that take a value, as typed (`--format=json` carries its own): the paths are
    /// every other argument that does not start with `-` (Invocation.lintWithPaths).
    static let optionsWithValues: Set<String> = ["-C", "--directory", "--format", "--target", "--explain"]

    @Flag(help: "List the rules, their default severity and what each catches, then exit.")
    var rules = false

    @Option(help: ArgumentHelp("Say what a rule catches, why, how to fix it, with examples; then exit.", valueName: "rule"))
    var explain: String?

    func run() throws {
        if let explain {
            guard let rule = Rule(rawValue: explain.lowercased()) else {
                let hint = Rule.closest(to: explain).map { "did you mean \($0.rawValue)? " } ?? ""
                throw GitGateError(.usage, "--explain \(explain): no rule has that name; \(hint)gitgate lint --rules lists them")
            }
            Console.out(RuleDocs.explanation(of: rule))
            return
        }
        if rules {
            if format == .markdown {
                Console.out(String(RuleDocs.markdown().dropLast()))
                return
            }
            let width = Rule.allCases.map(\.rawValue.count).max() ?? 0
            for rule in Rule.allCases {
                let name = rule.rawValue.padding(toLength: width, withPad: " ", startingAt: 0)
                Console.out("\(name)  \(rule.summary) [\(RuleDocs.defaultLevel(rule))]")
            }
            return
        }
        if format == .markdown {
            throw GitGateError(.usage, "--format markdown is only for --rules; use text, json or github to review migrations")
        }
        let outcome = try LintService.run(paths: paths, in: location.path, target: target)
        // One line for what could not be read; no report when nothing was.
        if let first = outcome.unreadable.first {
            let line = outcome.unreadable.count == 1
                ? "\(first.path): \(first.reason); check the path"
                : "\(outcome.unreadable.count) files could not be read: "
                    + outcome.unreadable.map { "\($0.path) (\($0.reason))" }.joined(separator: ", ") + "; check the paths"
            Console.error(Diagnostic(line, exitCode: ExitStatus.couldNotCheck).line)
            if outcome.paths.isEmpty && format != .json { throw ExitCode(ExitStatus.couldNotCheck) }
        }
        let report = LintReport(outcome)
        switch format {
        case .text: Console.out(report.text(style: .forTerminal()))
        case .json: Console.out(report.json())
        case .github:
            let annotations = report.github()
            if !annotations.isEmpty { Console.out(annotations) }
        case .markdown:
            break
        }
        throw ExitCode(outcome.exitCode)
    }

}
