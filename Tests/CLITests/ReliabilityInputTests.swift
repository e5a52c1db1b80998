import Foundation
import Postgres
import Testing
import TestSupport

/// Bad input of every kind: gitgate answers with a documented exit code and one clear line,
/// never a crash, whatever the configuration, repository shape or migration files look like.
@Suite("Reliability: bad input")
struct ReliabilityInputTests {
    /// A repository whose main has `config` as `.gitgate` and a `feature` worktree.
    private static func repository(config: String, files: [String: String] = [:]) throws -> (TestRepository, String) {
        let repo = try TestRepository()
        try repo.commitFiles([".gitgate": config, "migrations/001_a.sql": "CREATE TABLE a (id int);\n"], message: "main")
        let worktree = try repo.addWorktree(branch: "feature")
        if !files.isEmpty { try repo.commitFiles(files, message: "feature", in: worktree) }
        return (repo, worktree)
    }

    static let badConfigs: [String] = [
        "[gitgate\n\tmigrations = migrations\n",
        "[gitgate]\n\tmigrations\n\t= = =\n",
        "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\tgate = maybe\n\turl = postgresql:///x\n",
        "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = postgresql:///x\n\tstatementTimeout = banana\n",
        "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = postgresql:///x\n\tstatementTimeout = 99999999999999999m\n",
        "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = postgresql:///x\n\tconnectTimeout = 9223372036854775807\n",
        "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = postgresql:///x\n\tlockTimeout = -5s\n",
        "[gitgate]\n\tmigrations = does/not/exist\n",
        "[gitgate]\n\tmigrations = ../outside\n",
        "[gitgate]\n\tmigrations = migrations\n\tlayout = sideways\n",
        "[gitgate]\n\tmigrations = migrations\n\tledger = papyrus\n",
        "[gitgate]\n\tmigrations = migrations\n\tlargeTableRows = lots\n",
        "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = postgresql://u:literal-pass@h/db\n",
        "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\tgate = true\n",
        "\u{0}\u{1}\u{2}[gitgate]\n\tmigrations = migrations\n",
        "[gitgate]\n\tmigrations = migrations\n\tmainBranch = \"no such branch\"\n",
    ]

    @Test("a malformed or invalid .gitgate is a clean error from status, lint and doctor", arguments: badConfigs)
    func badConfiguration(config: String) throws {
        let (repo, worktree) = try Self.repository(config: config)
        // gitgate check takes its base explicitly, so a missing mainBranch does not concern it.
        let check = config.contains("mainBranch") ? [] : [["check", "--base", "main", "--head", "feature"]]
        for command in [["status"], ["lint"], ["doctor"]] + check {
            let result = try GitGateBinary.run(command, in: worktree, environment: repo.environment)
            expectCleanFailure(result)
        }
    }

    @Test("an unknown key is reported, not silently ignored and not a crash")
    func unknownKey() throws {
        let (repo, worktree) = try Self.repository(config: "[gitgate]\n\tmigrations = migrations\n\tmigratons = typo\n")
        let result = try GitGateBinary.run(["status"], in: worktree, environment: repo.environment)
        expectNoCrash(result)
        #expect((result.stdout + result.stderr).contains("migratons"), "\(result.stdout)\(result.stderr)")
    }

    @Test("bare repository, detached HEAD, unborn HEAD, shallow clone, outside any repository")
    func repositoryShapes() throws {
        let config = "[gitgate]\n\tmigrations = migrations\n"
        let (repo, worktree) = try Self.repository(config: config, files: ["migrations/002_b.sql": "CREATE TABLE b (id int);\n"])
        let bare = try repo.bareClone()
        for command in [["status"], ["lint"], ["apply", "--yes"], ["close"]] {
            expectCleanFailure(try GitGateBinary.run(command, in: bare, environment: repo.environment))
        }
        // gitgate check is the bare repository's command: it reads .gitgate from history.
        expectNoCrash(try GitGateBinary.run(["check", "--base", "main", "--head", "feature"], in: bare, environment: repo.environment))

        try repo.git("checkout", "--detach", "HEAD~0", in: worktree)
        for command in [["status"], ["lint"], ["close"]] {
            expectNoCrash(try GitGateBinary.run(command, in: worktree, environment: repo.environment))
        }

        let unborn = try TestRepository(initialCommit: false)
        for command in [["status"], ["lint"], ["doctor"], ["close"]] {
            expectNoCrash(try GitGateBinary.run(command, in: unborn.path, environment: unborn.environment))
        }

        let shallow = repo.scratch.appending("shallow")
        try repo.git("clone", "--quiet", "--depth", "1", "--branch", "feature", "file://" + repo.path, shallow, in: repo.scratch.path)
        for command in [["status"], ["lint"], ["check", "--base", "origin/main", "--head", "HEAD"]] {
            expectNoCrash(try GitGateBinary.run(command, in: shallow, environment: repo.environment))
        }

        let nowhere = try ScratchDirectory()
        let outside = try GitGateBinary.run(["status"], in: nowhere.path, environment: repo.environment)
        expectCleanFailure(outside)
    }

