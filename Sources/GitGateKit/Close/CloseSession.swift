import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// What `gitgate close` was asked to do.
public struct CloseOptions: Sendable {
    /// A worktree path or a branch name; nil for the worktree gitgate runs in.
    public var target: String?
    public var allMerged: Bool
    public var dryRun: Bool
    public var yes: Bool
    /// Delete the worktree's ignored files instead of keeping them (`--discard-ignored`, or its
    /// old name `--include-ignored`).
    public var discardIgnored: Bool

    public init(target: String? = nil, allMerged: Bool = false, dryRun: Bool = false, yes: Bool = false,
                discardIgnored: Bool = false) {
        self.target = target
        self.allMerged = allMerged
        self.dryRun = dryRun
        self.yes = yes
        self.discardIgnored = discardIgnored
    }
}

/// Whether a closable candidate may go ahead.
public enum CloseConsent: Sendable, Equatable {
    case proceed
    /// Ask a person this yes/no question.
    case ask(String)
    case refuse(GitGateError)
}

extension CloseCandidate {
    /// `--yes` answers the question. Ignored files need no question of their own: they are
    /// kept, unless the person (`--discard-ignored`) or main's `closeDiscard` said to delete
    /// them. Without a terminal and without `--yes` nobody can answer: that is a usage error
    /// (exit 64), as for any missing required flag.
    public func consent(yes: Bool, interactive: Bool) -> CloseConsent {
        if yes { return .proceed }
        guard interactive else {
            return .refuse(GitGateError(.usage, "gitgate close asks before it removes anything and there is no terminal to ask on: pass --yes (see what it would do with --dry-run). Nothing was changed"))
        }
        let deleted = discardedGroups.reduce(0) { $0 + $1.files }
        guard deleted > 0 else { return .ask(actionQuestion) }
        return .ask("\(actionQuestion) (\(deleted) ignored file\(deleted == 1 ? "" : "s") marked \"to delete\" above will be deleted for good)")
    }

    package var actionQuestion: String {
        switch (worktree, branch) {
        case let (path?, name?): return "Remove worktree \(path) and delete branch \(name)?"
        case let (path?, nil): return "Remove worktree \(path)?"
        case let (nil, name?): return "Delete branch \(name)?"
        case (nil, nil): return "Close it?"
        }
    }
}

/// One run of `gitgate close`: assess, print, ask, close, remind. Talking to the person goes
/// through `say` and `confirm`, so tests (and `--format json`) can stand in for the terminal.
public struct CloseSession {
    public var options: CloseOptions
    public var interactive: Bool
    public var style: Style
    public var confirm: (String) -> Bool
    public var say: (String) -> Void

    public init(options: CloseOptions, interactive: Bool, style: Style = .plain,
                confirm: @escaping (String) -> Bool, say: @escaping (String) -> Void) {
        self.options = options
        self.interactive = interactive
        self.style = style
        self.confirm = confirm
        self.say = say
    }

