import Foundation
import Git
import GitGateKit
import Testing
import TestSupport

@Suite struct ConfigurationTests {
    private func load(_ gitgate: String?, gitConfig: [(String, String)] = [], folders: [String] = ["migrations"]) throws -> Configuration {
        let repo = try TestRepository()
        var files: [String: String] = [:]
        for folder in folders { files[folder + "/.gitkeep"] = "" }
        if let gitgate { files[".gitgate"] = gitgate }
        try repo.commitFiles(files, message: "config")
        for (key, value) in gitConfig { try repo.git("config", key, value) }
        return try Configuration.load(from: Repository(discoveringFrom: repo.path))
    }

    private func failure(_ gitgate: String, gitConfig: [(String, String)] = []) throws -> GitGateError {
        try #require(throws: GitGateError.self) { try load(gitgate, gitConfig: gitConfig) }
    }

    @Test func theProductExample() throws {
        let config = try load("""
            [gitgate]
            \tmainBranch = main
            \tmigrations = database_tools/migrations
            \tlayout = flat
            \tledger = gitgate
            \treminder = Remove the temporary IP from the database's trusted sources
            \treminder = Tell the team
            [gitgate "production"]
            \turl = env:DATABASE_URL
            \tgate = true
            \tstatementTimeout = 3s
            [gitgate "local"]
            \turl = postgresql:///app_dev
            \tgate = false
            """, folders: ["database_tools/migrations"])
        #expect(config.mainBranch == "main")
        #expect(config.migrations == "database_tools/migrations")
        #expect(config.layout == .flat)
        #expect(config.reminders.count == 2)
        #expect(config.targets.map(\.name) == ["production", "local"])
        #expect(config.targets[0].connection == .environment("DATABASE_URL"))
        #expect(config.targets[0].statementTimeoutMs == 3_000)
        #expect(config.gatedTargets.map(\.name) == ["production"])
    }

    @Test func gitConfigWinsOverTheFile() throws {
        let config = try load("[gitgate \"production\"]\n\turl = env:DATABASE_URL\n",
                              gitConfig: [("gitgate.production.url", "env:MY_URL")])
        #expect(config.targets.first?.connection == .environment("MY_URL"))
    }

    @Test func withoutAFileTheUsualFolderIsFound() throws {
        let config = try load(nil, folders: ["db/migrations"])
        #expect(config.migrations == "db/migrations")
        #expect(!config.hasFile)
        #expect(config.targets.isEmpty)
    }

    @Test("a literal password in .gitgate is refused", arguments: [
        "postgresql://app:hunter2@db.example.com/app", "host=db user=app password=hunter2", "postgresql://app@db/app?password=hunter2",
    ])
    func literalPassword(url: String) throws {
        let error = try failure("[gitgate \"production\"]\n\turl = \(url)\n")
        // Read from main's committed file, and said so.
        #expect(error.message.hasPrefix("main's .gitgate:"), "\(error.message)")
        #expect(error.message.contains("literal password"))
        #expect(!error.message.contains("hunter2"))
        #expect(error.exitCode == 2)
    }

    @Test func unknownKeyNamesTheFileAndSuggests() throws {
        let error = try failure("[gitgate]\n\tmainBrnch = main\n")
        #expect(error.message.contains(".gitgate"))
        #expect(error.message.contains("gitgate.mainbrnch"))
        #expect(error.message.contains("did you mean gitgate.mainBranch"))
    }

    @Test func unknownTargetKey() throws {
        let error = try failure("[gitgate \"production\"]\n\turl = env:X\n\tgated = true\n")
        #expect(error.message.contains("gitgate.production.gate"))
    }

    @Test("values of the wrong type", arguments: [
        ("[gitgate]\n\tlayout = sideways\n", "gitgate.layout"),
        ("[gitgate]\n\tledger = rails\n", "gitgate.ledger"),
        ("[gitgate \"p\"]\n\turl = env:X\n\tgate = perhaps\n", "gitgate.p.gate"),
        ("[gitgate \"p\"]\n\turl = env:X\n\tconnectTimeout = soon\n", "connecttimeout"),
        ("[gitgate]\n\tlargeTableRows = many\n", "largetablerows"),
        ("[gitgate \"p\"]\n\tgate = true\n", "has no url"),
    ])
    func wrongTypes(file: String, mentions: String) throws {
        let error = try failure(file)
        #expect(error.message.lowercased().contains(mentions.lowercased()), "\(error.message)")
        #expect(!error.message.contains("\n"))
    }

    @Test("every ledger gitgate reads is a value of gitgate.ledger", arguments: LedgerKind.allCases)
    func everyLedgerParses(ledger: LedgerKind) throws {
        #expect(try load("[gitgate]\n\tledger = \(ledger.rawValue)\n").ledger == ledger)
    }

    @Test func anUnknownLedgerListsTheKnownOnes() throws {
        let error = try failure("[gitgate]\n\tledger = rails\n")
        #expect(error.message.contains("goose, diesel, prisma, pop, atlas, liquibase, none"), "\(error.message)")
    }

    @Test func malformedFile() throws {
        let error = try failure("[gitgate\n\tmigrations = x\n")
        #expect(error.message.contains(".gitgate"))
        #expect(error.exitCode == 2)
    }

    @Test("durations", arguments: [("10s", 10_000), ("500ms", 500), ("2m", 120_000), ("7", 7_000)])
    func durations(text: String, ms: Int) {
        #expect(Configuration.parseDuration(text) == ms)
    }

    @Test func passwordsAreHiddenInDescriptions() {
        #expect(ConnectionSource(parsing: "postgresql://u:pw@h/db").description == "postgresql://u:***@h/db")
        #expect(!ConnectionSource(parsing: "host=h password='a b'").description.contains("a b"))
    }
}