    /// Migration files no one should write, but someone will.
    static let hostileFiles: [(String, Data)] = [
        ("002_binary.sql", Data((0..<4096).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) })),
        ("002_empty.sql", Data()),
        ("002_latin1.sql", Data([0x43, 0x52, 0x45, 0x41, 0x54, 0x45, 0x20, 0xE9, 0xFF, 0xFE, 0x3B, 0x0A])),
        ("002_it's;DROP TABLE a;--.sql", Data("CREATE TABLE quoted (id int);\n".utf8)),
        ("002_\"double\" quote.sql", Data("CREATE TABLE dq (id int);\n".utf8)),
        ("002_new\nline.sql", Data("CREATE TABLE nl (id int);\n".utf8)),
        ("..002_dots..sql", Data("CREATE TABLE dots (id int);\n".utf8)),
        ("002_nul_inside.sql", Data("CREATE TABLE n (id int);\u{0}DROP TABLE a;\n".utf8)),
        ("002_unterminated.sql", Data("CREATE TABLE u (note text DEFAULT 'never closed);\n$$ dollar".utf8)),
    ]

    @Test("binary, empty, non-UTF-8 and hostile-named migrations: status, lint and apply stay clean", .database,
          arguments: 0..<hostileFiles.count)
    func hostileMigration(index: Int) throws {
        let (name, contents) = Self.hostileFiles[index]
        let conninfo = try TestDatabase.conninfo()
        let (repo, worktree) = try Self.repository(
            config: "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:REL_URL\n")
        let path = worktree + "/migrations/" + name
        try contents.write(to: URL(fileURLWithPath: path))
        try repo.git("add", "-A", in: worktree)
        try repo.git("commit", "--quiet", "-m", "hostile", in: worktree)
        let env = ["REL_URL": conninfo]
        let connection = try Postgres.Connection(conninfo, options: .init(connectTimeout: 5, readOnly: false))
        try connection.execute("CREATE TABLE a (id int)")
        for command in [["status"], ["status", "--format", "json"], ["lint"], ["apply", "--yes"], ["check", "--base", "main", "--head", "feature"]] {
            let result = try GitGateBinary.run(command, in: worktree, environment: repo.environment, extra: env)
            expectNoCrash(result)
            #expect([0, 1, 2].contains(result.status), "\(command): \(result.status) \(result.stderr)")
            if command == ["status", "--format", "json"] {
                #expect((try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8))) != nil, "not JSON: \(result.stdout)")
            }
        }
        // Main's table survives whatever a file name or a NUL byte tried.
        #expect(try connection.query("SELECT to_regclass('public.a') IS NOT NULL").rows.first?.first == "t")
    }

    @Test("a 10 MB migration completes without a crash")
    func hugeMigration() throws {
        let (repo, worktree) = try Self.repository(config: "[gitgate]\n\tmigrations = migrations\n")
        var sql = "CREATE TABLE huge (id int);\n"
        let line = "INSERT INTO huge VALUES (1); -- " + String(repeating: "x", count: 60) + "\n"
        while sql.utf8.count < 10_000_000 { sql += line }
        try repo.commitFiles(["migrations/002_huge.sql": sql], message: "huge", in: worktree)
        let start = ContinuousClock.now
        for command in [["status"], ["lint"]] {
            let result = try GitGateBinary.run(command, in: worktree, environment: repo.environment)
            expectNoCrash(result)
            #expect([0, 1].contains(result.status), "\(command): \(result.stderr)")
        }
        #expect(ContinuousClock.now - start < .seconds(300))
    }

    @Test("a migration that is a symlink out of the repository is not read through", .database)
    func symlinkOut() throws {
        let conninfo = try TestDatabase.conninfo()
        let (repo, worktree) = try Self.repository(
            config: "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:REL_URL\n")
        let outside = repo.scratch.appending("outside.sql")
        try "CREATE TABLE escaped_symlink (id int);\n".write(toFile: outside, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: worktree + "/migrations/002_link.sql", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: worktree + "/migrations/003_etc", withDestinationPath: "/etc")
        let env = ["REL_URL": conninfo]
        for command in [["status"], ["lint"], ["apply", "--yes"]] {
            let result = try GitGateBinary.run(command, in: worktree, environment: repo.environment, extra: env)
            expectNoCrash(result)
            #expect(!(result.stdout + result.stderr).contains("root:x:0:0"), "read /etc through a symlink: \(result.stdout)\(result.stderr)")
        }
        let connection = try Postgres.Connection(conninfo, options: .init(connectTimeout: 5, readOnly: true))
        #expect(try connection.query("SELECT to_regclass('public.escaped_symlink') IS NULL").rows.first?.first == "t",
                "apply executed a file outside the repository through a symlink")
    }
}
