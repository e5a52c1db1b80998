import Foundation
import Testing
import TestSupport

/// `gitgate demo` end to end: the README's main job, on its embedded default.
@Suite struct DemoTests {
    @Test func theDemoWalksTheWholeWorkflowAndLeavesNothingBehind() throws {
        let before = try demoFolders()
        let result = try GitGateBinary.run(["demo"], in: FileManager.default.temporaryDirectory.path)
        #expect(result.status == 0, "\(result.output)")

        let text = result.stdout
        let blocked = try #require(text.range(of: "✗ BLOCKED"))
        let refused = try #require(text.range(of: "3. Someone merges anyway"))
        let ready = try #require(text.range(of: "✓ READY TO MERGE"))
        let closed = try #require(text.range(of: "Demo complete"))
        // In that order: blocked, the merge refused, ready, closed.
        #expect(blocked.lowerBound < refused.lowerBound)
        #expect(refused.lowerBound < ready.lowerBound)
        #expect(ready.lowerBound < closed.lowerBound)
        #expect(text.contains("security_detections"))
        #expect(text.contains("job_analysis_tiers"))
        // The plan before apply, the rollback plan after it, the log, and the merge's trailers.
        let plan = try #require(text.range(of: "Rollback plan (newest first"))
        let rollback = try #require(text.range(of: "Dry run: roll back on production"))
        // One "(applied by …)" group, or one per migration when they were applied in different seconds.
        let trailers = try #require(text.range(of: "Gitgate-Verified: production 002,003 ("))
        let trailerLine = text[trailers.lowerBound...].prefix { $0 != "\n" }
        #expect(trailerLine.contains("applied by Demo Developer <dev@example.com>"), "\(trailerLine)")
        #expect(refused.lowerBound < plan.lowerBound && plan.lowerBound < ready.lowerBound)
        #expect(ready.lowerBound < rollback.lowerBound && rollback.lowerBound < trailers.lowerBound)
        #expect(trailers.lowerBound < closed.lowerBound)
        #expect(text.contains("2 entries, newest first"))

        // No folder and no server left behind: the cluster's own folder is gone, and no process names it.
        #expect(try demoFolders() == before)
        let socket = try #require(text.firstMatch(of: /socket (\S+),/)?.1)
        #expect(!FileManager.default.fileExists(atPath: String(socket)))
        let servers = try Shell.run("pgrep", ["-f", String(socket)])
        #expect(servers.stdout.isEmpty, "\(servers.stdout)")
    }

    private func demoFolders() throws -> Set<String> {
        let temporary = FileManager.default.temporaryDirectory.path
        return Set(try FileManager.default.contentsOfDirectory(atPath: temporary).filter { $0.hasPrefix("gitgate-demo-") })
    }
}
