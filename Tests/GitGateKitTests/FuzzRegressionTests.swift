import Foundation
import Git
import GitGateKit
import SQL
import Testing
import TestSupport

/// Every input fuzz/run ever failed on, kept in fuzz/regressions/<kind>/ and replayed here through
/// the same code the fuzzer drives. Leaks only show under `swift test --sanitize=address`.
@Suite("Reliability: fuzz regressions")
struct FuzzRegressionTests {
    static let folder = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("fuzz/regressions")

    static func inputs(_ kind: String) -> [String] {
        let directory = folder.appendingPathComponent(kind)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { !$0.hasPrefix(".") }.sorted().map { directory.appendingPathComponent($0).path }
    }

    @Test("the regressions folder is there, so the tests below are not empty")
    func folderExists() {
        #expect(!Self.inputs("config").isEmpty)
    }

    @Test("a .gitgate the fuzzer failed on loads or is refused with a GitGateError", arguments: inputs("config"))
    func config(path: String) throws {
        let repo = try TestRepository()
        let bytes = try #require(FileManager.default.contents(atPath: path))
        try repo.commitFiles(["db/migrations/.gitkeep": ""], message: "folder")
        try bytes.write(to: URL(fileURLWithPath: repo.path + "/.gitgate"))
        do {
            let configuration = try Configuration.load(from: Repository(discoveringFrom: repo.path))
            #expect(configuration.migrations == "db/migrations")
        } catch {
            #expect(error is GitGateError, "\(error)")
        }
    }

    @Test("SQL the fuzzer failed on parses or is refused with an SQLError", arguments: inputs("sql"))
    func sql(path: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: path))
        do {
            let script = try SQLScript.parse(String(decoding: bytes, as: UTF8.self))
            for statement in script.statements {
                #expect(statement.offset <= statement.endOffset)
            }
        } catch {
            #expect(!error.message.isEmpty)
        }
    }

    @Test("file names the fuzzer failed on classify without a crash", arguments: inputs("layout"))
    func layout(path: String) throws {
        let bytes = try #require(FileManager.default.contents(atPath: path))
        let paths = String(decoding: bytes, as: UTF8.self).split(separator: "\n").map(String.init)
        for path in paths {
            for layout in Layout.allCases {
                if let file = layout.classify(relativePath: path, folder: "db") {
                    #expect(file.path == "db/" + path)
                }
            }
        }
        _ = Layout.detect(relativePaths: paths)
    }
}
