import Foundation
import Git
import GitGateKit
import Testing
import TestSupport

@Suite("HookInstaller: where hooks go, chaining, idempotence, hook managers")
struct HookInstallerTests {
    /// A repository with migrations and a linked worktree on `feature`.
    func repository() throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.write("migrations/001_create_users.sql", "CREATE TABLE users (id int);\n")
        try repo.commit("users")
        return (repo, try repo.addWorktree(branch: "feature"))
    }

    func contents(_ path: String) -> Data? { FileManager.default.contents(atPath: path) }

    @Test func installsInTheCommonHooksFolderFromALinkedWorktreeAndIsIdempotent() throws {
        let (repo, worktree) = try repository()
        let result = try HookSetup.install(at: worktree, executable: "/opt/gitgate/bin/gitgate")
        guard case .installed(let installed) = result else { Issue.record("not installed: \(result)"); return }
        let hooks = repo.path + "/.git/hooks"
        #expect(installed.directory == hooks)
        #expect(installed.changes.map(\.hook) == Hook.standard.map(\.rawValue))
        #expect(installed.changes.allSatisfy { $0.action == .installed })
        for hook in Hook.standard {
            let path = hooks + "/" + hook.rawValue
            #expect(FileManager.default.isExecutableFile(atPath: path))
            let text = String(decoding: contents(path) ?? Data(), as: UTF8.self)
            #expect(text.hasPrefix("#!/bin/sh\n# gitgate-managed hook (main: main)\n"))
            // The recorded binary, and nothing the environment could name instead.
            #expect(text.contains("\nGITGATE=\"/opt/gitgate/bin/gitgate\"\n"))
            #expect(!text.contains("${GITGATE"))
            #expect(text.contains("MAIN_REF=\"refs/heads/main\""))
            #expect(!text.contains("@GITGATE@") && !text.contains("@MAIN_REF@"))
        }
        #expect(FileManager.default.isExecutableFile(atPath: hooks + "/reference-transaction"))
        // The post-* hooks start from main's tip as it is now.
        #expect(try String(contentsOfFile: repo.path + "/.git/gitgate/main-seen", encoding: .utf8) == (try repo.sha("main")) + "\n")

        let before = Hook.standard.map { contents(hooks + "/" + $0.rawValue) }
        guard case .installed(let again) = try HookSetup.install(at: repo.path, executable: "/opt/gitgate/bin/gitgate") else {
            Issue.record("second install did not install"); return
        }
        #expect(again.changes.allSatisfy { $0.action == .unchanged })
        #expect(Hook.standard.map { contents(hooks + "/" + $0.rawValue) } == before)

        // Another binary: the hooks are rewritten in place, nothing chained.
        guard case .installed(let moved) = try HookSetup.install(at: repo.path, executable: "/usr/bin/gitgate") else { return }
        #expect(moved.changes.allSatisfy { $0.action == .updated })
        #expect(!FileManager.default.fileExists(atPath: hooks + "/pre-commit.gitgate-chained"))
    }

    @Test func optingOutOfReferenceTransactionRestoresTheHookItChained() throws {
        let (repo, _) = try repository()
        let hooks = repo.path + "/.git/hooks"
        let original = Data("#!/bin/sh\n# the team's reference-transaction hook\nexit 0\n".utf8)
        try original.write(to: URL(fileURLWithPath: hooks + "/reference-transaction"))
        guard case .installed(let installed) = try HookSetup.install(at: repo.path, executable: "/bin/gitgate") else { return }
        #expect(installed.referenceTransaction)
        #expect(installed.changes.contains { $0.hook == "reference-transaction" && $0.action == .chained })

        guard case .installed(let optedOut) = try HookSetup.install(at: repo.path, referenceTransaction: false, executable: "/bin/gitgate") else { return }
        #expect(!optedOut.referenceTransaction)
        #expect(optedOut.changes.contains { $0.hook == "reference-transaction" && $0.action == .restored })
        #expect(contents(hooks + "/reference-transaction") == original)
        #expect(!FileManager.default.fileExists(atPath: hooks + "/reference-transaction.gitgate-chained"))

        // A plain install gates every update again.
        guard case .installed(let again) = try HookSetup.install(at: repo.path, executable: "/bin/gitgate") else { return }
        #expect(again.referenceTransaction)
        #expect(again.changes.contains { $0.hook == "reference-transaction" && $0.action == .chained })
    }

    @Test func refusesARelativeExecutable() throws {
        let (repo, _) = try repository()
        #expect(throws: GitGateError.self) { try HookSetup.install(at: repo.path, executable: "gitgate") }
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-commit"))
    }

    @Test func chainsExistingHooksAndRestoresThemExactly() throws {
        let (repo, worktree) = try repository()
        let hooks = repo.path + "/.git/hooks"
        let original = Data("#!/bin/bash\n# the team's hook\nexit 0\n".utf8)
        try original.write(to: URL(fileURLWithPath: hooks + "/pre-push"))
        try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: hooks + "/pre-push")
        // A symlinked hook stays a symlink.
        try FileManager.default.createSymbolicLink(atPath: hooks + "/post-merge", withDestinationPath: "/usr/local/share/team-post-merge")

        guard case .installed(let installed) = try HookSetup.install(at: worktree, executable: "/bin/gitgate") else { return }
        #expect(installed.changes.filter { $0.action == .chained }.map(\.hook).sorted() == ["post-merge", "pre-push"])
        #expect(contents(hooks + "/pre-push.gitgate-chained") == original)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: hooks + "/post-merge.gitgate-chained") == "/usr/local/share/team-post-merge")

        let (_, changes) = try HookSetup.uninstall(at: worktree)
        #expect(changes.filter { $0.action == .restored }.map(\.hook).sorted() == ["post-merge", "pre-push"])
        #expect(changes.filter { $0.action == .removed }.map(\.hook).sorted()
                == ["post-checkout", "post-commit", "post-rewrite", "pre-commit", "pre-merge-commit", "prepare-commit-msg", "reference-transaction"])
        #expect(contents(hooks + "/pre-push") == original)
        #expect(try FileManager.default.attributesOfItem(atPath: hooks + "/pre-push")[.posixPermissions] as? Int == 0o700)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: hooks + "/post-merge") == "/usr/local/share/team-post-merge")
        #expect(try FileManager.default.contentsOfDirectory(atPath: hooks).filter { !$0.hasSuffix(".sample") }.sorted()
                == ["post-merge", "pre-push"])
        // Nothing left to remove.
        #expect(try HookSetup.uninstall(at: worktree).changes.isEmpty)
    }

    @Test func followsAnAbsoluteHooksPath() throws {
        let (repo, worktree) = try repository()
        let shared = try repo.scratch.makeDirectory("shared-hooks")
        try repo.git("config", "core.hooksPath", shared)
        guard case .installed(let installed) = try HookSetup.install(at: worktree, executable: "/bin/gitgate") else { return }
        #expect(installed.directory == shared)
        #expect(FileManager.default.isExecutableFile(atPath: shared + "/pre-merge-commit"))
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/hooks/pre-merge-commit"))
    }

    @Test(arguments: ["relative", "husky", "lefthook", "pre-commit"])
    func hookManagersGetAdviceAndNothingIsWritten(_ manager: String) throws {
        let (repo, _) = try repository()
        switch manager {
        case "relative": try repo.git("config", "core.hooksPath", "githooks")
        case "husky": try repo.git("config", "core.hooksPath", ".husky/_")
        case "lefthook": try repo.write("lefthook.yml", "pre-commit:\n")
        default:
            try repo.write(".pre-commit-config.yaml", "repos: []\n")
            try repo.write(".git/hooks/pre-commit", "#!/usr/bin/env python3\n# File generated by pre-commit: https://pre-commit.com\n")
        }
        let before = try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/hooks").sorted()
        let result = try HookSetup.install(at: repo.path, executable: "/bin/gitgate")
        guard case .managedElsewhere(let found) = result else { Issue.record("installed with \(manager)"); return }
        #expect(found.advice.contains("gitgate"))
        switch manager {
        case "relative": #expect(found == .relativeHooksPath("githooks"))
        case "husky": #expect(found == .husky)
        case "lefthook": #expect(found == .lefthook)
        default: #expect(found == .preCommitFramework)
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: repo.path + "/.git/hooks").sorted() == before)
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/githooks"))
    }

    @Test func refusesToChainOverAnEarlierChainedHook() throws {
        let (repo, _) = try repository()
        let hooks = repo.path + "/.git/hooks"
        try "#!/bin/sh\nexit 0\n".write(toFile: hooks + "/pre-commit", atomically: true, encoding: .utf8)
        try "#!/bin/sh\nexit 1\n".write(toFile: hooks + "/pre-commit.gitgate-chained", atomically: true, encoding: .utf8)
        #expect(throws: GitGateError.self) { try HookSetup.install(at: repo.path, executable: "/bin/gitgate") }
        #expect(try String(contentsOfFile: hooks + "/pre-commit", encoding: .utf8) == "#!/bin/sh\nexit 0\n")
    }

    @Test func escapesTheExecutableForSh() throws {
        let (repo, _) = try repository()
        let repository = try Repository(discoveringFrom: repo.path)
        let installer = HookInstaller(repository: repository, mainBranch: "trunk", executable: "/opt/my \"tools\"/$HOME/gitgate")
        let script = installer.render(.preMergeCommit)
        let file = repo.scratch.appending("rendered")
        try script.write(toFile: file, atomically: true, encoding: .utf8)
        // Evaluate the assignments the way sh will.
        let printed = try Shell.run("/bin/sh", ["-c", "eval \"$(grep -E '^(GITGATE|MAIN_REF)=' \(file))\"; printf '%s|%s' \"$GITGATE\" \"$MAIN_REF\""],
                                    env: ["PATH": "/usr/bin:/bin", "HOME": "/root"])
        #expect(printed.stdout == "/opt/my \"tools\"/$HOME/gitgate|refs/heads/trunk")
    }

    @Test func bareRepositoryGetsPreReceive() throws {
        let (repo, _) = try repository()
        let bare = try repo.bareClone()
        guard case .installed(let installed) = try HookSetup.install(at: bare, executable: "/bin/gitgate") else { return }
        #expect(installed.isBare)
        #expect(installed.changes.map(\.hook) == ["pre-receive"])
        #expect(FileManager.default.isExecutableFile(atPath: bare + "/hooks/pre-receive"))
    }

    @Test func currentExecutableKeepsTheSymlinkPeopleCall() throws {
        let scratch = try ScratchDirectory()
        let bin = try scratch.makeDirectory("bin")
        try FileManager.default.createSymbolicLink(atPath: bin + "/gitgate", withDestinationPath: "/bin/true")
        #expect(HookInstaller.currentExecutable(arguments: ["gitgate"], environment: ["PATH": "relative:" + bin]) == bin + "/gitgate")
        #expect(HookInstaller.currentExecutable(arguments: [bin + "/../bin/gitgate"], environment: [:]) == bin + "/gitgate")
    }
}
