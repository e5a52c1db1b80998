import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// The git hooks gitgate installs. Each is a small `sh` script (the repository's `hooks/`
/// folder, embedded in the binary) that calls `gitgate hook NAME` only when it has to.
public enum Hook: String, CaseIterable, Sendable {
    case preMergeCommit = "pre-merge-commit"
    case preCommit = "pre-commit"
    case prePush = "pre-push"
    case postMerge = "post-merge"
    case postCommit = "post-commit"
    case postCheckout = "post-checkout"
    case postRewrite = "post-rewrite"
    /// The backstop: every update of main, whatever git command makes it.
    case referenceTransaction = "reference-transaction"
    /// Server side: a self-hosted bare repository that people push to.
    case preReceive = "pre-receive"

    /// The hooks `gitgate install` puts in a repository with worktrees, without options.
    public static let standard: [Hook] = [.preMergeCommit, .preCommit, .prePush, .referenceTransaction,
                                          .postMerge, .postCommit, .postCheckout, .postRewrite]
    /// The hooks `gitgate install` puts in a bare repository.
    public static let server: [Hook] = [.preReceive]

    package var template: [UInt8] {
        switch self {
        case .preMergeCommit: return PackageResources.pre_merge_commit
        case .preCommit: return PackageResources.pre_commit
        case .prePush: return PackageResources.pre_push
        case .postMerge: return PackageResources.post_merge
        case .postCommit: return PackageResources.post_commit
        case .postCheckout: return PackageResources.post_checkout
        case .postRewrite: return PackageResources.post_rewrite
        case .referenceTransaction: return PackageResources.reference_transaction
        case .preReceive: return PackageResources.pre_receive
        }
    }
}

/// Installs, inspects and removes gitgate's hooks, chaining any hook that was there before:
/// the old hook is kept beside ours as `<hook>.gitgate-chained`, runs first, and its refusal stands.
public struct HookInstaller {
    /// Marks a hook file as gitgate's, so re-running install replaces it and uninstall finds it.
    package static let marker = "# gitgate-managed hook"
    public static let chainedSuffix = ".gitgate-chained"

    public let repository: Repository
    public let mainBranch: String
    /// The gitgate binary the hooks call.
    public let executable: String

    public init(repository: Repository, mainBranch: String, executable: String = HookInstaller.currentExecutable()) {
        self.repository = repository
        self.mainBranch = mainBranch
        self.executable = executable
    }

    /// Where git runs hooks for this repository: `core.hooksPath` when set (a relative one
    /// resolves against each worktree's top, as git does), else the common dir's `hooks/`.
    public func hooksDirectory() throws -> (path: String, configuredPath: String?) {
        let configured = try repository.config().string("core.hookspath")?.nonEmpty
        return (try repository.hooksDirectory, configured)
    }

    /// A hook manager that owns the hooks folder, if one is in use: then gitgate explains how to
    /// add itself there instead of writing into a folder the manager rewrites.
    public func hookManager() throws -> HookManager? {
        let (directory, configured) = try hooksDirectory()
        let top = repository.workdir ?? ""
        let fm = FileManager.default
        if let configured, configured.contains(".husky") { return .husky }
        if !top.isEmpty, ["lefthook.yml", "lefthook.yaml", ".lefthook.yml", ".lefthook.yaml"]
            .contains(where: { fm.fileExists(atPath: top + "/" + $0) }) {
            return .lefthook
        }
        // The pre-commit framework is only in charge once `pre-commit install` wrote its hook.
        if !top.isEmpty, fm.fileExists(atPath: top + "/.pre-commit-config.yaml") {
            for hook in Hook.standard {
                let text = fm.contents(atPath: directory + "/" + hook.rawValue).map { String(decoding: $0, as: UTF8.self) } ?? ""
                if !text.contains(HookInstaller.marker), text.contains("pre-commit.com") || text.contains("pre_commit") {
                    return .preCommitFramework
                }
            }
        }
        if let configured, !configured.hasPrefix("/"), !configured.hasPrefix("~") {
            // Shared by every worktree only in a bare repository, where there is one place to resolve it.
            if repository.workdir != nil { return .relativeHooksPath(configured) }
        }
        return nil
    }

    public struct Change: Sendable, Equatable {
        public enum Action: String, Sendable {
            /// Written where there was no hook.
            case installed
            /// gitgate's hook, rewritten (another binary, main branch or template).
            case updated
            case unchanged
            /// Someone else's hook was moved aside to `<hook>.gitgate-chained` and runs first.
            case chained
            case removed
            /// The chained hook was put back.
            case restored
            /// Not gitgate's (any more): left as it is.
            case leftAlone = "left alone"
        }
        public var hook: String
        public var action: Action
        public var path: String
    }

