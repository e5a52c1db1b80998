import Foundation
import Git

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
        } else if let found = detectFolder(root: root) {
            folder = found
        } else {
            throw GitGateError(.configuration, "no migrations folder found in \(root); pass --migrations PATH")
        }
        let files = sqlFiles(in: root + "/" + folder)
        let layout = Layout.detect(relativePaths: files)
        let main = ["main", "master"].first(where: repository.branchExists) ?? "main"

        var text = """
        # gitgate: merges into \(main) wait until every gated database has the branch's migrations.
        # git-config syntax. Any key can be overridden per person with git config, e.g.
        #   git config gitgate.production.url env:MY_DATABASE_URL
        # Never put a password here: use env:VAR, service=NAME, ~/.pgpass or PGPASSWORD.
        [gitgate]
        \tmainBranch = \(main)
        \tmigrations = \(folder)
        \tlayout = \(layout?.rawValue ?? "auto")
        \tledger = gitgate
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

    /// The usual folders first; otherwise the folder (up to four levels down) holding most
    /// files that fit a layout.
    static func detectFolder(root: String) -> String? {
        if let usual = Configuration.usualFolders.first(where: { isDirectory(root + "/" + $0) }) { return usual }
        var best: (String, Int)?
        func visit(_ relative: String, depth: Int) {
            guard depth <= 4 else { return }
            let absolute = relative.isEmpty ? root : root + "/" + relative
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: absolute) else { return }
            let fitting = Layout.detect(relativePaths: sqlFiles(in: absolute)).map { layout in
                sqlFiles(in: absolute).filter { layout.classify(relativePath: $0, folder: "") != nil }.count
            } ?? 0
            if fitting > (best?.1 ?? 0), !relative.isEmpty { best = (relative, fitting) }
            for name in names where !name.hasPrefix(".") && name != "node_modules" {
                let child = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(root + "/" + child) { visit(child, depth: depth + 1) }
            }
        }
        visit("", depth: 0)
        return best?.0
    }

    /// Paths of the files under `folder`, relative to it (two levels: the directory layout).
    static func sqlFiles(in folder: String) -> [String] {
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
