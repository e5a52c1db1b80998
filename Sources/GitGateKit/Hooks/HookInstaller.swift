import Foundation
import Git

/// The git hooks gitgate installs. Each is a small `sh` script (the repository's `hooks/`
/// folder, embedded in the binary) that calls `gitgate hook NAME` only when it has to.
public enum Hook: String, CaseIterable, Sendable {
    case preMergeCommit = "pre-merge-commit"
    case preCommit = "pre-commit"
    case prePush = "pre-push"
    case postMerge = "post-merge"
    case referenceTransaction = "reference-transaction"

    /// The hooks `gitgate install` puts in place without options.
    public static let standard: [Hook] = [.preMergeCommit, .preCommit, .prePush, .postMerge]

    var template: [UInt8] {
        switch self {
        case .preMergeCommit: return PackageResources.pre_merge_commit
        case .preCommit: return PackageResources.pre_commit
        case .prePush: return PackageResources.pre_push
        case .postMerge: return PackageResources.post_merge
        case .referenceTransaction: return PackageResources.reference_transaction
        }
    }
}

/// The server-side hook, for self-hosted bare repositories.
public enum ServerHook {
    public static var preReceive: String { String(decoding: PackageResources.pre_receive, as: UTF8.self) }
}

/// Installs, inspects and removes gitgate's hooks, chaining any hook that was there before.
public struct HookInstaller {
    /// Marks a hook file as gitgate's, so re-running install replaces it and uninstall finds it.
    static let marker = "# gitgate-managed hook"
    static let chainedSuffix = ".gitgate-chained"

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
        let config = try repository.config()
        if let configured = config.string("core.hookspath"), !configured.isEmpty {
            let expanded = configured.hasPrefix("~/") ? NSHomeDirectory() + configured.dropFirst() : configured
            if expanded.hasPrefix("/") { return (expanded, configured) }
            let top = repository.workdir ?? repository.gitDir
            return (top + "/" + expanded, configured)
        }
        return (repository.commonDir.trimmingSuffix("/") + "/hooks", nil)
    }

    /// A hook manager that owns the hooks folder, if one is in use: then gitgate explains how to
    /// add itself there instead of writing into a folder the manager rewrites.
    public func hookManager() throws -> HookManager? {
        let (_, configured) = try hooksDirectory()
        let top = repository.workdir ?? ""
        if let configured, configured.contains(".husky") { return .husky }
        let fm = FileManager.default
        if ["lefthook.yml", "lefthook.yaml", ".lefthook.yml"].contains(where: { fm.fileExists(atPath: top + "/" + $0) }) { return .lefthook }
        if fm.fileExists(atPath: top + "/.pre-commit-config.yaml") {
            // The pre-commit framework writes its own hook files; it is only "in charge" once installed.
            let hook = (try? hooksDirectory().path).map { $0 + "/pre-commit" } ?? ""
            if let text = try? String(contentsOfFile: hook, encoding: .utf8), text.contains("pre-commit.com") || text.contains("pre_commit") {
                return .preCommitFramework
            }
        }
        if let configured, !configured.hasPrefix("/") { return .relativeHooksPath(configured) }
        return nil
    }

    public struct Change: Sendable, Equatable {
        public enum Action: String, Sendable { case installed, updated, unchanged, chained, removed, restored }
        public var hook: String
        public var action: Action
        public var path: String
    }

    /// Installs `hooks`. Idempotent: a second run reports every hook unchanged.
    public func install(_ hooks: [Hook]) throws -> [Change] {
        let directory = try hooksDirectory().path
        try createDirectory(directory)
        var changes: [Change] = []
        for hook in hooks {
            let path = directory + "/" + hook.rawValue
            let content = render(hook)
            let existing = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
            if let existing, existing.contains(HookInstaller.marker) {
                if existing == content {
                    changes.append(Change(hook: hook.rawValue, action: .unchanged, path: path))
                    continue
                }
                try write(content, to: path)
                changes.append(Change(hook: hook.rawValue, action: .updated, path: path))
                continue
            }
            if existing != nil {
                // Someone else's hook: keep it, run it first, respect its exit code.
                let chained = path + HookInstaller.chainedSuffix
                guard !FileManager.default.fileExists(atPath: chained) else {
                    throw GitGateError(.refused, "\(path) is not gitgate's and \(chained) already exists; move one of them away, then run gitgate install again")
                }
                try move(path, to: chained)
                try write(content, to: path)
                changes.append(Change(hook: hook.rawValue, action: .chained, path: path))
                continue
            }
            try write(content, to: path)
            changes.append(Change(hook: hook.rawValue, action: .installed, path: path))
        }
        return changes
    }

    /// Removes gitgate's hooks and puts back the hooks they chained, exactly as they were.
    public func uninstall() throws -> [Change] {
        let directory = try hooksDirectory().path
        var changes: [Change] = []
        for hook in Hook.allCases {
            let path = directory + "/" + hook.rawValue
            guard let data = FileManager.default.contents(atPath: path),
                  String(decoding: data, as: UTF8.self).contains(HookInstaller.marker) else { continue }
            try remove(path)
            let chained = path + HookInstaller.chainedSuffix
            if FileManager.default.fileExists(atPath: chained) {
                try move(chained, to: path)
                changes.append(Change(hook: hook.rawValue, action: .restored, path: path))
            } else {
                changes.append(Change(hook: hook.rawValue, action: .removed, path: path))
            }
        }
        return changes
    }

    /// Which of gitgate's hooks are in place, and whether each calls this binary.
    public func installed() throws -> [(hook: Hook, current: Bool)] {
        let directory = try hooksDirectory().path
        return Hook.allCases.compactMap { hook in
            guard let data = FileManager.default.contents(atPath: directory + "/" + hook.rawValue) else { return nil }
            let text = String(decoding: data, as: UTF8.self)
            guard text.contains(HookInstaller.marker) else { return nil }
            return (hook, text == render(hook))
        }
    }

    func render(_ hook: Hook) -> String {
        var text = String(decoding: hook.template, as: UTF8.self)
        text = text.replacingOccurrences(of: "@GITGATE@", with: executable)
            .replacingOccurrences(of: "@MAIN_REF@", with: "refs/heads/" + mainBranch)
        // The marker goes right after the shebang.
        if let newline = text.firstIndex(of: "\n") {
            text.insert(contentsOf: "\n" + HookInstaller.marker + " (main: \(mainBranch))", at: newline)
        }
        return text
    }

    /// The running binary's absolute path, so hooks call the same gitgate that installed them.
    public static func currentExecutable() -> String {
        if let resolved = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return resolved }
        return CommandLine.arguments.first ?? "gitgate"
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
        do { try FileManager.default.moveItem(atPath: from, toPath: to) } catch {
            throw GitGateError(.io, "cannot move \(from) to \(to): \(error.localizedDescription)")
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

    /// What to tell the user: the situation, and the snippet that adds gitgate there.
    public var advice: String {
        switch self {
        case .husky:
            return """
            Hooks are managed by husky (core.hooksPath). Add gitgate to husky instead, e.g. .husky/pre-merge-commit:
              gitgate hook pre-merge-commit
            and the same line (with the hook's name) in .husky/pre-commit and .husky/pre-push.
            """
        case .lefthook:
            return """
            Hooks are managed by lefthook. Add to lefthook.yml:
              pre-merge-commit:
                commands:
                  gitgate: { run: gitgate hook pre-merge-commit }
              pre-commit:
                commands:
                  gitgate: { run: gitgate hook pre-commit }
              pre-push:
                commands:
                  gitgate: { run: gitgate hook pre-push, use_stdin: true }
            (docs/lefthook.yml in gitgate's repository has the full example.)
            """
        case .preCommitFramework:
            return """
            Hooks are managed by the pre-commit framework. Add to .pre-commit-config.yaml:
              - repo: local
                hooks:
                  - id: gitgate
                    name: gitgate
                    entry: gitgate hook pre-commit
                    language: system
                    pass_filenames: false
                    always_run: true
                    stages: [pre-commit, pre-merge-commit, pre-push]
            """
        case .relativeHooksPath(let path):
            return "core.hooksPath is relative (\(path)): git resolves it in each worktree, so hooks written there miss the other worktrees. Make it absolute, or unset it, then run gitgate install again."
        }
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.count > 1 && result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}
