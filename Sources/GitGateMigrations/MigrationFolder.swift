import Foundation
#if canImport(Glibc)
import Glibc
import GitGateConfig
import GitGateLint
#endif

/// The one reading of a migrations folder: which files are migrations (by the layout's names,
/// and for look-alike layouts by their markers), what each one runs forward and back, and what
/// is wrong with them. status, check, the hooks, apply, record, close and lint all read
/// migrations through this, so they cannot disagree about a branch.
public struct MigrationFolder: Sendable {
    /// Relative to the repository root.
    public var folder: String
    /// The layout `.gitgate` names; nil for `auto`.
    public var configured: Layout?
    /// `gitgate.ignore` globs: `.sql` files that are not migrations (seeds, fixtures).
    public var ignore: [String]
    /// The database the targets run (`gitgate.dialect`): pop's files are chosen for it.
    public var dialect: String

    public init(folder: String, configured: Layout? = nil, ignore: [String] = [], dialect: String = "postgres") {
        self.folder = folder
        self.configured = configured
        self.ignore = ignore
        self.dialect = dialect
    }

    public init(_ configuration: Configuration) {
        self.init(folder: configuration.migrations, configured: configuration.layout, ignore: configuration.ignore,
                  dialect: configuration.dialect)
    }

    /// What a file under the folder is.
    public enum Claim: Sendable, Equatable {
        case migration(MigrationFile)
        /// A file tools keep beside migrations, or not SQL at all.
        case companion
        /// Matched by a `gitgate.ignore` glob.
        case ignored
        /// A `.sql` file no layout claims: fails closed.
        case unclaimed
        /// A migration of the layout's tool that gitgate cannot read (why, in words): fails closed.
        case unreadable(String)
    }

    /// The path relative to the folder.
    public func relative(_ path: String) -> String {
        guard !folder.isEmpty, path.hasPrefix(folder + "/") else { return path }
        return String(path.dropFirst(folder.count + 1))
    }

    /// The layout in force: the configured one, else detected from the folder's files (paths
    /// relative to the repository), reading a few files' markers through `sample` when names
    /// alone cannot tell.
    public func layout(paths: [String], sample: ((String) -> Data?)? = nil) -> Layout? {
        if let configured { return configured }
        let relativePaths = paths.map(relative)
        return Layout.detect(relativePaths: relativePaths, sample: sample.map { read in { read(folder.isEmpty ? $0 : folder + "/" + $0) } })
    }

    /// What the file at `path` (relative to the repository) is under `layout`.
    public func claim(_ path: String, layout: Layout?) -> Claim {
        let relativePath = relative(path)
        if isIgnored(relativePath: relativePath, path: path) { return .ignored }
        if let layout, var file = layout.rules.claim(relativePath) {
            file.path = path
            return .migration(file)
        }
        if let layout, let why = layout.rules.unreadable(relativePath) { return .unreadable(why) }
        return Layout.isKnownCompanion(relativePath: relativePath) ? .companion : .unclaimed
    }

    private func isIgnored(relativePath: String, path: String) -> Bool {
        ignore.contains { glob in fnmatch(glob, relativePath, FNM_PATHNAME) == 0 || fnmatch(glob, path, FNM_PATHNAME) == 0 }
    }

    /// The migrations a claimed file holds, read as its layout's tool reads it. `sibling` reads
    /// another file by its path relative to the repository.
    package func read(_ file: MigrationFile, contents: Data, layout: Layout, source: Migration.Source,
              downPath: String? = nil, sibling: (String) -> Data? = { _ in nil }) -> Result<[Migration], LayoutProblem> {
        var rules = layout.rules
        // Markers only tell apart layouts whose files are named alike (flat, dbmate, goose, Liquibase).
        let lookAlike: Set<Layout> = [.flat, .dbmate, .goose, .liquibase]
        let marked = lookAlike.contains(layout) ? Layouts.byContent.first { $0.recognizes(contents) } : nil
        if let marked, marked.layout != layout {
            if configured == nil, [.flat, .dbmate, .goose].contains(layout), marked.claim(relative(file.path)) != nil {
                rules = marked  // auto: a file carries its tool's markers
            } else if layout == .flat || configured == .flat {
                return .failure(LayoutProblem(line: 1, message: "carries \(marked.layout.rawValue)'s section markers, but gitgate.layout = \(layout.rawValue) would run the whole file, down part included; set gitgate.layout = \(marked.layout.rawValue) (or auto) in .gitgate"))
            }
        }
        var relativeFile = file
        relativeFile.path = relative(file.path)
        let parts: [MigrationPart]
        switch rules.parts(of: relativeFile, contents: contents, sibling: { sibling(folder.isEmpty ? $0 : folder + "/" + $0) }) {
        case .success(let found): parts = found
        case .failure(let problem): return .failure(problem)
        }
        return .success(parts.map { part in
            let up = Data(contents[(contents.startIndex + part.up.lowerBound)..<(contents.startIndex + part.up.upperBound)])
            return Migration(
                version: part.version ?? file.version, name: part.name ?? file.name, path: file.path,
                downPath: part.down != nil ? file.path : downPath, isRepeatable: file.isRepeatable, source: source,
                contents: part.up == 0..<contents.count ? contents : contents.keeping(part.up),
                down: part.down.map { contents.keeping($0) }, file: contents, upBytes: up,
                transaction: part.transaction && file.transaction, changeset: part.changeset)
        })
    }

    /// The files of one version that the targets run: pop's file for the targets' dialect
    /// (`.postgres.`, or `.cockroach.` for CockroachDB, which speaks PostgreSQL's protocol) wins
    /// over the one with no dialect; other dialects are never read.
    package func runs(_ files: [MigrationFile]) -> [MigrationFile] {
        let own = files.filter { $0.dialect == dialect }
        return own.isEmpty ? files.filter { $0.dialect == nil } : own
    }

    /// The `git mv` that renumbers a branch's file after `newest`.
    package func renumbering(_ path: String, version: String, after newest: String, layout: Layout) -> String {
        let next = Layout.next(after: newest)
        let relativePath = relative(path)
        // The folder (diesel, prisma) or the file carries the version.
        let moved: String
        if layout == .directory, let slash = relativePath.firstIndex(of: "/") {
            let directory = String(relativePath[..<slash])
            let renamed = layout.rules.renamed(directory, from: version, to: next)
            return "git mv \(shellQuoted(folder.isEmpty ? directory : folder + "/" + directory)) \(shellQuoted(folder.isEmpty ? renamed : folder + "/" + renamed))"
        } else {
            moved = layout.rules.renamed(relativePath, from: version, to: next)
        }
        return "git mv \(shellQuoted(path)) \(shellQuoted(folder.isEmpty ? moved : folder + "/" + moved))"
    }

    /// A name a stray file could have: the layout's example with the next version.
    package func example(for path: String, layout: Layout?, newest: String?) -> String {
        guard let layout else { return "a migration name such as 001_\(stemWords(path)).sql" }
        return layout.rules.example(for: stemWords(path), nextVersion: newest.map(Layout.next(after:)) ?? "001")
    }

    private func stemWords(_ path: String) -> String {
        let name = (path.split(separator: "/").last.map(String.init) ?? path)
        let stem = name.lowercased().hasSuffix(".sql") ? String(name.dropLast(4)) : name
        let words = stem.drop { $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }
        return words.isEmpty ? "describe_it" : String(words)
    }
}
