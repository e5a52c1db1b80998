import Foundation
import Testing
import TestSupport

/// The merge commit into main made through the installed hooks says what the gate verified.
@Suite("Hooks: Gitgate-Verified trailers on merges into main")
struct MergeTrailerTests {
    /// `Gitgate-Verified: production 002 (applied by Gate Keeper <gatekeeper@example.com> 2026-12-02T07:30:12Z)`
    static func expectSigned(_ trailers: String, versions: String, file: StaticString = #filePath, line: UInt = #line) {
        let lines = trailers.split(separator: "\n").map(String.init)
        #expect(lines.count == 1, "\(trailers)")
        let prefix = "Gitgate-Verified: production \(versions) (applied by \(TestRepository.identity.name) <\(TestRepository.identity.email)> "
        #expect(lines.first?.hasPrefix(prefix) == true, "\(trailers)")
        let date = lines.first.map { String($0.dropFirst(prefix.count)) } ?? ""
        #expect(date.wholeMatch(of: /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)/) != nil, "\(trailers)")
    }

    @Test("a merge, and a squash merge, get the trailers; a merge without migrations gets none", .database)
    func trailers() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo())
        let repo = gated.repo
        let applied = try gated.gitgate(["apply", "--yes"], in: gated.worktree)
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")

        // A merge commit made by git merge, through the hooks.
        let merged = try repo.gitResult("merge", "--no-ff", "-m", "Merge feature", "feature")
        #expect(merged.succeeded, "\(merged.stdout)\(merged.stderr)")
        Self.expectSigned(try repo.git("log", "-1", "--format=%(trailers)"), versions: "002")
        #expect(try repo.git("log", "-1", "--format=%s") == "Merge feature")
        // The record was used up by the reference-transaction hook of the same merge.
        #expect(!FileManager.default.fileExists(atPath: repo.path + "/.git/gitgate/verified"))

        // A branch without migrations: no trailers.
        let docs = try repo.addWorktree(branch: "docs")
        try repo.write("docs.md", "words\n", in: docs)
        try repo.commit("docs", in: docs)
        #expect(try repo.gitResult("merge", "--no-ff", "-m", "Merge docs", "docs").succeeded)
        #expect(try repo.git("log", "-1", "--format=%(trailers)") == "")
        #expect(try repo.git("log", "-1", "--format=%s") == "Merge docs")

        // A squash merge, committed by hand with its own message.
        let more = try repo.addWorktree(branch: "more")
        try repo.write("migrations/003_create_items.sql", "CREATE TABLE items (id bigint PRIMARY KEY);\n", in: more)
        try repo.commit("items", in: more)
        #expect(try gated.gitgate(["apply", "--yes"], in: more).status == 0)
        #expect(try repo.gitResult("merge", "--squash", "more").succeeded)
        let committed = try repo.gitResult("commit", "-m", "Squash more")
        #expect(committed.succeeded, "\(committed.stdout)\(committed.stderr)")
        Self.expectSigned(try repo.git("log", "-1", "--format=%(trailers)"), versions: "003")
        #expect(try repo.git("log", "-1", "--format=%s") == "Squash more")
    }
}
