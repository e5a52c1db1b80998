import Foundation
import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// `gitgate init`: writes a `.gitgate` that fits the repository at hand.
public enum Initializer {
    public struct Result: Sendable {
        public var path: String
        public var migrations: String
        public var layout: String
        public var production: String?
    }

    public static func run(at path: String, migrations: String?, production: String?, force: Bool) throws -> Result {
        let repository = try Inspector.openRepository(at: path)
        guard let root = repository.workdir else {
            throw GitGateError(.repository, "\(repository.gitDir) is a bare repository: run gitgate init in a worktree")
        }
        let file = root + "/" + Configuration.fileName
        if FileManager.default.fileExists(atPath: file) && !force {
            throw GitGateError(.refused, "\(file) already exists; edit it, or run gitgate init --force to replace it")
        }
        if let production, ConnectionSource.containsPassword(production) {
            throw GitGateError(.usage, "--production holds a literal password, which would be committed; use env:VAR (e.g. env:DATABASE_URL) or ~/.pgpass")
        }
        let folder: String
        if let migrations {
            folder = Configuration.normalizeFolder(migrations)
            guard isDirectory(root + "/" + folder) else {
                throw GitGateError(.usage, "--migrations \(migrations) is not a folder in \(root); create it first or fix the path")
            }
        } else {
            let found = detectFolders(root: root)
            guard let first = found.first else {
                throw GitGateError(.configuration, "no migrations folder found in \(root); pass --migrations PATH")
            }
            guard found.count == 1 else {
                throw GitGateError(.usage, "\(found.count) folders hold migrations (\(found.joined(separator: ", "))); gitgate will not guess: pass --migrations PATH")
            }
            folder = first
        }
        let files = sqlFiles(in: root + "/" + folder)
        let layout = Layout.detect(relativePaths: files) { FileManager.default.contents(atPath: root + "/" + folder + "/" + $0) }
        let ledger = ledgerName(layout: layout, files: files)
        let main = mainBranch(repository)

        var text = """
        # gitgate: merges into \(main) wait until every gated database has the branch's migrations.
        # git-config syntax. The copy committed on \(main) is the policy; git config may set only
        # how to reach a target (url, timeouts), e.g.
        #   git config gitgate.production.url env:MY_DATABASE_URL
        # Never put a password here: use env:VAR, service=NAME, ~/.pgpass or PGPASSWORD.
        [gitgate]
        \tmainBranch = \(main)
        \tmigrations = \(folder)
        \tlayout = \(layout?.rawValue ?? "auto")
        \tledger = \(ledger)
        \treminder = Remove any temporary IP from the database's trusted sources

        """
        if let production {
            text += "[gitgate \"production\"]\n\turl = \(production)\n\tgate = true\n"
        } else {
            text += "# [gitgate \"production\"]\n#\turl = env:DATABASE_URL\n#\tgate = true\n"
        }
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        } catch {
            throw GitGateError(.io, "cannot write \(file): \(error.localizedDescription)")
        }
        return Result(path: file, migrations: folder, layout: layout?.rawValue ?? "auto (no migrations yet)",
                      production: production.map { ConnectionSource(parsing: $0).description })
    }

    /// The branch merges go into: an existing main, master or trunk; in a fresh repository
    /// (no commit yet), the branch HEAD names (`git init -b trunk`).
    package static func mainBranch(_ repository: Repository) -> String {
        if let existing = ["main", "master", "trunk"].first(where: repository.branchExists) { return existing }
        return (try? repository.currentBranch()) ?? "main"
    }

    /// The ledger of the tool the layout belongs to; gitgate's own for plain files.
    package static func ledgerName(layout: Layout?, files: [String]) -> String {
        if files.contains("sqitch.plan") { return "sqitch" }
        switch layout {
        case .flyway?: return "flyway"
        case .updown?: return "golang-migrate"
        case .dbmate?: return "dbmate"
        case .goose?: return "goose"
        case .pop?: return "pop"
        case .atlas?: return "atlas"
        case .liquibase?: return "liquibase"
        case .directory?: return files.contains { $0.hasSuffix("/migration.sql") } ? "prisma" : "diesel"
        case .flat?, nil: return "gitgate"
        }
    }

    /// The folders that hold migrations: each usual folder that has migration files, and
    /// otherwise the folders (up to four levels down) whose own files fit a layout. A folder
    /// inside another candidate is the more specific one (`db/migration` rather than `db`).
    package static func detectFolders(root: String) -> [String] {
        func fitting(_ relative: String) -> Int {
            let absolute = root + "/" + relative
            let files = sqlFiles(in: absolute)
            guard let layout = Layout.detect(relativePaths: files, sample: { FileManager.default.contents(atPath: absolute + "/" + $0) }) else { return 0 }
            // Files in subfolders count only where the layout keeps one folder per migration.
            return files.filter { (layout == .directory || !$0.contains("/")) && layout.classify(relativePath: $0, folder: "") != nil }.count
        }
        let usual = Configuration.usualFolders.filter { isDirectory(root + "/" + $0) && fitting($0) > 0 }
        if !usual.isEmpty { return usual }
        if let empty = Configuration.usualFolders.first(where: { isDirectory(root + "/" + $0) }) { return [empty] }
        var found: [String] = []
        func visit(_ relative: String, depth: Int) {
            guard depth <= 4 else { return }
            let absolute = relative.isEmpty ? root : root + "/" + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: absolute) else { return }
            if !relative.isEmpty, fitting(relative) > 0 { found.append(relative) }
            for name in names.sorted() where !name.hasPrefix(".") && name != "node_modules" {
                let child = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(root + "/" + child) { visit(child, depth: depth + 1) }
            }
        }
        visit("", depth: 0)
        return found
    }

    /// Paths of the files under `folder`, relative to it (two levels: the directory layout).
    package static func sqlFiles(in folder: String) -> [String] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return [] }
        var result: [String] = []
        for name in names {
            if isDirectory(folder + "/" + name) {
                for inner in (try? FileManager.default.contentsOfDirectory(atPath: folder + "/" + name)) ?? [] {
                    result.append(name + "/" + inner)
                }
            } else {
                result.append(name)
            }
        }
        return result
    }
}
