import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate hook NAME`: what each installed hook runs once its `sh` filter has decided the
/// update touches main. It finds the migrations the update would bring into main, checks them
/// against every gated target, and refuses (exit 1; 2 when it could not check) with each
/// missing migration, its target and the fix. `GITGATE_SKIP="reason"` lets one update through,
/// announced and recorded. Hook managers call it directly, so every route re-checks for itself
/// that main is involved.
public struct HookRunner {
    public struct Outcome: Sendable, Equatable {
        public var status: Int32
        /// For stderr: git shows it to the person who ran the command.
        public var message: String

        package static let allow = Outcome(status: 0, message: "")
    }

    /// The hooks `gitgate hook` knows.
    public static let names = ["pre-merge-commit", "pre-commit", "reference-transaction", "pre-push", "pre-receive",
                               "post-merge", "post-commit", "post-checkout", "post-rewrite", "prepare-commit-msg"]
    /// The hooks that come after the fact: they never refuse, they notice main moving around the gate.
    package static let afterTheFact: Set<String> = ["post-merge", "post-commit", "post-checkout", "post-rewrite"]
    /// The hooks git feeds on stdin.
    public static let readingInput: Set<String> = ["reference-transaction", "pre-push", "pre-receive"]

    public let hook: String
    public let arguments: [String]
    public let input: String
    public let directory: String
    public let environment: [String: String]
    public let style: Style

    public init(hook: String, arguments: [String] = [], input: String = "", directory: String,
                environment: [String: String] = ProcessInfo.processInfo.environment, style: Style = .plain) {
        self.hook = hook
        self.arguments = arguments
        self.input = input
        self.directory = directory
        self.environment = environment
        self.style = style
    }

    public func run() -> Outcome {
        guard HookRunner.names.contains(hook) else {
            return Outcome(status: ExitStatus.usage, message: "gitgate: unknown hook '\(hook)'; gitgate hook takes \(HookRunner.names.joined(separator: ", "))")
        }
        if HookRunner.afterTheFact.contains(hook) { return afterTheFactOutcome() }
        if hook == "prepare-commit-msg" {
            return MergeTrailers.prepare(arguments: arguments, directory: directory, environment: environment)
        }
        // Only the prepared state can still refuse; committed and aborted have nothing to check.
        if hook == "reference-transaction", arguments.first != "prepared" { return .allow }

        let skip = SkipRequest(environment: environment, hook: hook)
        if case .emptyReason(let source) = skip {
            return Outcome(status: ExitStatus.blocked, message: style.red("gitgate: ✗ refused: \(source) is set but gives no reason.") + """

                A skip is recorded with its reason for gitgate status and gitgate doctor: \(skipHint)
                """)
        }

        let plan: Plan?
        var inspected: [(update: Update, inspection: Inspection)] = []
        do {
            plan = try makePlan()
            if let plan {
                let inspector = Inspector(repository: plan.repository, configuration: plan.configuration)
                // An update a hook of the same git command has just checked is not read again.
                for update in plan.updates where update.verified == nil {
                    inspected.append((update, try update.inspect(inspector)))
                }
            }
        } catch {
            if case .reason(let reason) = skip {
                return skipped(reason: reason, repository: try? Inspector.openRepository(at: directory),
                               what: "\(hook) (not inspected: \(error))", migrations: [])
            }
            // Any error, a wrapper's too, in the boundary's words and with its exit code.
            let diagnostic = ErrorBoundary.diagnose(error)
            return Outcome(status: diagnostic.exitCode, message: """
                \(style.red("gitgate: ✗ refused: the update of main could not be checked:")) \(diagnostic.message)
                Fix that (gitgate doctor helps), or go ahead anyway with a reason, recorded: \(skipHint)
                """)
        }
        guard let plan else { return .allow }

        // Nothing that reaches the database or breaks history: nothing to check, nothing skipped.
        let relevant = inspected.filter { !$0.inspection.migrations.isEmpty || !$0.inspection.conflicts.isEmpty }
        if relevant.isEmpty { return .allow }

        if case .reason(let reason) = skip {
            let what = relevant.map(\.update.what).joined(separator: "; ")
            return skipped(reason: reason, repository: plan.repository, what: what,
                           migrations: relevant.flatMap { $0.inspection.migrations.map(\.path) },
                           targets: plan.configuration.gatedTargets.map(\.name))
        }

        let results = relevant.map { item in
            (update: item.update, report: GateRun.evaluate(item.inspection, configuration: plan.configuration, environment: environment,
                                                           repository: plan.repository))
        }
        if results.allSatisfy({ $0.report.verdict.decision == .ready }) {
            if let record = plan.record, results.contains(where: { !$0.report.checks.isEmpty }) {
                remember(record, plan: plan, trailers: results.flatMap { MergeTrailers.values($0.report) })
            }
            return Outcome(status: 0, message: results.map { allowed($0.update, $0.report) }.joined(separator: "\n"))
        }
        return refusal(results, plan: plan)
    }

    // MARK: What to check, per route

    /// One update of main, and how to read what it brings.
    package struct Update {
        /// "merge of feature into main"
        package var summary: String
        /// For the skip log: refs and commits.
        package var what: String
        /// The branch it brings, when known: its worktree is where `gitgate apply` runs.
        package var branch: String?
        /// Set when pre-merge-commit or pre-commit has just checked exactly this result.
        package var verified: VerifiedResult? = nil
        package var inspect: (Inspector) throws -> Inspection
    }

    package struct Plan {
        package var repository: Repository
        package var configuration: Configuration
        package var updates: [Update]
        /// Where things stand after a refusal, and how to finish.
        package var afterRefusal: String
        /// pre-merge-commit and pre-commit: what a pass vouches for (main's tip, and the index that
        /// becomes the commit), for the reference-transaction hook that follows.
        package var record: (base: ObjectID, tree: () throws -> ObjectID)? = nil
    }

    private func makePlan() throws -> Plan? {
        let repository = try Inspector.openRepository(at: directory)
        switch hook {
        case "pre-merge-commit", "pre-commit":
            return try indexPlan(repository)
        case "pre-push":
            return try pushPlan(repository)
        default:
            try GateRun.addQuarantine(to: repository, environment: environment)
            return try refUpdatePlan(repository)
        }
    }

    /// pre-merge-commit and pre-commit: the index is the next commit on main.
    private func indexPlan(_ repository: Repository) throws -> Plan? {
        guard let head = try repository.head() else { return nil }  // the first commit: nothing to merge into
        let configuration = try GateRun.configuration(repository, commits: [head])
        let main = GateRun.mainBranch(configuration, repository)
        guard (try? repository.currentBranch()) == main else { return nil }

        let gitDir = repository.gitDir
        let summary: String
        let branch: String?
        let afterRefusal: String
        if hook == "pre-merge-commit" {
            branch = reflogBranch()
            summary = "merge of \(branch ?? "a branch") into \(main)"
            afterRefusal = "The merge is not committed: once the targets have the migrations, finish it with `git commit` (or give up with `git merge --abort`)."
        } else if let merging = firstLine(gitDir + "/MERGE_HEAD").flatMap(ObjectID.init(hex:)) {
            branch = self.branch(at: merging, except: main, in: repository)
            summary = "merge of \(branch ?? merging.short) into \(main)"
            afterRefusal = "The merge is still in progress: once the targets have the migrations, run `git commit` again (or give up with `git merge --abort`)."
        } else if FileManager.default.fileExists(atPath: gitDir + "/SQUASH_MSG") {
            let squashed = squashedTip(gitDir + "/SQUASH_MSG")
            branch = squashed.flatMap { self.branch(at: $0, except: main, in: repository) }
            summary = "squash merge of \(branch ?? squashed?.short ?? "a branch") into \(main)"
            afterRefusal = "Nothing was committed; the squashed changes stay staged: commit again once the targets have the migrations (or drop them with `git reset --merge`)."
        } else {
            branch = nil
            summary = "commit on \(main)"
            afterRefusal = "Nothing was committed: commit again once the targets have the migrations."
        }
        let indexFile = environment["GIT_INDEX_FILE"]?.nonEmpty.map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 }
        let update = Update(summary: summary, what: "\(summary) (on \(head.short))", branch: branch) { inspector in
            try inspector.inspectIndex(base: main, baseTip: head, branch: branch ?? "index", indexFile: indexFile)
        }
        return Plan(repository: repository, configuration: configuration, updates: [update], afterRefusal: afterRefusal,
                    record: (base: head, tree: { try repository.indexTreeID(indexFile: indexFile) }))
    }

    /// Writes down a pass of pre-merge-commit or pre-commit for the reference-transaction hook of
    /// the same command. Best effort: without the record, that hook simply checks again.
    private func remember(_ record: (base: ObjectID, tree: () throws -> ObjectID), plan: Plan, trailers: [String]) {
        let verification = VerificationRecord(repository: plan.repository)
        guard let tree = try? record.tree() else { verification.remove(); return }
        let main = GateRun.mainBranch(plan.configuration, plan.repository)
        try? verification.write(VerifiedResult(
            ref: "refs/heads/" + main, base: record.base.hex, tree: tree.hex, verdict: .ready,
            checkedAt: Date().timeIntervalSince1970,
            targets: VerificationRecord.fingerprint(plan.configuration, environment: environment), hook: hook,
            trailers: trailers))
    }

    /// reference-transaction and pre-receive: lines `<old> <new> <ref>`.
    private func refUpdatePlan(_ repository: Repository) throws -> Plan? {
        let lines = input.split(whereSeparator: \.isNewline).map { $0.split(separator: " ").map(String.init) }
            .filter { $0.count >= 3 }
        let commits = lines.compactMap { nonZero($0[0]) } + lines.compactMap { nonZero($0[1]) }
        let configuration = try GateRun.configuration(repository, commits: commits)
        let main = GateRun.mainBranch(configuration, repository)
        var updates: [Update] = []
        let verification = hook == "reference-transaction" ? VerificationRecord(repository: repository) : nil
        let targets = VerificationRecord.fingerprint(configuration, environment: environment)
        for line in lines where line[2] == "refs/heads/" + main {
            guard let new = nonZero(line[1]) else { continue }  // deleting main brings nothing
            // git leaves the old value out (zeros) for update-ref, branch -f, rebase --abort: until
            // the transaction commits, the ref itself still holds it.
            let old = nonZero(line[0]) ?? (hook == "reference-transaction" ? try? repository.resolve(line[2]) : nil)
            if old == new { continue }
            let verified = old.flatMap { old in
                (try? repository.treeID(of: new)).flatMap { verification?.take(ref: line[2], base: old, tree: $0, targets: targets) }
            }
            let branch = hook == "pre-receive" ? nil : self.branch(at: new, except: main, in: repository)
            let verb = hook == "pre-receive" ? "push to" : "update of"
            let summary = "\(verb) \(main) " + (old.map { "\($0.short)..\(new.short)" } ?? "(created at \(new.short))")
                + (branch.map { " (to \($0)'s tip)" } ?? "")
            updates.append(Update(summary: summary, what: "\(line[2]) \(old?.short ?? "(new)")..\(new.short)", branch: branch,
                                  verified: verified) { inspector in
                try inspector.inspect(base: main, baseTip: old, branch: branch ?? new.short, head: new,
                                      includeWorkingTree: false, compareWithOtherBranches: false)
            })
        }
        let afterRefusal: String
        if hook == "pre-receive" {
            afterRefusal = "The server refused the push; main is unchanged there."
        } else if ["rebase-merge", "rebase-apply"].contains(where: { FileManager.default.fileExists(atPath: repository.gitDir + "/" + $0) }) {
            afterRefusal = "\(main) was not moved; the rebase is still in progress: once the targets have the migrations, finish it with `git rebase --continue` (or give up with `git rebase --abort`)."
        } else if repository.workdir != nil, (try? repository.currentBranch()) == main {
            afterRefusal = "\(main) was not moved. `git status` shows what the command left in this worktree: after a refused fast-forward, pull, reset, cherry-pick or revert, `git reset --merge` puts the files back; a refused commit leaves your changes staged."
        } else {
            afterRefusal = "\(main) was not moved."
        }
        return Plan(repository: repository, configuration: configuration, updates: updates, afterRefusal: afterRefusal)
    }

    /// pre-push: arguments `<remote> <url>`, lines `<local ref> <local sha> <remote ref> <remote sha>`.
    private func pushPlan(_ repository: Repository) throws -> Plan? {
        var lines = input.split(whereSeparator: \.isNewline).map { $0.split(separator: " ").map(String.init) }
            .filter { $0.count >= 4 }
        var remote = arguments.first ?? "origin"
        // The pre-commit framework hands the push over in variables, not on stdin.
        if lines.isEmpty, let to = environment["PRE_COMMIT_TO_REF"]?.nonEmpty,
           let remoteBranch = environment["PRE_COMMIT_REMOTE_BRANCH"]?.nonEmpty {
            lines = [[environment["PRE_COMMIT_LOCAL_BRANCH"] ?? "HEAD", to, remoteBranch,
                      environment["PRE_COMMIT_FROM_REF"]?.nonEmpty ?? String(repeating: "0", count: 40)]]
            remote = environment["PRE_COMMIT_REMOTE_NAME"]?.nonEmpty ?? remote
        }
        let commits = lines.compactMap { nonZero($0[1]) }
        let configuration = try GateRun.configuration(repository, commits: commits)
        let main = GateRun.mainBranch(configuration, repository)
        var updates: [Update] = []
        for line in lines where line[2] == "refs/heads/" + main {
            guard let local = nonZero(line[1]) else { continue }  // deleting the remote main brings nothing
            // What the remote has: its sha when we have that commit, else our last fetch of it; with
            // neither, everything pushed counts (fails closed).
            var base: ObjectID?
            if let remoteTip = nonZero(line[3]), (try? repository.resolve(remoteTip.hex)) != nil {
                base = remoteTip
            } else if let tracking = try? repository.resolve("refs/remotes/\(remote)/\(main)") {
                base = try repository.mergeBase(tracking, local)
            }
            let localName = line[0].branchShortName
            let branch = localName == main || localName == "HEAD" ? nil : localName
            let summary = "push of \(localName) to \(remote)'s \(main)"
            updates.append(Update(summary: summary, what: "push \(line[0]) \(local.short) to \(remote) \(line[2]) \(base?.short ?? "(unknown)")..\(local.short)",
                                  branch: branch) { inspector in
                try inspector.inspect(base: "\(remote)/\(main)", baseTip: base, branch: localName, head: local,
                                      includeWorkingTree: false, compareWithOtherBranches: false)
            })
        }
        return Plan(repository: repository, configuration: configuration, updates: updates,
                    afterRefusal: "Nothing was pushed.")
    }

    // MARK: After the fact: post-merge, post-commit, post-checkout, post-rewrite

    /// Never blocks. Says loudly, and records like a skip, when main moved around the gate with
    /// migrations a gated target lacks; after a merge, also names the merged branches whose
    /// worktrees `gitgate close` can now remove.
    private func afterTheFactOutcome() -> Outcome {
        guard let repository = try? Inspector.openRepository(at: directory) else { return .allow }
        var lines = noticeMainMoved(repository)
        if hook == "post-merge" { lines += closeHints(repository) + afterMergeSteps(repository) }
        return Outcome(status: 0, message: lines.joined(separator: "\n"))
    }

    /// Compares main with where gitgate last saw it (`MainSeen`): what main brings since then is
    /// checked like an update of main, and a miss is announced and recorded. The record moves on
    /// to main's tip either way, so one move is reported once.
    private func noticeMainMoved(_ repository: Repository) -> [String] {
        let configuration: Configuration
        do {
            let commits = [try? repository.resolve("HEAD")].compactMap { $0 }
            configuration = try GateRun.configuration(repository, commits: commits)
        } catch {
            return [style.yellow("gitgate: ⚠ cannot tell whether main moved around the gate: \(error); gitgate doctor helps")]
        }
        let main = GateRun.mainBranch(configuration, repository)
        let ref = "refs/heads/" + main
        guard let tip = try? repository.resolve(ref) else { return [] }
        let seenRecord = MainSeen(repository: repository)
        let seen = seenRecord.read()
        if seen == tip { return [] }
        // No record (installed before gitgate remembered main): from here on.
        var lines = seen.map { noticeMove(repository, configuration, ref: ref, main: main, from: $0, to: tip) } ?? []
        do { try seenRecord.write(tip) } catch { lines.append("gitgate: \(error)") }
        return lines
    }

    private func noticeMove(_ repository: Repository, _ configuration: Configuration, ref: String, main: String,
                            from seen: ObjectID, to tip: ObjectID) -> [String] {
        let what = "\(ref) \(seen.short)..\(tip.short)"
        let report: StatusReport
        do {
            let tree = try repository.treeID(of: tip)
            // A result pre-merge-commit or pre-commit has just checked (installs without reference-transaction).
            if VerificationRecord(repository: repository).take(ref: ref, base: seen, tree: tree,
                    targets: VerificationRecord.fingerprint(configuration, environment: environment)) != nil {
                return []
            }
            let inspection = try Inspector(repository: repository, configuration: configuration).inspect(
                base: main, baseTip: seen, branch: main, head: tip, includeWorkingTree: false, compareWithOtherBranches: false)
            if inspection.migrations.isEmpty && inspection.conflicts.isEmpty { return [] }
            report = GateRun.evaluate(inspection, configuration: configuration, environment: environment, repository: repository)
        } catch {
            return bypassNotice(repository, main: main, what: what, migrations: [], reasons: ["\(error)"], couldNotCheck: true)
        }
        if report.verdict.decision == .ready { return [] }
        // Moved on purpose, with a reason (GITGATE_SKIP on a route no pre-* hook saw): a skip, not a bypass.
        if case .reason(let reason) = SkipRequest(environment: environment, hook: hook) {
            let message = skipped(reason: reason, repository: repository, what: what,
                                  migrations: report.inspection.migrations.map(\.path),
                                  targets: configuration.gatedTargets.map(\.name)).message
            return message.isEmpty ? [] : [message]
        }
        return bypassNotice(repository, main: main, what: what, migrations: report.inspection.migrations.map(\.path),
                            reasons: report.verdict.reasons.map { "\($0)" }, couldNotCheck: report.verdict.decision == .error)
    }

    private func bypassNotice(_ repository: Repository, main: String, what: String, migrations: [String],
                              reasons: [String], couldNotCheck: Bool) -> [String] {
        var lines = [style.red(style.bold("gitgate: ⚠ \(main) MOVED AROUND THE GATE (\(what))")) + (couldNotCheck
            ? ": no gitgate hook checked this update, and the gated targets cannot be checked now"
            : ": no gitgate hook checked this update, and it brings migrations that are not safely on every gated target")]
        lines += reasons.map { "  - \($0)" }
        lines.append("  How: a git command run with another core.hooksPath, --no-verify where the reference-transaction hook is not installed, or a tool that runs no git hooks. The gate cannot undo it: apply the migrations now, or move \(main) back.")
        let who = SkipLog.identity(repository: repository, environment: environment)
        let log = SkipLog(repository: repository)
        // The same command may already have recorded a skip with a reason (GITGATE_SKIP): once is enough.
        if let last = (try? log.entries())?.last, last.kind != .bypass, last.who == who,
           let date = last.date, Date().timeIntervalSince(date) < 120 {
            return lines
        }
        let entry = SkipLog.Entry(when: SkipLog.timestamp(), who: who, hook: hook,
                                  what: what + (migrations.isEmpty ? "" : ": " + migrations.joined(separator: ", ")),
                                  reason: couldNotCheck ? "not checked by any hook, and the gated targets could not be checked afterwards"
                                                        : "not checked by any hook; a gated target lacks the migrations",
                                  kind: .bypass)
        do {
            try log.append(entry)
            lines.append("gitgate:   recorded in \(log.path) (gitgate status and gitgate doctor show it)")
        } catch {
            lines.append("gitgate:   could not record it: \(error)")
        }
        return lines
    }

    /// After a merge into main: the merged branches whose worktrees `gitgate close` can now remove.
    private func closeHints(_ repository: Repository) -> [String] {
        // --squash: nothing is committed yet (the pre-commit framework says so in a variable).
        if arguments.first == "1" || environment["PRE_COMMIT_IS_SQUASH_MERGE"] == "1" { return [] }
        guard let head = try? repository.head() else { return [] }
        let configuration = try? GateRun.configuration(repository, commits: [head])
        let main = configuration.map { GateRun.mainBranch($0, repository) }
            ?? (repository.branchExists("main") ? "main" : "master")
        guard (try? repository.currentBranch()) == main else { return [] }
        let before = try? repository.resolve("ORIG_HEAD")
        var lines: [String] = []
        for worktree in (try? repository.worktrees()) ?? [] {
            guard let branch = worktree.branch, branch != main,
                  let tip = worktree.head ?? (try? repository.resolve("refs/heads/" + branch)),
                  (try? repository.isAncestor(tip, of: head)) == true else { continue }
            if let before, (try? repository.isAncestor(tip, of: before)) == true { continue }  // merged earlier
            lines.append("gitgate: \(branch) is merged into \(main). When you are done with its worktree (\(worktree.path)), clean up with: gitgate close \(branch)")
        }
        return lines
    }

    /// After a merge into main: the after-merge steps of main's `.gitgate`, as reminders.
    private func afterMergeSteps(_ repository: Repository) -> [String] {
        if arguments.first == "1" || environment["PRE_COMMIT_IS_SQUASH_MERGE"] == "1" { return [] }
        guard let head = try? repository.head(), let configuration = try? GateRun.configuration(repository, commits: [head]),
              (try? repository.currentBranch()) == GateRun.mainBranch(configuration, repository) else { return [] }
        return configuration.steps.filter { $0.when == .afterMerge }.map { "gitgate: after the merge, \($0.afterMergeReminder)" }
    }

    // MARK: Messages

    private var skipHint: String {
        switch hook {
        case "pre-receive": return "git push -o gitgate-skip=\"why\" (the server must set receive.advertisePushOptions)"
        case "pre-push": return "GITGATE_SKIP=\"why\" git push …"
        case "pre-merge-commit", "pre-commit": return "GITGATE_SKIP=\"why\" git commit"
        default: return "GITGATE_SKIP=\"why\" followed by the same git command"
        }
    }

    private func allowed(_ update: Update, _ report: StatusReport) -> String {
        let count = report.inspection.migrations.count
        let targets = report.checks.filter(\.gate).map(\.target).joined(separator: ", ")
        var lines = [style.green("gitgate: ✓ \(update.summary): \(targets) \(report.checks.filter(\.gate).count == 1 ? "has" : "have") the \(count) migration\(count == 1 ? "" : "s") it brings")]
        lines += report.verdict.notes.map { "  ! \($0)" }
        return lines.joined(separator: "\n")
    }

    private func refusal(_ results: [(update: Update, report: StatusReport)], plan: Plan) -> Outcome {
        var lines: [String] = []
        var couldNotCheck = false
        for (update, report) in results where report.verdict.decision != .ready {
            let error = report.verdict.decision == .error
            couldNotCheck = couldNotCheck || error
            lines.append(style.red(style.bold("gitgate: ✗ \(update.summary) refused")) + (error
                ? ": a gated target could not be checked, and the gate fails closed"
                : ": it brings migrations that are not safely on every gated target"))
            for reason in report.verdict.reasons { lines.append("  - \(reason)") }
            for note in report.verdict.notes { lines.append("  ! \(note)") }
            if let branch = update.branch, let worktree = worktreePath(of: branch, in: plan.repository) {
                lines.append("  the branch's migrations are applied from its worktree: cd \(worktree)")
            }
        }
        lines.append(plan.afterRefusal)
        lines.append("To go ahead anyway, give a reason (announced and recorded for gitgate status and doctor): \(skipHint)")
        return Outcome(status: couldNotCheck ? ExitStatus.couldNotCheck : ExitStatus.blocked, message: lines.joined(separator: "\n"))
    }

    private func skipped(reason: String, repository: Repository?, what: String, migrations: [String],
                         targets: [String] = []) -> Outcome {
        let who = hook == "pre-receive"
            ? (environment["REMOTE_USER"]?.nonEmpty ?? environment["GL_USERNAME"]?.nonEmpty ?? environment["USER"]?.nonEmpty ?? "unknown pusher")
            : repository.map { SkipLog.identity(repository: $0, environment: environment) } ?? environment["USER"] ?? "unknown user"
        let unchecked = migrations.isEmpty ? "" : " without checking \(migrations.joined(separator: ", "))"
            + (targets.isEmpty ? "" : " against \(targets.joined(separator: ", "))")
        var lines = [style.yellow(style.bold("gitgate: ⚠ GATE SKIPPED (\(hook)): \(what) goes ahead\(unchecked)")),
                     "gitgate:   by \(who), because: \(reason)"]
        if let repository {
            let log = SkipLog(repository: repository)
            // One git command can pass two hooks (pre-commit, then reference-transaction): announce and record it once.
            if let last = (try? log.entries())?.last, last.who == who, last.reason == reason, last.hook != hook,
               let date = last.date, Date().timeIntervalSince(date) < 120 {
                return .allow
            }
            let entry = SkipLog.Entry(when: SkipLog.timestamp(), who: who, hook: hook,
                                      what: what + (migrations.isEmpty ? "" : ": " + migrations.joined(separator: ", ")),
                                      reason: reason)
            do {
                try log.append(entry)
                lines.append("gitgate:   recorded in \(log.path) (gitgate status and gitgate doctor show it)")
            } catch {
                lines.append("gitgate:   could not record it: \(error)")
            }
        } else {
            lines.append("gitgate:   not recorded: no repository here")
        }
        return Outcome(status: 0, message: lines.joined(separator: "\n"))
    }

    // MARK: Git details

    private func nonZero(_ sha: String) -> ObjectID? {
        GateRun.isZero(sha) ? nil : ObjectID(hex: sha)
    }

    /// `git merge feature` runs its hooks with GIT_REFLOG_ACTION="merge feature".
    private func reflogBranch() -> String? {
        guard let action = environment["GIT_REFLOG_ACTION"], action.hasPrefix("merge ") else { return nil }
        let names = action.dropFirst("merge ".count).split(separator: " ").filter { !$0.hasPrefix("-") }
        return names.isEmpty ? nil : names.joined(separator: ", ")
    }

    /// A local branch whose tip is `commit`, other than `main`.
    private func branch(at commit: ObjectID, except main: String, in repository: Repository) -> String? {
        for name in (try? repository.localBranches()) ?? [] where name != main {
            if (try? repository.resolve("refs/heads/" + name)) == commit { return name }
        }
        return nil
    }

    private func worktreePath(of branch: String, in repository: Repository) -> String? {
        ((try? repository.worktrees()) ?? []).first { $0.branch == branch }?.path
    }

    private func firstLine(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline).first.map(String.init)
    }

    /// `git merge --squash` writes "Squashed commit of the following:" and then each commit,
    /// newest first: the first is the squashed branch's tip.
    private func squashedTip(_ path: String) -> ObjectID? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) where line.hasPrefix("commit ") {
            return ObjectID(hex: String(line.dropFirst("commit ".count).prefix(while: { !$0.isWhitespace })))
        }
        return nil
    }
}

/// `GITGATE_SKIP="reason"`, or on a server the push option `gitgate-skip=reason`.
package enum SkipRequest: Equatable {
    case none
    case emptyReason(source: String)
    case reason(String)

    package init(environment: [String: String], hook: String) {
        if let value = environment["GITGATE_SKIP"] {
            let reason = value.trimmingCharacters(in: .whitespacesAndNewlines)
            self = reason.isEmpty ? .emptyReason(source: "GITGATE_SKIP") : .reason(reason)
            return
        }
        if hook == "pre-receive", let count = Int(environment["GIT_PUSH_OPTION_COUNT"] ?? "") {
            for index in 0..<max(0, count) {
                guard let option = environment["GIT_PUSH_OPTION_\(index)"],
                      option == "gitgate-skip" || option.hasPrefix("gitgate-skip=") else { continue }
                let reason = option.dropFirst("gitgate-skip".count).drop(while: { $0 == "=" })
                    .trimmingCharacters(in: .whitespacesAndNewlines)
                self = reason.isEmpty ? .emptyReason(source: "the push option gitgate-skip") : .reason(reason)
                return
            }
        }
        self = .none
    }
}
