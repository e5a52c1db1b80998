import Foundation
import Git
import Testing
import TestSupport

/// Correctness at the sizes the inspector meets; how fast it is, bench/run measures.
@Suite("Large repositories")
struct LargeRepositoryTests {
    /// 5,000 commits on main, 2,000 migration files, a branch adding two: the sizes the inspector meets.
    @Test func inspectingALargeRepositoryIsCorrect() throws {
        let repo = try TestRepository()
        var stream = ""
        var mark = 0
        func blob(_ text: String) -> Int {
            mark += 1
            stream += "blob\nmark :\(mark)\ndata \(text.utf8.count)\n\(text)\n"
            return mark
        }
        @discardableResult
        func commit(_ branch: String, _ message: String, files: [(String, Int)], from: String? = nil) -> Int {
            mark += 1
            stream += "commit refs/heads/\(branch)\nmark :\(mark)\ncommitter T <t@example.com> 1700000000 +0000\ndata \(message.utf8.count)\n\(message)\n"
            if let from { stream += "from \(from)\n" }
            for (path, blob) in files { stream += "M 100644 :\(blob) \(path)\n" }
            return mark
        }
        let first = (1...2000).map { n in (String(format: "migrations/%05d_step.sql", n), blob("SELECT \(n);\n")) }
        commit("main", "Two thousand migrations", files: first, from: "refs/heads/main^0")
        var middle = 0
        for n in 1...5000 {
            let made = commit("main", "Commit \(n)", files: [("log.txt", blob("entry \(n)\n"))])
            if n == 2500 { middle = made }
        }
        let added = [("migrations/02001_new.sql", blob("SELECT 'new';\n")), ("migrations/02002_more.sql", blob("SELECT 'more';\n"))]
        commit("feature", "Feature", files: added, from: ":\(middle)")
        _ = try Shell.check("git", ["fast-import", "--quiet"], cwd: repo.path, env: repo.environment, input: stream)

        do {
            let opened = try Repository(discoveringFrom: repo.path)
            let main = try opened.resolve("main"), feature = try opened.resolve("feature")
            let base = try #require(try opened.mergeBase(main, feature))
            #expect(try opened.diff(from: base, to: feature, under: "migrations").map(\.path)
                    == ["migrations/02001_new.sql", "migrations/02002_more.sql"])
            #expect(try opened.files(under: "migrations", at: main).count == 2000)
            #expect(try opened.mergeWouldChange(feature, into: main))
            #expect(try !opened.isAncestor(feature, of: main))
        }
    }
}
