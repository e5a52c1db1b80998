import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateTargets

/// `gitgate lint`: which files to review, with what history and target, and the outcome.
public enum LintService {
    public struct Outcome: Sendable {
        public var findings: [Finding]
        /// The files reviewed, in order.
        public var paths: [String]
        /// Named files that could not be read, with why (exit 2).
        public var unreadable: [(path: String, reason: String)]
        /// For the branch's migrations: the branch; nil for named files.
        public var branch: String?

        public init(findings: [Finding], paths: [String], unreadable: [(path: String, reason: String)] = [],
                    branch: String? = nil) {
            self.findings = findings
            self.paths = paths
            self.unreadable = unreadable
            self.branch = branch
        }

        /// A preflight could not read a table on a target that gates merges.
        public var preflightUnchecked = false

        /// 2 when a file could not be read (or a gated target's table), 1 when an error finding is not allowed, else 0.
        public var exitCode: Int32 {
            if !unreadable.isEmpty || preflightUnchecked { return ExitStatus.couldNotCheck }
            return findings.contains(where: \.blocks) ? ExitStatus.blocked : ExitStatus.success
        }
    }

    /// With `paths`: those files (folders: their `.sql` files but down files, sorted), in order, each one history
    /// for the next; no repository is needed unless `target` is given. Without: the branch's new
    /// migrations, after main's.
    public static func run(paths: [String], in directory: String, target targetName: String? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Outcome {
        if paths.isEmpty { return try branch(in: directory, target: targetName, environment: environment) }

        // Each named path opened once, on all cores: a file is read on the spot, a folder listed after.
        let absolutes = paths.map { $0.hasPrefix("/") ? $0 : directory + "/" + $0 }
        let opened = Slots<Named>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in opened.set(index, Named(absolutes[index])) }
        var named: [(shown: String, location: String, contents: Data?)] = []
        var folderFiles: [Int] = []
        var unreadable: [(path: String, reason: String)] = []
        for (index, kind) in opened.values.enumerated() {
            let path = paths[index], absolute = absolutes[index]
            switch kind {
            case .missing?, nil:
                unreadable.append((path, "no such file"))
            case .folder?:
                let prefix = path.hasSuffix("/") ? path : path + "/"
                for file in sqlFiles(in: absolute) {
                    folderFiles.append(named.count)
                    named.append((prefix + file, absolute + "/" + file, nil))
                }
            case .file(let contents)?:
                named.append((path, absolute, contents))
            case .unreadable?:
                named.append((path, absolute, nil))
            }
        }
        for (index, contents) in zip(folderFiles, read(folderFiles.map { named[$0].location })) { named[index].contents = contents }
        // Inside a repository, main's policy decides (lint settings, folder, layout); one that
        // does not load stops the review, as it stops status. Outside any, defaults apply.
        let repository = (try? Inspector.openRepository(at: directory)).flatMap { $0.workdir == nil ? nil : $0 }
        let configuration = try repository.flatMap { Configuration.hasFile(in: $0) ? try Configuration.load(from: $0) : nil }
        // Files inside the repository's migrations folder are read as status reads them: by
        // their layout, after the migrations the working tree holds before them.
        let context = configuration.flatMap { WorkingTreeMigrations(root: $0.root, configuration: $0) }
        var files: [ReviewFile] = []
        var history: [ReviewFile] = []
        for file in named {
            guard let contents = file.contents else {
                unreadable.append((file.shown, "cannot be read (permissions?)"))
                continue
            }
            switch context?.read(absolutePath: file.location, contents: contents) ?? WorkingTreeMigrations.readAlone(contents) {
            case .failure(let problem):
                unreadable.append((file.shown, "line \(problem.line): \(problem.message)"))
            case .success(let parts):
                if files.isEmpty, let earlier = context?.before(absolutePath: file.location) { history = earlier }
                files += parts.map { ReviewFile(path: file.shown, contents: $0) }
            }
        }

        var reviewer = Reviewer(files: .named, history: history.isEmpty ? nil : MigrationHistory(files: history),
                                settings: configuration?.lint ?? LintSettings(), environment: environment)
        if let repository, let configuration, let base = try? Inspector(at: directory).mainBranch() {
            reviewer.code = CodeSearch.mainAndHead(of: repository, base: base, configuration: configuration)
        }
        if let targetName {
            let configuration = try Inspector(at: directory).configuration
            reviewer.target = try reachable(configuration.target(named: targetName), environment)
            reviewer.preflight = reviewer.target
            reviewer.largeTableRows = configuration.largeTableRows
        }
        var outcome = Outcome(findings: try reviewer.review(files), paths: files.map(\.path), unreadable: unreadable, branch: nil)
        outcome.preflightUnchecked = Self.unchecked(outcome.findings, on: reviewer.preflight)
        return outcome
    }

