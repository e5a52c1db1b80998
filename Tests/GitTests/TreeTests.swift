import Foundation
import Git
import Testing
import TestSupport

@Suite("Files in commits")
struct TreeTests {
    @Test(arguments: awkwardFolders)
    func filesUnderAFolderMatchLsTree(folder: String) throws {
        let scenario = try FeatureScenario(folder: folder)
        let repo = scenario.repo
        let opened = try Repository(discoveringFrom: repo.path)
        let feature = try opened.resolve("feature")

        let files = try opened.files(under: folder, at: feature)
        let lsTree = try repo.git("--literal-pathspecs", "ls-tree", "-r", "-z", "feature", "--", folder + "/")
        let expected = lsTree.split(separator: "\0").map { line -> String in
            let parts = line.split(separator: "\t", maxSplits: 1)
            return "\(parts[0].split(separator: " ")[2]) \(parts[1])"
        }

        #expect(files.map { "\($0.id.hex) \($0.path)" } == expected)
        #expect(files.count == 4)
    }

    @Test func contentsAndBlobs() throws {
        let scenario = try FeatureScenario(folder: "migrations")
        let opened = try Repository(discoveringFrom: scenario.repo.path)
        let feature = try opened.resolve("feature")
        let path = "migrations/004 job \"analysis\" tiers ü.sql"

        let data = try #require(try opened.contents(of: path, at: feature))
        #expect(String(decoding: data, as: UTF8.self) == "CREATE TABLE job_analysis_tiers (id int);\n")
        let file = try #require(try opened.files(under: "migrations", at: feature).first { $0.path == path })
        #expect(try opened.blob(file.id) == data)
        #expect(file.kind == .file)

        #expect(try opened.contents(of: path, at: oid(scenario.base)) == nil)
        #expect(try opened.contents(of: "migrations", at: feature) == nil)
        #expect(try opened.contents(of: "no/such/file.sql", at: feature) == nil)
    }

    @Test func missingFolderHasNoFiles() throws {
        let repo = try TestRepository()
        let opened = try Repository(discoveringFrom: repo.path)
        #expect(try opened.files(under: "migrations", at: opened.resolve("HEAD")) == [])
        #expect(try opened.files(under: "README.md", at: opened.resolve("HEAD")) == [])
        #expect(try opened.files(at: opened.resolve("HEAD")).map(\.path) == ["README.md"])
    }

    @Test func executablesAndSymlinks() throws {
        let repo = try TestRepository()
        try repo.write("bin/run.sh", "#!/bin/sh\n")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.absolute("bin/run.sh"))
        try FileManager.default.createSymbolicLink(atPath: repo.absolute("bin/link"), withDestinationPath: "run.sh")
        try repo.commit("Scripts")
        let opened = try Repository(discoveringFrom: repo.path)

        let kinds = try opened.files(under: "bin", at: opened.resolve("HEAD")).map { "\($0.path) \($0.kind)" }
        #expect(kinds == ["bin/link symlink", "bin/run.sh executable"])
    }
}
