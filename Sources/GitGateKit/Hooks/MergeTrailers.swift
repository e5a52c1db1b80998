import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `Gitgate-Verified:` trailers on a merge into main (squash merges too): what the gate verified,
/// per gated target, and who applied it. pre-merge-commit or pre-commit computes them while it
/// checks (the ledger's sign-off comes in the check's one round trip) and keeps them in the
/// verified-merge record; prepare-commit-msg adds them to the message with `git interpret-trailers`.
/// The databases are never asked twice, and a merge that brings no migrations gets none.
package enum MergeTrailers {
    package static let key = "Gitgate-Verified"

    /// One value per gated target: `production 001,002 (applied by Ada <ada@example.com> 2026-12-02T07:30:12Z)`;
    /// several sign-offs: `production 001,002 (001 applied by …; 002 recorded by …)`.
    package static func values(_ report: StatusReport) -> [String] {
        let migrations = report.inspection.migrations
        guard !migrations.isEmpty, report.verdict.decision == .ready else { return [] }
        var values: [String] = []
        for check in report.checks where check.gate {
            guard let states = check.states else { return [] }
            var groups: [(words: String, versions: [String])] = []
            for migration in migrations {
                guard let status = states[migration.version], status.state.passes else { return [] }
                let words = self.words(status)
                if let index = groups.firstIndex(where: { $0.words == words }) {
                    groups[index].versions.append(migration.version)
                } else {
                    groups.append((words, [migration.version]))
                }
            }
            let versions = migrations.map(\.version).joined(separator: ",")
            let detail = groups.count == 1 ? groups[0].words
                : groups.map { "\($0.versions.joined(separator: ",")) \($0.words)" }.joined(separator: "; ")
            values.append("\(check.target) \(versions) (\(detail))")
        }
        return values
    }

    private static func words(_ status: TargetStatus) -> String {
        if let signOff = status.signOff {
            return "\(signOff.how) by \(signOff.person ?? "an unnamed user") \(signOff.at)"
        }
        // Another tool's ledger, or no ledger: the catalog vouches, nobody signed in gitgate's.
        return status.state == .appliedByHand ? "applied by hand, not recorded" : "applied"
    }

    /// prepare-commit-msg `FILE [SOURCE [SHA]]`: adds the trailers a pass of the gate recorded for
    /// exactly this merge (main's tip, the index that becomes the commit, the gated targets).
    /// Never refuses: a merge without trailers is still a merge the gate allowed.
    package static func prepare(arguments: [String], directory: String, environment: [String: String]) -> HookRunner.Outcome {
        guard let file = arguments.first?.nonEmpty,
              let repository = try? Inspector.openRepository(at: directory),
              let head = try? repository.head(),
              let configuration = try? GateRun.configuration(repository, commits: [head]) else { return .allow }
        let main = GateRun.mainBranch(configuration, repository)
        guard (try? repository.currentBranch()) == main else { return .allow }
        let source = arguments.count > 1 ? arguments[1] : ""
        let fm = FileManager.default
        let merging = source == "merge" || source == "squash"
            || fm.fileExists(atPath: repository.gitDir + "/MERGE_HEAD") || fm.fileExists(atPath: repository.gitDir + "/SQUASH_MSG")
        guard merging else { return .allow }
        let indexFile = environment["GIT_INDEX_FILE"]?.nonEmpty.map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 }
        guard let tree = try? repository.indexTreeID(indexFile: indexFile),
              let record = VerificationRecord(repository: repository).peek(
                ref: "refs/heads/" + main, base: head, tree: tree,
                targets: VerificationRecord.fingerprint(configuration, environment: environment)),
              let trailers = record.trailers, !trailers.isEmpty else { return .allow }

        let path = file.hasPrefix("/") ? file : directory + "/" + file
        // `git merge -m` writes the message without its final newline, and interpret-trailers would
        // then join the trailer to the subject's paragraph; git's cleanup adds that newline anyway.
        if let data = FileManager.default.contents(atPath: path), data.last != UInt8(ascii: "\n"),
           let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data("\n".utf8))
            handle.closeFile()
        }
        var arguments = ["interpret-trailers", "--in-place", "--if-exists", "addIfDifferent"]
        for value in trailers { arguments += ["--trailer", "\(key): \(value)"] }
        arguments.append(path)
        let (status, output) = git(arguments, in: directory, environment: environment)
        guard status == 0 else {
            return HookRunner.Outcome(status: 0, message: "gitgate: could not add the \(key) trailers: git interpret-trailers failed (\(status)): \(output.trimmingCharacters(in: .whitespacesAndNewlines)); the merge goes ahead without them")
        }
        return .allow
    }

    private static func git(_ arguments: [String], in directory: String, environment: [String: String]) -> (Int32, String) {
        do {
            let (status, output) = try Subprocess.run("git", arguments, in: directory, environment: environment)
            return (status, String(decoding: output, as: UTF8.self))
        } catch {
            return (127, "\(error)")
        }
    }
}
