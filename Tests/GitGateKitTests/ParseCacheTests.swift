import Foundation
import GitGateKit
import SQL
import Testing
import TestSupport

/// The parse cache in the common git dir: used when whole and current, ignored and rewritten otherwise.
@Suite struct ParseCacheTests {
    /// main has `accounts`; the branch adds `count` migrations, the first with a foreign key to it
    /// (so the review reads main's history), one with a finding, one that does not parse.
    private func project(count: Int = 12) throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.commitFiles([".gitgate": "[gitgate]\n\tmigrations = migrations\n",
                              "migrations/001_accounts.sql": "CREATE TABLE IF NOT EXISTS accounts (id bigint PRIMARY KEY);\n"],
                             message: "main")
        let worktree = try repo.addWorktree(branch: "feature")
        var files: [String: String] = [:]
        for number in 2...(count + 1) {
            let name = String(format: "%03d", number)
            files["migrations/\(name)_t\(number).sql"] =
                "CREATE TABLE IF NOT EXISTS t\(number) (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts (id));\n"
        }
        files["migrations/\(String(format: "%03d", count + 2))_drop.sql"] = "DROP TABLE t2;\n"
        files["migrations/\(String(format: "%03d", count + 3))_broken.sql"] = "CREATE TABLE (;\n"
        try repo.commitFiles(files, message: "migrations", in: worktree)
        return (repo, worktree)
    }

    private func cacheDirectory(_ repo: TestRepository) -> String { repo.path + "/.git/gitgate/cache/parse" }

    private func entries(_ repo: TestRepository) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: cacheDirectory(repo)).sorted()
    }

    @Test func aSecondStatusParsesNothingAndSaysTheSame() throws {
        let (repo, worktree) = try project()
        let cold = ParseCache(directory: cacheDirectory(repo), version: "test-1")
        let first = try StatusService.report(at: worktree, cache: cold)
        // 14 branch files, and main's 001 (it names accounts) for the foreign-key rule.
        #expect(cold.statistics == .init(hits: 0, misses: 15, writes: 15, rejected: 0))

        let warm = ParseCache(directory: cacheDirectory(repo), version: "test-1")
        let second = try StatusService.report(at: worktree, cache: warm)
        #expect(warm.statistics == .init(hits: 15, misses: 0, writes: 0, rejected: 0))
        #expect(second.json() == first.json())
        #expect(first.json().contains("syntax error"))
        #expect(try entries(repo).count == 15)
    }

    @Test func corruptEntriesAreIgnoredAndRewritten() throws {
        let (repo, worktree) = try project()
        let expected = try StatusService.report(at: worktree, cache: ParseCache(directory: cacheDirectory(repo), version: "v")).json()
        let names = try entries(repo)
        let directory = cacheDirectory(repo)
        // Truncated, one payload byte changed (still valid JSON shape), and garbage.
        let truncated = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + names[0]))
        try truncated.prefix(truncated.count / 2).write(to: URL(fileURLWithPath: directory + "/" + names[0]))
        var flipped = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + names[1]))
        let isDigit: (UInt8) -> Bool = { $0 >= 0x30 && $0 <= 0x38 }
        let found = flipped.lastIndex(where: isDigit)
        let digit = try #require(found)
        flipped[digit] += 1
        try flipped.write(to: URL(fileURLWithPath: directory + "/" + names[1]))
        try Data("not a cache entry".utf8).write(to: URL(fileURLWithPath: directory + "/" + names[2]))

        let cache = ParseCache(directory: directory, version: "v")
        let again = try StatusService.report(at: worktree, cache: cache)
        #expect(cache.statistics == .init(hits: 12, misses: 3, writes: 3, rejected: 3))
        #expect(again.json() == expected)

        let healed = ParseCache(directory: directory, version: "v")
        _ = try StatusService.report(at: worktree, cache: healed)
        #expect(healed.statistics.hits == 15)
    }

    @Test func anotherVersionsEntriesAreNeverUsed() throws {
        let (repo, worktree) = try project()
        let old = ParseCache(directory: cacheDirectory(repo), version: "gitgate 0.1.0 build A")
        let expected = try StatusService.report(at: worktree, cache: old).json()

        let new = ParseCache(directory: cacheDirectory(repo), version: "gitgate 0.1.0 build B")
        #expect(try StatusService.report(at: worktree, cache: new).json() == expected)
        #expect(new.statistics == .init(hits: 0, misses: 15, writes: 15, rejected: 15))

        let newAgain = ParseCache(directory: cacheDirectory(repo), version: "gitgate 0.1.0 build B")
        _ = try StatusService.report(at: worktree, cache: newAgain)
        #expect(newAgain.statistics.hits == 15)
        #expect(ParseCache.currentVersion.contains("gitgate \(GitGateVersion.string) format \(ParseCache.format)"))
    }

    @Test func aFolderThatCannotBeWrittenLeavesStatusAsItWas() throws {
        let (repo, worktree) = try project()
        let expected = try StatusService.report(at: worktree, cache: ParseCache(directory: cacheDirectory(repo), version: "v")).json()
        // A file where the folder would be: nothing can be created under it (root ignores modes).
        let blocked = repo.path + "/.git/gitgate-blocked"
        try Data().write(to: URL(fileURLWithPath: blocked))
        let cache = ParseCache(directory: blocked + "/cache/parse", version: "v")
        #expect(try StatusService.report(at: worktree, cache: cache).json() == expected)
        #expect(cache.statistics.writes == 0)
        #expect(cache.statistics.misses == 15)
    }

    @Test func filesOverTheSizeLimitAreParsedEachTimeNotStored() throws {
        let (repo, worktree) = try project(count: 1)
        var big = "INSERT INTO t2 (id) VALUES\n"
        var row = 0
        while big.utf8.count <= ParseCache.maxFileBytes {
            row += 1
            big += "(\(row)),\n"
        }
        big += "(0);\n"
        try repo.commitFiles(["migrations/009_seed.sql": big], message: "seed", in: worktree)
        let cold = ParseCache(directory: cacheDirectory(repo), version: "v")
        let first = try StatusService.report(at: worktree, cache: cold)
        #expect(!cold.hasEntry(for: Data(big.utf8)))
        let warm = ParseCache(directory: cacheDirectory(repo), version: "v")
        #expect(try StatusService.report(at: worktree, cache: warm).json() == first.json())
        #expect(warm.statistics.misses == 0)
        #expect(warm.statistics.hits == cold.statistics.writes)
    }

    /// The compact entry format gives back every field: each rule example (good and bad), the
    /// schema they run after, a file that does not parse and one that is not text, read back and
    /// compared field by field through their JSON encoding.
    @Test func everyParseReadsBackAsItWasWritten() throws {
        var sources = [RuleExample.existingSchema, "CREATE TABLE (;\n", "SELECT 1; -- gitgate:allow destructive-drop because x\n"]
        sources += Rule.allCases.flatMap(\.examples).map(\.sql)
        // More rows than InsertedRows keeps: the count beyond them must survive the cache too.
        let rows = InsertedRows.keptRowLimit + 500
        sources.append("INSERT INTO t (id) VALUES " + (1...rows).map { "(\($0))" }.joined(separator: ", ") + ";\n")
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var files = sources.map { Data($0.utf8) }
        files.append(Data([0x53, 0x00, 0x0A]))
        files.append(Data([0x53, 0xFF, 0x0A]))
        for file in files {
            let parsed = ParsedFile(file)
            let bytes = parsed.cacheBytes
            let read = try bytes.withUnsafeBytes { try ParsedFile(cacheBytes: $0) }
            #expect(try encoder.encode(read) == encoder.encode(parsed), "\(String(decoding: file, as: UTF8.self))")
            #expect(read.cacheBytes == bytes)
            // Cut short anywhere, it is refused, never misread.
            for length in stride(from: 0, to: bytes.count, by: max(1, bytes.count / 16)) {
                #expect(throws: (any Error).self) { try bytes.prefix(length).withUnsafeBytes { try ParsedFile(cacheBytes: $0) } }
            }
        }
    }

    @Test func pruningKeepsTheFolderBounded() throws {
        let scratch = try ScratchDirectory()
        let directory = scratch.appending("parse")
        let cache = ParseCache(directory: directory, version: "v")
        let files = (0..<40).map { Data("SELECT \($0);\n".utf8) }
        for (index, file) in files.enumerated() {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            // Oldest first: modification times one second apart.
            let path = directory + "/" + ParseCache.key(for: file)
            try Data("x".utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000 + Double(index))], ofItemAtPath: path)
        }
        cache.prune(maxEntries: 20, maxBytes: 1 << 20)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(left.count == 15)
        #expect(Set(left) == Set(files.suffix(15).map(ParseCache.key(for:))))
    }
}
