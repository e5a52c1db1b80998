import Foundation
import Git

/// `[gitgate "step.NAME"]` in main's committed `.gitgate`: a project command that belongs to the
/// checklist (regenerate models and schema docs, check they are committed). Policy, like every
/// other key: read only from the file as committed at main's tip.
public struct ProjectStep: Sendable, Equatable {
    public enum When: String, Sendable, Codable, CaseIterable {
        case beforeMerge = "before-merge"
        case afterMerge = "after-merge"
    }

    public enum Expect: String, Sendable, Codable, CaseIterable {
        /// The command must leave the worktree as it found it: what it generates is committed.
        case clean
        /// The command must exit 0.
        case success
    }

    public var name: String
    public var run: String
    public var when: When
    public var expect: Expect
    public var timeoutMs: Int

    public static let defaultTimeoutMs = 600_000

    public init(name: String, run: String, when: When = .beforeMerge, expect: Expect = .success,
                timeoutMs: Int = ProjectStep.defaultTimeoutMs) {
        self.name = name
        self.run = run
        self.when = when
        self.expect = expect
        self.timeoutMs = timeoutMs
    }

    /// How close, post-merge and the plan remind of an after-merge step.
    public var afterMergeReminder: String { "run \(run) (step \(name))" }

    /// Lower-cased key → its spelling, for the unknown-key check.
    package static let keys: [String: String] = ["run": "run", "when": "when", "expect": "expect", "timeout": "timeout"]

    /// Every `gitgate.step.NAME.*` of the committed file, in the order the file names them.
    package static func load(_ policy: Git.Config, shown: String) throws -> [ProjectStep] {
        var names: [String] = []
        for entry in try policy.entries(matching: "^gitgate\\.step\\.") {
            let parts = entry.name.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
            guard parts.count >= 4 else { continue }
            let name = parts[2..<(parts.count - 1)].joined(separator: ".")
            if !names.contains(name) { names.append(name) }
        }
        return try names.map { name in
            let prefix = "gitgate.step.\(name)."
            guard let run = policy.string(prefix + "run")?.trimmingCharacters(in: .whitespaces), !run.isEmpty else {
                throw GitGateError(.configuration, "\(shown): step '\(name)' has no command; set gitgate.step.\(name).run = COMMAND")
            }
            var step = ProjectStep(name: name, run: run)
            if let value = policy.string(prefix + "when") {
                guard let when = When(rawValue: value) else {
                    throw GitGateError(.configuration, "\(shown): gitgate.step.\(name).when = '\(value)' is not a moment; use before-merge or after-merge")
                }
                step.when = when
            }
            if let value = policy.string(prefix + "expect") {
                guard let expect = Expect(rawValue: value) else {
                    throw GitGateError(.configuration, "\(shown): gitgate.step.\(name).expect = '\(value)' is not an expectation; use clean (the tree stays unchanged) or success (exit 0)")
                }
                step.expect = expect
            }
            if let value = policy.string(prefix + "timeout") {
                guard let ms = Configuration.parseDuration(value), ms > 0 else {
                    throw GitGateError(.configuration, "\(shown): gitgate.step.\(name).timeout = '\(value)' is not a duration; write e.g. 30s, 500ms or 2m")
                }
                step.timeoutMs = ms
            }
            return step
        }
    }
}
