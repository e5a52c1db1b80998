import Foundation
import Postgres
import Testing
import TestSupport

/// Every error path, driven with a connection string that holds a distinctive password: the
/// password is in no output and in no file of the repository (its .git included).
@Suite("Reliability: secrets stay secret")
struct ReliabilitySecretTests {
    static let password = "Pw7c1dZebraQuokka"

    /// Connection strings that fail in different places: refused, wrong password on a real
    /// server (key=value and URI), and malformed ones that libpq quotes back in its message.
    static func connectionStrings() throws -> [String] {
        let cluster = try TestPostgres.cluster()
        let pw = password
        var strings = [
            "postgresql://alice:\(pw)@127.0.0.1:1/app",
            "postgresql://alice:\(pw)@127.0.0.1:1/app?sslmode=bogus",
            "postgresql://alice:\(pw)%zz@127.0.0.1:1/app",
            "postgresql://alice:\(pw)@127.0.0.1:99999999/app",
            "postgresql://alice:\(pw)@[::1/app",
            "host=127.0.0.1 port=1 user=alice password=\(pw) dbname=app",
            "host=127.0.0.1 port=1 password='\(pw)",
            "host=127.0.0.1 port=1 password=\(pw) nonsense=\(pw)x",
        ]
        if let host = cluster.tcpHost {
            strings.append(try #require(cluster.tcpConninfo(user: "postgres", password: pw)))
            strings.append("postgresql://postgres:\(pw)@\(host):\(cluster.port)/postgres")
            strings.append("postgresql://nobody:\(pw)@\(host):\(cluster.port)/postgres?connect_timeout=3")
        } else {
            Issue.record("the shared cluster has no TCP listener")
        }
        return strings
    }

    @Test("no command prints or writes the password, whatever goes wrong")
    func passwordNeverShown() throws {
        let strings = try Self.connectionStrings()
        let repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = env:REL_SECRET_URL\n\tconnectTimeout = 2s\n",
            "migrations/001_a.sql": "CREATE TABLE a (id int);\n",
        ], message: "main")
        let worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/002_b.sql": "CREATE TABLE b (id int);\n"], message: "b", in: worktree)
        #expect(try GitGateBinary.run(["install"], in: repo.path, environment: repo.environment).status == 0)

        for url in strings {
            let env = ["REL_SECRET_URL": url]
            for command in [["status"], ["status", "--format", "json"], ["apply", "--yes"], ["apply", "--dry-run"],
                            ["doctor"], ["doctor", "--format", "json"], ["check", "--base", "main", "--head", "feature"],
                            ["record", "--yes"], ["close"]] {
                let result = try GitGateBinary.run(command, in: worktree, environment: repo.environment, extra: env)
                expectNoCrash(result)
                #expect(result.status != 0 || command == ["close"] || command == ["doctor"], "\(command) passed with \(url)")
                #expect(!(result.stdout + result.stderr).contains(Self.password), "\(command) showed the password: \(result.stdout)\(result.stderr)")
            }
            let mainBefore = try repo.sha("refs/heads/main")
            let merge = try repo.gitResult("merge", "--no-ff", "-m", "merge", "feature", env: env)
            #expect(!merge.succeeded, "the hooks let a merge through with \(url)")
            #expect(!(merge.stdout + merge.stderr).contains(Self.password), "the hook showed the password: \(merge.stderr)")
            _ = try? repo.gitResult("merge", "--abort")
            #expect(try repo.sha("refs/heads/main") == mainBefore)
        }
        #expect(filesContaining(Self.password, under: repo.path) == [])
        #expect(filesContaining(Self.password, under: worktree) == [])
    }

    @Test("a literal password in .gitgate is refused without echoing it")
    func literalPasswordRefused() throws {
        let repo = try TestRepository()
        try repo.commitFiles([
            ".gitgate": "[gitgate]\n\tmigrations = migrations\n[gitgate \"production\"]\n\turl = postgresql://u:\(Self.password)@h/db\n",
            "migrations/001_a.sql": "CREATE TABLE a (id int);\n",
        ], message: "main")
        for command in [["status"], ["doctor"], ["apply", "--yes"], ["check", "--base", "main", "--head", "main"]] {
            let result = try GitGateBinary.run(command, in: repo.path, environment: repo.environment)
            expectCleanFailure(result)
            #expect(!(result.stdout + result.stderr).contains(Self.password), "\(command): \(result.stdout)\(result.stderr)")
        }
    }
}
