import Foundation
import GitGateKit
import Postgres
import Testing
import TestSupport

/// A repository set up for gitgate (a `migrations` folder, a reminder, and optionally a gated
/// production target in the test database), with helpers to make feature worktrees, merge them
/// in the ways teams do, and run `gitgate close` in-process.
final class CloseFixture {
    static let reminder = "Remove the temporary IP from the database's trusted sources"

    let repo: TestRepository
    let conninfo: String?

    /// - Parameter conninfo: the production target's url; nil configures no target.
    /// - Parameter ledger: `gitgate.ledger`; gitgate's own by default.
    init(conninfo: String?, ledger: LedgerKind = .gitgate) throws {
        repo = try TestRepository()
        var config = "[gitgate]\n\tmigrations = migrations\n\tledger = \(ledger.rawValue)\n\treminder = \(Self.reminder)\n"
        if let conninfo { config += "[gitgate \"production\"]\n\turl = \"\(conninfo)\"\n\tgate = true\n" }
        try repo.commitFiles([
            ".gitgate": config,
            ".gitignore": "node_modules/\npgdata/\n.env\n*.log\n",
            "migrations/001_create_accounts.sql": Self.sql("accounts"),
        ], message: "Set up gitgate")
        self.conninfo = conninfo
    }

    static func sql(_ table: String) -> String { "CREATE TABLE \(table) (id bigint PRIMARY KEY);\n" }

    static func migrationPath(_ table: String, version: String = "002") -> String {
        "migrations/\(version)_create_\(table).sql"
    }

    /// A worktree on `branch` with one commit: a source file and, when `table` is given, a
    /// migration creating it. Returns the worktree's path.
    @discardableResult
    func feature(_ branch: String, table: String? = nil, version: String = "002") throws -> String {
        let path = try repo.addWorktree(branch: branch)
        var files = ["src/\(branch).txt": "work on \(branch)\n"]
        if let table { files[Self.migrationPath(table, version: version)] = Self.sql(table) }
        try repo.commitFiles(files, message: "Add \(branch)", in: path)
        return path
    }

    // MARK: Merging, as teams do it (on main, in the main worktree)

    enum Merge: String, CaseIterable, CustomStringConvertible {
        case mergeCommit, fastForward, squash, rebase
        var description: String { rawValue }
    }

    func merge(_ branch: String, _ how: Merge) throws {
        switch how {
        case .mergeCommit:
            try repo.git("merge", "--no-ff", "--quiet", "-m", "Merge \(branch)", branch)
        case .fastForward:
            try repo.git("merge", "--ff-only", "--quiet", branch)
        case .squash:
            try repo.git("merge", "--squash", "--quiet", branch)
            try repo.git("commit", "--quiet", "-m", "Squashed \(branch)")
        case .rebase:
            // What "rebase and merge" does on a forge: the branch's commits replayed on main.
            try repo.git("cherry-pick", "main.." + branch)
        }
    }

    /// A commit on main after the merge, so main has moved on.
    func mainMovesOn(_ name: String = "later") throws {
        try repo.commitFiles(["src/\(name).txt": "main moved on\n"], message: "Main: \(name)")
    }

    // MARK: The database

    func execute(_ sql: String) throws {
        let connection = try Connection(try #require(conninfo), options: .init(readOnly: false))
        try connection.execute(sql)
    }

    /// Runs the migration's SQL with no ledger entry: `applied-by-hand`.
    func applyByHand(_ table: String) throws { try execute(Self.sql(table)) }

    /// gitgate's ledger, created from its own migration, with a row for the migration: `applied`.
    func record(_ table: String, version: String = "002") throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        try execute(try String(contentsOf: root.appendingPathComponent("migrations/001_create_ledger.sql"), encoding: .utf8))
        try execute(Self.sql(table))
        let checksum = Migration(version: version, name: "create_\(table)", path: Self.migrationPath(table, version: version),
                                 source: .committed, contents: Data(Self.sql(table).utf8)).checksum
        try execute("INSERT INTO gitgate.migrations (version, name, path, checksum, how) VALUES ('\(version)', 'create_\(table)', '\(Self.migrationPath(table, version: version))', '\(checksum)', 'applied')")
    }

    // MARK: Running close

    struct Run {
        var summary: CloseSummary
        var questions: [String]
        var said: String
    }

    /// `gitgate close` started in `path` (default: the main worktree). `answer` is what the
    /// person says to every question when `interactive`.
    func close(_ options: CloseOptions, at path: String? = nil, interactive: Bool = false, answer: Bool = false) throws -> Run {
        final class Transcript { var questions: [String] = []; var lines: [String] = [] }
        let transcript = Transcript()
        let session = CloseSession(
            options: options, interactive: interactive,
            confirm: { transcript.questions.append($0); return answer },
            say: { transcript.lines.append($0) })
        let summary = try session.run(try Closer(at: path ?? repo.path, environment: repo.environment))
        return Run(summary: summary, questions: transcript.questions, said: transcript.lines.joined(separator: "\n"))
    }

    // MARK: Evidence

    func branchExists(_ name: String) throws -> Bool {
        try repo.gitResult("show-ref", "--verify", "--quiet", "refs/heads/" + name).succeeded
    }

    /// Everything close could change: refs, git's worktree records (with locks), and every
    /// file in the scratch folder outside `.git` folders (whose objects a trial merge may add to).
    func snapshot() throws -> String {
        let refs = try repo.git("for-each-ref", "--format=%(refname) %(objectname)")
        let worktrees = try repo.git("worktree", "list", "--porcelain")
        var files: [String] = []
        let root = repo.scratch.path
        if let walker = FileManager.default.enumerator(atPath: root) {
            while let relative = walker.nextObject() as? String {
                let full = root + "/" + relative
                var isDirectory: ObjCBool = false
                _ = FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory)
                if isDirectory.boolValue && (relative.hasSuffix("/.git") || relative == ".git" || relative == "repo/.git") {
                    walker.skipDescendants()
                    continue
                }
                let size = (try? FileManager.default.attributesOfItem(atPath: full)[.size] as? Int) ?? -1
                files.append("\(relative) \(isDirectory.boolValue ? "dir" : String(size))")
            }
        }
        return ([refs, worktrees] + files.sorted()).joined(separator: "\n")
    }
}
