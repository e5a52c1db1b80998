import Foundation
import Testing
import TestSupport

/// `gitgate baseline` as a user runs it: the built binary on main, a real PostgreSQL.
@Suite struct BaselineCLITests {
    @Test(.database) func baselineOnMainFromTheCommandLine() throws {
        let gated = try GatedRepository(conninfo: try TestDatabase.conninfo(), install: nil)
        // production has main's 001 (users) but no ledger row: status on main says so.
        let before = try gated.gitgate(["status"])
        #expect(before.status == 0, "\(before.output)")  // applied by hand passes, with the record hint
        #expect(before.stdout.contains("applied by hand"), "\(before.stdout)")

        let unknown = try gated.gitgate(["baseline", "--through", "009"])
        #expect(unknown.status == 1)
        #expect(unknown.stderr.hasPrefix("gitgate: ") && unknown.stderr.split(separator: "\n").count == 1, "\(unknown.stderr)")
        #expect(unknown.stderr.contains("has no migration 009"))

        let usage = try gated.gitgate(["baseline", "--unverified"])
        #expect(usage.status == 64, "\(usage.output)")

        let done = try gated.gitgate(["baseline", "--format", "json"])
        #expect(done.status == 0, "\(done.output)")
        #expect(done.stdout.contains("\"001\""), "\(done.stdout)")
        let after = try gated.gitgate(["status"])
        #expect(after.status == 0 && !after.stdout.contains("applied by hand"), "\(after.stdout)")
    }
}