    /// Installs `hooks`. Idempotent: a second run reports every hook unchanged and writes nothing.
    public func install(_ hooks: [Hook]) throws -> [Change] {
        let directory = try hooksDirectory().path
        try createDirectory(directory)
        var changes: [Change] = []
        let fm = FileManager.default
        for hook in hooks {
            let path = directory + "/" + hook.rawValue
            let content = render(hook)
            let exists = fm.fileExists(atPath: path) || isSymlink(path)
            let existing = exists ? fm.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) } : nil
            if let existing, existing.contains(HookInstaller.marker), !isSymlink(path) {
                if existing == content && fm.isExecutableFile(atPath: path) {
                    changes.append(Change(hook: hook.rawValue, action: .unchanged, path: path))
                } else {
                    try write(content, to: path)
                    changes.append(Change(hook: hook.rawValue, action: .updated, path: path))
                }
                continue
            }
            if exists {
                // Someone else's hook: keep it byte for byte (mode and symlinks too), run it first.
                let chained = path + HookInstaller.chainedSuffix
                guard !fm.fileExists(atPath: chained), !isSymlink(chained) else {
                    throw GitGateError(.refused, "\(path) is not gitgate's and \(chained) already exists; move one of them away, then run gitgate install again")
                }
                try move(path, to: chained)
                do { try write(content, to: path) } catch {
                    try? move(chained, to: path)
                    throw error
                }
                changes.append(Change(hook: hook.rawValue, action: .chained, path: path))
                continue
            }
            try write(content, to: path)
            changes.append(Change(hook: hook.rawValue, action: .installed, path: path))
        }
        return changes
    }

    /// Removes gitgate's `hooks` (all of them by default) and puts back the hooks they chained,
    /// exactly as they were.
    public func uninstall(_ hooks: [Hook] = Hook.allCases) throws -> [Change] {
        let directory = try hooksDirectory().path
        let fm = FileManager.default
        var changes: [Change] = []
        for hook in hooks {
            let path = directory + "/" + hook.rawValue
            let chained = path + HookInstaller.chainedSuffix
            let hasChained = fm.fileExists(atPath: chained) || isSymlink(chained)
            let ours = !isSymlink(path) && (fm.contents(atPath: path).map {
                String(decoding: $0, as: UTF8.self).contains(HookInstaller.marker)
            } ?? false)
            let present = fm.fileExists(atPath: path) || isSymlink(path)
            if ours { try remove(path) }
            if hasChained {
                if ours || !present {
                    try move(chained, to: path)
                    changes.append(Change(hook: hook.rawValue, action: .restored, path: path))
                } else {
                    // Another tool replaced our hook since: its file wins, ours stays aside for a person to look at.
                    changes.append(Change(hook: hook.rawValue, action: .leftAlone, path: chained))
                }
            } else if ours {
                changes.append(Change(hook: hook.rawValue, action: .removed, path: path))
            }
        }
        return changes
    }

    /// Which of gitgate's hooks are in place, and whether each is what install would write now.
    public func installed() throws -> [(hook: Hook, current: Bool)] {
        let directory = try hooksDirectory().path
        return Hook.allCases.compactMap { hook in
            guard let data = FileManager.default.contents(atPath: directory + "/" + hook.rawValue) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            guard text.contains(HookInstaller.marker) else { return nil }
            return (hook, text == render(hook))
        }
    }

    /// The hook's script: the template with this binary and this repository's main branch.
    public func render(_ hook: Hook) -> String {
        var text = String(decoding: hook.template, as: UTF8.self)
        text = text.replacingOccurrences(of: "@GITGATE@", with: HookInstaller.shellEscaped(executable))
            .replacingOccurrences(of: "@MAIN_REF@", with: HookInstaller.shellEscaped("refs/heads/" + mainBranch))
        // The marker goes right after the shebang.
        if let newline = text.firstIndex(of: "\n") {
            text.insert(contentsOf: "\n" + HookInstaller.marker + " (main: \(mainBranch))", at: newline)
        }
        return text
    }

    /// For a value placed between double quotes in `sh`.
    package static func shellEscaped(_ value: String) -> String {
        var result = ""
        for character in value {
            if "\"$`\\".contains(character) { result.append("\\") }
            result.append(character)
        }
        return result
    }

    /// The path the hooks should call: the one gitgate was started by (so a symlink such as
    /// /usr/local/bin/gitgate survives upgrades), else the running binary itself.
    public static func currentExecutable(arguments: [String] = CommandLine.arguments,
                                         environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let fm = FileManager.default
        if let first = arguments.first, !first.isEmpty {
            if first.contains("/") {
                let absolute = first.hasPrefix("/") ? first : fm.currentDirectoryPath + "/" + first
                // Lexically only: resolving the symlink would pin the hooks to one installed version.
                let standardized = URL(fileURLWithPath: absolute).standardized.path
                if fm.isExecutableFile(atPath: standardized) { return standardized }
            } else {
                for folder in (environment["PATH"] ?? "").split(separator: ":") where folder.hasPrefix("/") {
                    let candidate = "\(folder)/\(first)"
                    if fm.isExecutableFile(atPath: candidate) { return candidate }
                }
            }
        }
        if let resolved = try? fm.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return "gitgate"
    }

    private func isSymlink(_ path: String) -> Bool {
        (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
    }

    private func createDirectory(_ path: String) throws {
        do { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) } catch {
            throw GitGateError(.io, "cannot create the hooks folder \(path): \(error.localizedDescription)")
        }
    }

    private func write(_ content: String, to path: String) throws {
        do {
            try Data(content.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        } catch {
            throw GitGateError(.io, "cannot write \(path): \(error.localizedDescription); check the folder's permissions")
        }
    }

    private func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else {
            throw GitGateError(.io, "cannot move \(from) to \(to): \(String(cString: strerror(errno))); check the folder's permissions")
        }
    }

    private func remove(_ path: String) throws {
        do { try FileManager.default.removeItem(atPath: path) } catch {
            throw GitGateError(.io, "cannot remove \(path): \(error.localizedDescription)")
        }
    }
}

