import Foundation
import GitGateKit
import SQL
import Testing
import TestSupport

/// A repository whose main has the examples' schema as its first migration and `code` as a
/// source file; a worktree on `feature` adds `migration` as the second.
private struct ContractWorld {
    let repo: TestRepository
    let worktree: String

    init(code: [String: String], migration: String, policy: String = "") throws {
        repo = try TestRepository()
        var files = code
        files[".gitgate"] = "[gitgate]\n\tmigrations = migrations\n" + policy
        files["migrations/001_schema.sql"] = RuleExample.existingSchema + "\n"
        try repo.commitFiles(files, message: "main: schema and code")
        worktree = try repo.addWorktree(branch: "feature")
        try repo.commitFiles(["migrations/002_change.sql": migration + "\n"], message: "feature: contract", in: worktree)
    }

    func findings() throws -> [Finding] {
        try LintService.run(paths: [], in: worktree).findings.filter { $0.rule == Rule.contractStillUsed.rawValue }
    }

    /// What status and the hooks see.
    func statusFindings() throws -> [Finding] {
        let inspector = try Inspector(at: worktree)
        let inspection = try inspector.inspectWorktree()
        return Review.findings(for: inspection, configuration: inspector.configuration).values.flatMap { $0 }
            .filter { $0.rule == Rule.contractStillUsed.rawValue }
    }
}

@Suite("Expand and contract")
struct ExpandContractTests {
    @Test(arguments: Rule.contractStillUsed.examples.indices)
    func exampleBehavesAsDocumented(_ index: Int) throws {
        let example = Rule.contractStillUsed.examples[index]
        let world = try ContractWorld(code: [RuleExample.codePath: try #require(example.code) + "\n"], migration: example.sql)
        let findings = try world.findings()
        if let line = example.line {
            let finding = try #require(findings.first)
            #expect(finding.line == line && finding.path == "migrations/002_change.sql")
            #expect(finding.blocks)
            #expect(finding.message.contains("\(RuleExample.codePath):2"), "\(finding.message)")
        } else {
            #expect(findings.isEmpty, "\(findings.map(\.message))")
        }
    }

    @Test func aDroppedColumnBlocksUntilTheCodeStopsNamingIt() throws {
        let world = try ContractWorld(code: [
            "app/models/user.rb": "class User < ApplicationRecord\n  self.table_name = 'users'\n  def label = \"#{name} <#{email}>\"\nend\n",
            "app/views/orders.rb": "# orders never name the column\nputs order.total\n",
            "README.md": "users have an email\n",
        ], migration: "ALTER TABLE users DROP COLUMN email; -- gitgate:allow destructive-drop because backed up")
        let finding = try #require(try world.findings().first)
        #expect(finding.message == #"DROP COLUMN users.email is a contract migration, and the code at main's tip or on this branch still names the column email of users: app/models/user.rb:3"#)
        #expect(finding.fix.hasPrefix("release in two steps: first merge and deploy code that no longer uses email (app/models/user.rb:3), then drop it in a later migration"))
        #expect(try world.statusFindings().map(\.line) == [1])

        // The working tree is not what deploys: an uncommitted fix does not count.
        try world.repo.write("app/models/user.rb", "class User < ApplicationRecord\nend\n", in: world.worktree)
        #expect(try world.findings().count == 1)

        // Fixed on main and merged into the branch: clean.
        try world.repo.commitFiles(["app/models/user.rb": "class User < ApplicationRecord\n  self.table_name = 'users'\n  def label = name\nend\n"],
                                   message: "stop using email")
        // Still named on the branch's own commit.
        _ = try world.repo.git("checkout", "--", "app/models/user.rb", in: world.worktree)
        #expect(try world.findings().count == 1)
        _ = try world.repo.git("merge", "--no-edit", "main", in: world.worktree)
        #expect(try world.findings().isEmpty)
        #expect(try world.statusFindings().isEmpty)
    }

    @Test func droppedAndRenamedTablesAreSearchedAsWholeWords() throws {
        let world = try ContractWorld(code: [
            "lib/report.go": "package report\n\nconst q = `SELECT * FROM orders_archive`\nconst r = `SELECT id FROM orders WHERE user_id = $1`\n",
        ], migration: """
            DROP TABLE orders; -- gitgate:allow destructive-drop because archived
            ALTER TABLE users RENAME TO people;
            """)
        let findings = try world.findings()
        #expect(findings.map(\.line) == [1])
        #expect(findings.first?.message.hasSuffix("still names the table orders: lib/report.go:4") == true)
    }

    @Test func codePathsNarrowTheSearch() throws {
        let code = ["app/user.py": "db.one('SELECT email FROM users')\n", "scripts/once.py": "db.one('SELECT email FROM users')\n"]
        let migration = "ALTER TABLE users DROP COLUMN email; -- gitgate:allow destructive-drop because backed up"
        let everywhere = try ContractWorld(code: code, migration: migration)
        #expect(try everywhere.findings().first?.message.hasSuffix("app/user.py:1, scripts/once.py:1") == true)
        let narrowed = try ContractWorld(code: code, migration: migration, policy: "\tcodePaths = app/*\n")
        #expect(try narrowed.findings().first?.message.hasSuffix("still names the column email of users: app/user.py:1") == true)
        let elsewhere = try ContractWorld(code: code, migration: migration, policy: "\tcodePaths = lib/*\n")
        #expect(try elsewhere.findings().isEmpty)
    }

    @Test func migrationsAreClassified() throws {
        func classify(_ sql: String) throws -> MigrationChange {
            MigrationChange.classify(try SQLScript.parse(sql).statements.flatMap(\.effects))
        }
        #expect(try classify("CREATE TABLE t (id bigint); ALTER TABLE users ADD COLUMN nick text;") == .expand)
        #expect(try classify("ALTER TABLE users ALTER COLUMN id TYPE bigint;") == .expand)
        #expect(try classify("CREATE TABLE t (id bigint); DROP TABLE t;") == .expand)
        let contract = try classify("""
            ALTER TABLE users DROP COLUMN email;
            ALTER TABLE users RENAME COLUMN name TO full_name;
            ALTER TABLE users ALTER COLUMN name TYPE varchar(20);
            DROP TABLE orders;
            """)
        guard case .contract(let items) = contract else { Issue.record("\(contract)"); return }
        #expect(items.map(\.description) == ["DROP COLUMN users.email", "RENAME COLUMN users.name TO full_name",
                                             "ALTER COLUMN users.name TYPE varchar(20)", "DROP TABLE orders"])
    }
}
