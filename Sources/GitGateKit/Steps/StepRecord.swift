import Foundation
import Git
import GitGateConfig
import GitGateJSON

/// The last result of one project step, as `gitgate steps --run` left it: the plan shows it
/// next to the step, with the commit it ran on (a later commit makes it out of date).
public struct StepRecord: Codable, Sendable, Equatable {
    public var step: String
    public var passed: Bool
    /// passed, failed, command-not-found, changed-files, timed-out, could-not-start.
    public var outcome: String
    /// When it finished (ISO 8601, UTC).
    public var at: String
    /// The worktree's HEAD when it ran.
    @Nullable public var commit: String?
    /// The failure's line; null when it passed.
    @Nullable public var problem: String?

    public init(_ result: StepResult, at date: Date = Date(), commit: String?) {
        step = result.step.name
        passed = result.outcome.passed
        switch result.outcome {
        case .passed: outcome = "passed"
        case .failed: outcome = "failed"
        case .commandNotFound: outcome = "command-not-found"
        case .changedFiles: outcome = "changed-files"
        case .timedOut: outcome = "timed-out"
        case .couldNotStart: outcome = "could-not-start"
        }
        at = ISO8601DateFormatter().string(from: date)
        self.commit = commit
        problem = result.problem
    }

    /// "passed 2026-12-02T09:10:00Z on 1a2b3c4", and "(before HEAD)" when HEAD has moved since.
    public func summary(head: String?) -> String {
        let on = commit.map { " on \($0.prefix(7))" } ?? ""
        let stale = (commit != nil && head != nil && commit != head) ? " (HEAD has moved since: run it again)" : ""
        return "last \(outcome) \(at)\(on)\(stale)"
    }
}

/// Each step's last result, in the repository's common dir (`gitgate/steps.json`), shared by
/// every worktree. Written whole to a temporary file and renamed, so a reader never sees half.
public struct StepRecords: Sendable {
    public let path: String

    public init(repository: Repository) {
        path = repository.commonDir.trimmingSuffix("/") + "/gitgate/steps.json"
    }

    /// Every step's last result by name; an unreadable file counts as none (it is a convenience,
    /// never evidence for the gate).
    public func load() -> [String: StepRecord] {
        guard let data = FileManager.default.contents(atPath: path),
              let records = try? JSONDecoder().decode([String: StepRecord].self, from: data) else { return [:] }
        return records
    }

    public func save(_ record: StepRecord) throws {
        var records = load()
        records[record.step] = record
        let directory = (path as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try Data(encodeJSON(records).utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw GitGateError(.io, "cannot keep the step's result in \(path): \(error.localizedDescription); check the folder's permissions")
        }
    }
}