    private static func branch(in directory: String, target targetName: String?,
                               environment: [String: String]) throws -> Outcome {
        let inspector = try Inspector(at: directory)
        var inspection = try inspector.inspectWorktree()
        // On main, what is merged was reviewed before its merge: lint names nothing new.
        if inspection.isMain { inspection.migrations = [] }
        let configuration = inspector.configuration
        let target = try targetName.map { try reachable(configuration.target(named: $0), environment) }
        var reviewer = Reviewer(files: .branch, history: MigrationHistory.main(of: inspection, in: inspector.repository),
                                target: target, preflight: target,
                                largeTableRows: configuration.largeTableRows, settings: configuration.lint, environment: environment)
        reviewer.code = CodeSearch.mainAndHead(of: inspector.repository, base: inspection.base, head: inspection.head,
                                               configuration: configuration)
        let files = inspection.migrations.map { ReviewFile(path: $0.path, contents: $0.contents) }
        let findings: [Finding]
        do {
            findings = try reviewer.review(files)
        } catch let error as GitGateError {
            throw error
        } catch {
            throw GitGateError(.repository, "cannot read main's migrations for the review (\(error)); run git fsck, or name the files: gitgate lint FILE…")
        }
        var outcome = Outcome(findings: findings, paths: files.map(\.path), unreadable: [], branch: inspection.branch)
        outcome.preflightUnchecked = unchecked(findings, on: target)
        return outcome
    }

    /// A gated target's rows that a preflight could not read: the review is incomplete (exit 2).
    package static func unchecked(_ findings: [Finding], on target: Target?) -> Bool {
        guard let target, target.gate else { return false }
        return findings.contains { $0.rule == Rule.preflightUnreadable.rawValue && $0.allowedBecause == nil }
    }

    /// `--target` asks for a production-aware review: a URL that cannot be resolved (an unset
    /// variable) fails now, not only when a statement happens to need the catalog.
    private static func reachable(_ target: Target, _ environment: [String: String]) throws -> Target {
        _ = try target.connection.resolve(target: target.name, environment: environment)
        return target
    }

    /// Reads files two at a time: opening hundreds of small files is mostly waiting on the kernel.
    package static func read(_ paths: [String]) -> [Data?] {
        let box = Slots<Data>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            if case .file(let data) = Named(paths[index]) { box.set(index, data) }
        }
        return box.values
    }

    /// What a path named on the command line is, found with one open(2) (and a stat(2) only when
    /// that fails): symbolic links followed, as FileManager does, without its NSString round trips.
    enum Named: Sendable {
        case file(Data)
        case folder
        case missing
        /// There, not a folder, and it cannot be read.
        case unreadable

        init(_ path: String) {
            let descriptor = open(path, O_RDONLY | O_CLOEXEC)
            var info = stat()
            guard descriptor >= 0 else {
                if stat(path, &info) != 0 { self = .missing } else { self = info.st_mode & S_IFMT == S_IFDIR ? .folder : .unreadable }
                return
            }
            defer { close(descriptor) }
            guard fstat(descriptor, &info) == 0 else { self = .unreadable; return }
            if info.st_mode & S_IFMT == S_IFDIR { self = .folder; return }
            var bytes = [UInt8](repeating: 0, count: max(Int(info.st_size), 0) + 1)
            var filled = 0
            while true {
                if filled == bytes.count { bytes.append(contentsOf: repeatElement(0, count: max(bytes.count, 4096))) }
                let got = bytes.withUnsafeMutableBytes { buffer in
                    Glibc.read(descriptor, buffer.baseAddress! + filled, buffer.count - filled)
                }
                if got < 0 {
                    if errno == EINTR { continue }
                    self = .unreadable
                    return
                }
                if got == 0 { break }
                filled += got
            }
            self = .file(Data(bytes[..<filled]))
        }
    }

    /// Every file under `folder`, relative to it (hidden ones aside).
    package static func allFiles(in folder: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let here = relative.isEmpty ? folder : folder + "/" + relative
            for name in (try? FileManager.default.contentsOfDirectory(atPath: here)) ?? [] where !name.hasPrefix(".") {
                let path = relative.isEmpty ? name : relative + "/" + name
                if isDirectory(folder + "/" + path) { walk(path) } else { found.append(path) }
            }
        }
        walk("")
        return found.sorted()
    }

    /// `.sql` files under `folder` but down files, relative to it, sorted (migration names sort in run order).
    package static func sqlFiles(in folder: String) -> [String] {
        var found: [String] = []
        func walk(_ relative: String) {
            let here = relative.isEmpty ? folder : folder + "/" + relative
            for name in (try? FileManager.default.contentsOfDirectory(atPath: here)) ?? [] where !name.hasPrefix(".") {
                let path = relative.isEmpty ? name : relative + "/" + name
                let lowered = name.lowercased()
                if lowered.hasSuffix(".sql") {
                    // Down files undo a migration: dropping is their job.
                    if !(lowered.hasSuffix(".down.sql") || lowered == "down.sql") { found.append(path) }
                } else if isDirectory(folder + "/" + path) {
                    walk(path)
                }
            }
        }
        walk("")
        return found.sorted()
    }
}