    public func run(_ closer: Closer) throws -> CloseSummary {
        if options.allMerged && options.target != nil {
            throw GitGateError(.usage, "give either a worktree or branch, or --all-merged, not both")
        }
        let candidates = options.allMerged ? try closer.assessAllWorktrees(discardIgnored: options.discardIgnored)
                                           : [try closer.assess(options.target, discardIgnored: options.discardIgnored)]
        var summary = CloseSummary(dryRun: options.dryRun, allMerged: options.allMerged)
        if options.allMerged && candidates.isEmpty { say("no linked worktrees: nothing to close") }

        for candidate in candidates {
            say(CloseReport.assessment(candidate, dryRun: options.dryRun, style: style))
            guard candidate.isClosable else {
                summary.entries.append(.init(candidate: candidate, action: .kept, reason: candidate.refusalSummary))
                continue
            }
            if options.dryRun {
                summary.entries.append(.init(candidate: candidate, action: .wouldClose))
                continue
            }
            switch candidate.consent(yes: options.yes, interactive: interactive) {
            case .proceed:
                break
            case .ask(let question):
                guard confirm(question) else {
                    summary.entries.append(.init(candidate: candidate, action: .kept, reason: "not confirmed", declined: true))
                    say("  stays: not confirmed; nothing was changed")
                    continue
                }
            case .refuse(let error):
                if error.kind == .usage { throw error }
                summary.entries.append(.init(candidate: candidate, action: .kept, reason: error.message, declined: true))
                // Alone, the reason ends the run on stderr; among many, it belongs with its worktree.
                if options.allMerged { say("  " + style.red("stays: ") + error.message) }
                continue
            }
            let kept = try closer.close(candidate)
            summary.entries.append(.init(candidate: candidate, action: .closed, kept: kept))
            say(CloseReport.closed(candidate, kept: kept, style: style))
            if let worktree = candidate.worktree, let directory = closer.directoryAfterRemoving(worktree) {
                summary.cd = directory
            }
        }

        if summary.entries.contains(where: { $0.action != .kept }) {
            summary.reminders = closer.configuration.reminders
            summary.nextSteps = closer.postMergeSteps()
                + summary.entries.filter { $0.action != .kept }.flatMap(\.candidate.afterwards)
        }
        return summary
    }
}

/// The outcome of a run, for the closing words, the JSON and the exit status.
public struct CloseSummary: Sendable {
    public enum Action: String, Sendable, Codable {
        case closed
        case wouldClose = "would-close"
        case kept
    }

    public struct Entry: Sendable {
        public var candidate: CloseCandidate
        public var action: Action
        /// Why it was kept.
        public var reason: String?
        /// Closable, but the person said no (or could not be asked).
        public var declined: Bool
        /// Where its ignored files were moved, when it was closed and had some to keep.
        public var kept: KeptFiles?

        public init(candidate: CloseCandidate, action: Action, reason: String? = nil, declined: Bool = false,
                    kept: KeptFiles? = nil) {
            self.candidate = candidate
            self.action = action
            self.reason = reason
            self.declined = declined
            self.kept = kept
        }
    }

    public var dryRun: Bool
    public var allMerged: Bool
    public var entries: [Entry] = []
    /// Where to `cd`: gitgate ran inside a worktree it removed.
    public var cd: String?
    public var reminders: [String] = []
    public var nextSteps: [String] = []

    public init(dryRun: Bool, allMerged: Bool) {
        self.dryRun = dryRun
        self.allMerged = allMerged
    }

    /// Why the run did not do all it was asked, in one line; nil when it did.
    ///
    /// One worktree or branch: any refusal fails the run (exit 1, or 2 when the only problem is
    /// a target that could not be checked). `--all-merged`: an unmerged worktree staying is the
    /// point; a merged one that stays (dirty, locked, keep folder, migrations, declined) fails the run.
    public var failure: GitGateError? {
        let kept = entries.filter { $0.action == .kept }
        let failing = allMerged ? kept.filter { $0.declined || $0.candidate.merge != nil } : kept
        guard !failing.isEmpty else { return nil }
        let onlyUnknown = failing.allSatisfy { entry in
            !entry.declined && !entry.candidate.refusals.isEmpty && entry.candidate.refusals.allSatisfy(\.isCouldNotCheck)
        }
        let kind: GitGateError.Kind = onlyUnknown ? .target : .refused
        if !allMerged, let entry = failing.first {
            if entry.declined, let reason = entry.reason, reason != "not confirmed" { return GitGateError(kind, reason) }
            return GitGateError(kind, "not closing \(entry.candidate.title): \(entry.reason ?? ""); nothing was changed")
        }
        let names = failing.map { $0.candidate.branch ?? $0.candidate.worktree ?? $0.candidate.tip }
        return GitGateError(kind, "\(failing.count) merged worktree\(failing.count == 1 ? " was" : "s were") kept (\(names.joined(separator: ", "))): see the reasons above")
    }

    public var exitCode: Int32 { failure?.exitCode ?? ExitStatus.success }
}
