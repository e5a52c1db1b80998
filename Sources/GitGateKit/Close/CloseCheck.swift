import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate close --check`: whether a worktree's folder can be removed, by gitgate close or by
/// any other tool (a worktree manager's remove, `git worktree remove`), without losing anything.
/// Answering changes nothing.
public struct CloseCheck: Sendable {
    /// Nil when the argument named the main worktree.
    public var candidate: CloseCandidate?
    /// Why it is not safe: the candidate's refusals, then `ignored-files` when removing the
    /// folder would delete ignored files nothing gave up.
    public var reasons: [CloseRefusal]

    public init(candidate: CloseCandidate?, reasons: [CloseRefusal]) {
        self.candidate = candidate
        self.reasons = reasons
    }

    public var safe: Bool { reasons.isEmpty && candidate?.isClosable == true }
    /// Whether `gitgate close` would close it (it keeps the ignored files, so this can be true
    /// when `safe` is not).
    public var closable: Bool { candidate?.isClosable == true }

    /// 0 safe; 1 not safe; 2 when the only doubt is a target that could not be checked.
    public var failure: GitGateError? {
        guard !safe else { return nil }
        let kind: GitGateError.Kind = !reasons.isEmpty && reasons.allSatisfy(\.isCouldNotCheck) ? .target : .refused
        let title = candidate?.title ?? "it"
        let first = reasons.first?.message ?? "it is not merged"
        let more = reasons.count > 1 ? " (and \(reasons.count - 1) more reason\(reasons.count == 2 ? "" : "s") above)" : ""
        if candidate == nil { return GitGateError(kind, first) }
        return GitGateError(kind, "not safe to remove \(title): \(first)\(more)")
    }

    public var exitCode: Int32 { failure?.exitCode ?? ExitStatus.success }
}

extension Closer {
    /// Assesses `argument` as `gitgate close` would, and adds what only matters to a tool that
    /// deletes the folder itself: ignored files that would go with it.
    public func check(_ argument: String?, discardIgnored: Bool = false) throws -> CloseCheck {
        let candidate: CloseCandidate
        do {
            candidate = try assess(argument, discardIgnored: discardIgnored)
        } catch let error as GitGateError where error.kind == .refused {
            // The main worktree: never safe to remove, and a clear answer rather than a failure.
            return CloseCheck(candidate: nil, reasons: [CloseRefusal(.mainWorktree, error.message)])
        }
        var reasons = candidate.refusals
        let kept = candidate.keptGroups
        if !kept.isEmpty {
            let count = kept.reduce(0) { $0 + $1.files }
            let them = count == 1 ? "it" : "them"
            reasons.append(CloseRefusal(
                .ignoredFiles,
                "removing the folder would delete \(count) ignored file\(count == 1 ? "" : "s") that nothing says to delete: gitgate close keeps \(them) (in \(candidate.keepBase)/); to let other tools delete \(them), add closeDiscard globs to \(mainBranch)'s .gitgate or check with --discard-ignored",
                details: kept.map(\.description)))
        }
        return CloseCheck(candidate: candidate, reasons: reasons)
    }
}