/// The migrations folder of the repository around a directory, as the working tree holds it:
/// what `gitgate lint PATH` needs to read a file as its layout says and to know what ran before it.
package struct WorkingTreeMigrations {
    package let root: String
    package let reader: MigrationFolder
    package let layout: Layout?
    /// Every migration of the folder in the working tree, in the order they run.
    package let migrations: [Migration]

    package init(root: String, configuration: Configuration) {
        let top = root.hasSuffix("/") ? String(root.dropLast()) : root
        let reader = MigrationFolder(configuration)
        let paths = LintService.allFiles(in: top + "/" + reader.folder).map { reader.folder.isEmpty ? $0 : reader.folder + "/" + $0 }
        let read: (String) -> Data? = { FileManager.default.contents(atPath: top + "/" + $0) }
        let layout = reader.layout(paths: paths, sample: read)
        self.root = top
        self.reader = reader
        self.layout = layout
        var found: [Migration] = []
        if let layout {
            let files = paths.compactMap { path -> MigrationFile? in
                if case .migration(let file) = reader.claim(path, layout: layout), file.role == .up { return file }
                return nil
            }
            let selected = Dictionary(grouping: files, by: \.version).values.flatMap(reader.runs)
            for file in selected {
                guard let contents = read(file.path),
                      case .success(let parts) = reader.read(file, contents: contents, layout: layout, source: .committed, sibling: read) else { continue }
                found += parts
            }
        }
        migrations = found.sortedByVersion()
    }

    /// The path relative to the repository, when the file is in the migrations folder.
    private func inFolder(_ absolutePath: String) -> String? {
        let resolved = URL(fileURLWithPath: absolutePath).standardizedFileURL.path
        let prefix = root + "/" + (reader.folder.isEmpty ? "" : reader.folder + "/")
        return resolved.hasPrefix(prefix) ? String(resolved.dropFirst(root.count + 1)) : nil
    }

    /// The parts of the file a PostgreSQL target runs: by the folder's layout inside the folder,
    /// by the file's own markers elsewhere.
    package func read(absolutePath: String, contents: Data) -> Result<[Data], LayoutProblem> {
        guard let path = inFolder(absolutePath), let layout else { return Self.readAlone(contents) }
        guard case .migration(let file) = reader.claim(path, layout: layout), file.role == .up else { return Self.readAlone(contents) }
        return reader.read(file, contents: contents, layout: layout, source: .committed,
                           sibling: { FileManager.default.contents(atPath: root + "/" + $0) }).map { $0.map(\.contents) }
    }

    /// A file outside any migrations folder: dbmate's, goose's or Liquibase's markers still say what runs forward.
    package static func readAlone(_ contents: Data) -> Result<[Data], LayoutProblem> {
        guard let rules = Layouts.byContent.first(where: { $0.recognizes(contents) }) else { return .success([contents]) }
        let file = MigrationFile(version: "0", name: "", role: .up, path: "")
        return rules.parts(of: file, contents: contents, sibling: { _ in nil }).map { parts in
            parts.map { contents.keeping($0.up) }
        }
    }

    /// The migrations that run before the file at `absolutePath`, when it is one of the folder's.
    package func before(absolutePath: String) -> [ReviewFile]? {
        guard let path = inFolder(absolutePath), let index = migrations.firstIndex(where: { $0.path == path }) else { return nil }
        return migrations[..<index].map { ReviewFile(path: $0.path, contents: $0.contents) }
    }
}
