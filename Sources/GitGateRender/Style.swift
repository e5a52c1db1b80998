import Foundation
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// Colour for people, plain text for pipes: colour only when stdout is a terminal and
/// NO_COLOR is not set, unless `--color` (kept in `GITGATE_COLOR`) says otherwise.
public struct Style: Sendable {
    /// `--color WHEN`: the command line's word on colour, stronger than NO_COLOR and the terminal test.
    public enum When: String, CaseIterable, Sendable {
        case auto, always, never

        /// The variable `--color` sets, so hooks and steps started from gitgate see it too.
        public static let variable = "GITGATE_COLOR"
    }

    public var colors: Bool

    public init(colors: Bool) { self.colors = colors }

    /// Decides for a file descriptor (1 for stdout, 2 for stderr).
    public static func forTerminal(fileDescriptor: Int32 = 1,
                                   environment: [String: String] = ProcessInfo.processInfo.environment) -> Style {
        switch environment[When.variable].flatMap(When.init(rawValue:)) {
        case .always: return Style(colors: true)
        case .never: return Style(colors: false)
        case .auto, nil: break
        }
        let noColor = environment["NO_COLOR"].map { !$0.isEmpty } ?? false
        return Style(colors: !noColor && isatty(fileDescriptor) == 1 && environment["TERM"] != "dumb")
    }

    public static let plain = Style(colors: false)

    public func red(_ text: String) -> String { paint(text, "31") }
    public func green(_ text: String) -> String { paint(text, "32") }
    public func yellow(_ text: String) -> String { paint(text, "33") }
    public func bold(_ text: String) -> String { paint(text, "1") }
    public func dim(_ text: String) -> String { paint(text, "2") }

    private func paint(_ text: String, _ code: String) -> String {
        colors ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }
}

/// Output streams, so commands print results to stdout and diagnostics to stderr.
public enum Console {
    public static func out(_ text: String) {
        FileHandle.standardOutput.write(Data((text + "\n").utf8))
    }

    public static func error(_ text: String) {
        FileHandle.standardError.write(Data((text + "\n").utf8))
    }

    /// Whether a person can answer a question (stdin and stderr are terminals).
    public static var isInteractive: Bool { isatty(0) == 1 && isatty(2) == 1 }

    /// Asks a yes/no question on stderr; false without a terminal.
    public static func confirm(_ question: String) -> Bool {
        guard isInteractive else { return false }
        FileHandle.standardError.write(Data((question + " [y/N] ").utf8))
        guard let answer = readLine() else { return false }
        return ["y", "yes"].contains(answer.trimmingCharacters(in: .whitespaces).lowercased())
    }
}
