import ArgumentParser
import Foundation
import GitGateKit

/// The command line before a command runs: git's `-C PATH` ahead of the command, a mistyped
/// command, and ArgumentParser's usage errors, each said in gitgate's one-line form.
enum Invocation {
    /// Every command's name, the hidden ones and `help` included.
    static var commandNames: [String] {
        Gitgate.configuration.subcommands.compactMap { $0.configuration.commandName } + ["help"]
    }

    /// Applies the leading `-C PATH` (`-CPATH`, `--directory PATH`, `--directory=PATH`) as git does:
    /// each changes directory, relative to the one before, so every command and `-C` after the
    /// command see it. Returns the arguments that remain; refuses a mistyped command.
    static func prepare(_ arguments: [String]) throws -> [String] {
        _ = startedBy  // before any -C changes the directory it is relative to
        var rest = arguments[...]
        while let first = rest.first {
            let directory: String
            if first == "-C" || first == "--directory" {
                guard rest.count >= 2 else {
                    throw GitGateError(.usage, "\(first): no directory given; write gitgate \(first) PATH COMMAND, e.g. gitgate -C ../feature status")
                }
                directory = rest[rest.startIndex + 1]
                rest = rest.dropFirst(2)
            } else if first.hasPrefix("--directory=") {
                directory = String(first.dropFirst("--directory=".count))
                rest = rest.dropFirst()
            } else if first.hasPrefix("-C") {
                directory = String(first.dropFirst(2))
                rest = rest.dropFirst()
            } else {
                break
            }
            try enter(directory)
        }
        if let first = rest.first, !first.hasPrefix("-"), !commandNames.contains(first) {
            throw ErrorBoundary.unknownCommand(first, commands: commandNames.filter { $0 != "hook" && $0 != "help" })
        }
        return try takeColor(Array(rest))
    }

    /// `--color[=WHEN]`, `--color WHEN` and `--no-color`, before or after the command (not after
    /// `--`): every command prints through the same `Style`, so the choice is made once, here, and
    /// kept in `GITGATE_COLOR` for the processes gitgate starts.
    static func takeColor(_ arguments: [String]) throws -> [String] {
        var rest: [String] = []
        var when: Style.When?
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if argument == "--" {
                rest += arguments[(index - 1)...]
                break
            }
            if argument == "--no-color" {
                when = .never
            } else if argument == "--color" {
                // A bare --color means always, as in git; a following word that is a WHEN is taken.
                if index < arguments.count, let next = Style.When(rawValue: arguments[index]) {
                    when = next
                    index += 1
                } else {
                    when = .always
                }
            } else if argument.hasPrefix("--color=") {
                let word = String(argument.dropFirst("--color=".count))
                guard let value = Style.When(rawValue: word) else {
                    throw GitGateError(.usage, "--color=\(word): not a choice; write --color=auto, --color=always or --color=never")
                }
                when = value
            } else {
                rest.append(argument)
            }
        }
        if let when { setenv(Style.When.variable, when.rawValue, 1) }
        return rest
    }

    /// The command line as started, with a relative program path (./gitgate) made absolute in the
    /// folder it was typed in: `gitgate -C REPO install` writes it into the hooks.
    static let startedBy: [String] = {
        var arguments = CommandLine.arguments
        if let first = arguments.first, first.contains("/"), !first.hasPrefix("/") {
            arguments[0] = FileManager.default.currentDirectoryPath + "/" + first
        }
        return arguments
    }()

    /// `-C ""` changes nothing, as in git.
    private static func enter(_ directory: String) throws {
        guard !directory.isEmpty else { return }
        guard FileManager.default.changeCurrentDirectoryPath(directory) else {
            throw GitGateError(.usage, "-C \(directory): \(String(cString: strerror(errno))); give a directory that exists (relative to the one before)")
        }
    }

    /// Parses, printing help and `--version` as ArgumentParser does (exit 0); a usage error is
    /// thrown as one line naming the command.
    static func parse(_ arguments: [String]) throws -> any ParsableCommand {
        if let lint = lintWithPaths(arguments) { return lint }
        do {
            return try Gitgate.parseAsRoot(arguments)
        } catch {
            if Gitgate.exitCode(for: error) == .success { Gitgate.exit(withError: error) }
            let command = arguments.first { commandNames.contains($0) }
            throw GitGateError(.usage, "\(command ?? "command line"): \(usageText(Gitgate.message(for: error))); gitgate \(command.map { "\($0) " } ?? "")--help lists its options")
        }
    }

    /// `gitgate lint` with its paths set aside: ArgumentParser copies the array of values so far
    /// for each positional value it appends (quadratic: a sixth of `gitgate lint` on 500 paths).
    /// The paths are the arguments that are neither options nor an option's value; ArgumentParser
    /// parses the rest. Nil, and the full parse decides, whenever that could read the command line
    /// differently: a `--` terminator, no path, the rest not parsing (a usage error, `--help`), or
    /// the rest still holding a positional value (an option taken for one that has a value, or the
    /// reverse, ends in one of those).
    static func lintWithPaths(_ arguments: [String]) -> Lint? {
        guard arguments.first == Lint.configuration.commandName, !arguments.contains("--") else { return nil }
        var rest: [String] = []
        var paths: [String] = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            if index > arguments.startIndex, !argument.hasPrefix("-") {
                paths.append(argument)
            } else {
                rest.append(argument)
                if Lint.optionsWithValues.contains(argument), index + 1 < arguments.endIndex {
                    index += 1
                    rest.append(arguments[index])
                }
            }
            index += 1
        }
        guard !paths.isEmpty, var lint = (try? Gitgate.parseAsRoot(rest)) as? Lint, lint.paths.isEmpty else { return nil }
        lint.paths = paths
        return lint
    }

    /// ArgumentParser's "Unknown option '--verbos'. Did you mean '--verbose'?" as one clause:
    /// "unknown option '--verbos' (did you mean '--verbose'?)".
    static func usageText(_ message: String) -> String {
        var text = message.split(whereSeparator: \.isNewline)
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("Usage:") && !$0.hasPrefix("See '") }
            .joined(separator: " ")
        if text.hasPrefix("Error: ") { text = String(text.dropFirst("Error: ".count)) }
        text = text.replacingOccurrences(of: ". Did you mean", with: " (did you mean")
        if text.contains(" (did you mean"), text.hasSuffix("?") { text += ")" }
        while text.hasSuffix(".") { text.removeLast() }
        if let first = text.first, first.isUppercase, text.dropFirst().first?.isLowercase == true {
            text = first.lowercased() + text.dropFirst()
        }
        return text
    }

    /// The boundary's line on stderr, then its exit status.
    static func fail(_ error: any Error) -> Never {
        let diagnostic = ErrorBoundary.diagnose(error)
        Console.error(diagnostic.line)
        Foundation.exit(diagnostic.exitCode)
    }
}
