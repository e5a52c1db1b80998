import Foundation
import Git
import Testing
import TestSupport

@Suite("Configuration")
struct ConfigTests {
    static let gitgateFile = """
        # committed with the repository
        [gitgate]
        \tmainBranch = main
        \tmigrations = from-file
        \treminder = Remove the temporary IP
        \treminder = Rotate the password
        \ttimeout = 10k
        \tverbose
        [gitgate "production"]
        \turl = env:DATABASE_URL
        \tgate = true
        [gitgate "staging"]
        \tgate = maybe

        """

    let repo: TestRepository
    let file: String

    init() throws {
        repo = try TestRepository()
        try repo.write(".gitgate", Self.gitgateFile)
        file = repo.absolute(".gitgate")
    }

    @Test func gitConfigWinsOverTheFile() throws {
        try repo.git("config", "gitgate.migrations", "from-git")
        try repo.git("config", "gitgate.production.gate", "false")
        let config = try Repository(discoveringFrom: repo.path).config(layering: file)

        #expect(config.string("gitgate.migrations") == "from-git")
        #expect(try config.bool("gitgate.production.gate") == false)
        #expect(config.string("gitgate.mainBranch") == "main")
        #expect(config.string("gitgate.mainbranch") == "main")
        #expect(config.string("gitgate.production.url") == "env:DATABASE_URL")
        #expect(config.string("user.name") == TestRepository.identity.name)
        #expect(config.string("gitgate.absent") == nil)
    }

    @Test func fileIsReadFromAWorktreeToo() throws {
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.git("config", "gitgate.migrations", "from-git")
        let config = try Repository(discoveringFrom: worktree).config(layering: file)
        #expect(config.string("gitgate.migrations") == "from-git")
        #expect(config.string("gitgate.production.url") == "env:DATABASE_URL")
    }

    @Test func multivarListsTheFileThenGit() throws {
        let opened = try Repository(discoveringFrom: repo.path)
        #expect(try opened.config(layering: file).strings("gitgate.reminder")
                == ["Remove the temporary IP", "Rotate the password"])

        try repo.git("config", "--add", "gitgate.reminder", "Tell the team")
        let config = try opened.config(layering: file)
        #expect(config.strings("gitgate.reminder") == ["Remove the temporary IP", "Rotate the password", "Tell the team"])
        #expect(config.string("gitgate.reminder") == "Tell the team")
        #expect(config.strings("gitgate.none") == [])
    }

    @Test func lastValueWinsWithinAFile() throws {
        let config = try Config.open(file: file)
        #expect(config.string("gitgate.reminder") == "Rotate the password")
    }

    @Test func badBooleanNamesTheKeyAndTheFile() throws {
        let config = try Repository(discoveringFrom: repo.path).config(layering: file)

        let error = try #require(throws: GitError.self) { try config.bool("gitgate.staging.gate") }
        #expect(error.description.contains("gitgate.staging.gate = 'maybe'"))
        #expect(error.description.contains(file))
        #expect(error.description.contains("set it to true or false"))
    }

    @Test func typedValues() throws {
        let config = try Config.open(file: file)
        #expect(try config.bool("gitgate.production.gate") == true)
        #expect(try config.bool("gitgate.verbose") == true)
        #expect(try config.bool("gitgate.absent") == nil)
        #expect(try config.int("gitgate.timeout") == 10240)
        #expect(try config.int("gitgate.absent") == nil)
        #expect(throws: GitError.self) { try config.int("gitgate.migrations") }
    }

    @Test func entriesCarryTheirOrigin() throws {
        try repo.git("config", "gitgate.production.url", "env:MY_URL")
        let config = try Repository(discoveringFrom: repo.path).config(layering: file)

        let entries = try config.entries(matching: #"^gitgate\.production\."#)
        #expect(entries == [
            ConfigEntry(name: "gitgate.production.url", value: "env:DATABASE_URL", origin: .file(file)),
            ConfigEntry(name: "gitgate.production.gate", value: "true", origin: .file(file)),
            ConfigEntry(name: "gitgate.production.url", value: "env:MY_URL", origin: .local),
        ])
        #expect(try config.entries(matching: #"^gitgate\.verbose$"#).first?.value == nil)
        #expect(throws: GitError.self) { try config.entries(matching: "([") }
    }

    @Test func repositoryConfigAloneIgnoresTheFile() throws {
        let config = try Repository(discoveringFrom: repo.path).config()
        #expect(config.string("gitgate.migrations") == nil)
        #expect(try config.bool("commit.gpgsign") == false)
    }

    @Test func missingLayerFileContributesNothing() throws {
        let config = try Repository(discoveringFrom: repo.path).config(layering: repo.absolute("no-such-file"))
        #expect(config.string("user.email") == TestRepository.identity.email)
    }

    @Test func openMissingOrMalformedFile() throws {
        let missing = try #require(throws: GitError.self) { try Config.open(file: repo.absolute("absent")) }
        #expect(missing.kind == .notFound)

        try repo.write("broken", "[gitgate\n\tx = 1\n")
        let broken = try #require(throws: GitError.self) { try Config.open(file: repo.absolute("broken")) }
        #expect(broken.description.contains(repo.absolute("broken")))
        #expect(throws: GitError.self) {
            try Repository(discoveringFrom: repo.path).config(layering: repo.absolute("broken"))
        }
    }
}