/// A tool that manages the hooks folder for the team.
public enum HookManager: Sendable, Equatable {
    case husky, lefthook, preCommitFramework
    case relativeHooksPath(String)

    public var name: String {
        switch self {
        case .husky: return "husky"
        case .lefthook: return "lefthook"
        case .preCommitFramework: return "the pre-commit framework"
        case .relativeHooksPath: return "a relative core.hooksPath"
        }
    }

    /// What to tell the user: the situation, and the snippet that adds gitgate there.
    public var advice: String {
        switch self {
        case .husky:
            return """
            Hooks are managed by husky (core.hooksPath points into .husky), so gitgate writes nothing there. Add one line per hook:
              .husky/pre-merge-commit:  gitgate hook pre-merge-commit
              .husky/pre-commit:        gitgate hook pre-commit
              .husky/pre-push:          gitgate hook pre-push "$@"
              .husky/post-merge:        gitgate hook post-merge "$@"
            Each command checks by itself whether the update touches main, so other branches cost little.
            """
        case .lefthook:
            return """
            Hooks are managed by lefthook, so gitgate writes nothing there. Add to lefthook.yml (docs/lefthook.yml in gitgate's repository has the full example):
              pre-merge-commit:
                commands:
                  gitgate:
                    run: gitgate hook pre-merge-commit
              pre-commit:
                commands:
                  gitgate:
                    run: gitgate hook pre-commit
              pre-push:
                commands:
                  gitgate:
                    run: gitgate hook pre-push {1} {2}
                    use_stdin: true
              post-merge:
                commands:
                  gitgate:
                    run: gitgate hook post-merge {1}
            then run: lefthook install
            """
        case .preCommitFramework:
            return """
            Hooks are managed by the pre-commit framework, so gitgate writes nothing there. Add to .pre-commit-config.yaml:
              - repo: local
                hooks:
                  - id: gitgate
                    name: gitgate (commits on main)
                    entry: gitgate hook pre-commit
                    language: system
                    pass_filenames: false
                    always_run: true
                    stages: [pre-commit]
                  - id: gitgate-pre-merge-commit
                    name: gitgate (merges into main)
                    entry: gitgate hook pre-merge-commit
                    language: system
                    pass_filenames: false
                    always_run: true
                    stages: [pre-merge-commit]
                  - id: gitgate-pre-push
                    name: gitgate (pushes to main)
                    entry: gitgate hook pre-push
                    language: system
                    pass_filenames: false
                    always_run: true
                    stages: [pre-push]
            (or use gitgate's .pre-commit-hooks.yaml with the same ids), then run:
              pre-commit install --hook-type pre-commit --hook-type pre-merge-commit --hook-type pre-push
            """
        case .relativeHooksPath(let path):
            return "core.hooksPath is relative (\(path)): git resolves it in each worktree, so hooks written there miss the other worktrees. Make it absolute (git config core.hooksPath \"$(pwd)/\(path)\"), or unset it, then run gitgate install again."
        }
    }
}
