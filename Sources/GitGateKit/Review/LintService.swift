import Dispatch
import Foundation

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

        /// 2 when a file could not be read, 1 when an error finding is not allowed, else 0.
        public var exitCode: Int32 {
            if !unreadable.isEmpty { return ExitStatus.couldNotCheck }
            return findings.contains(where: \.blocks) ? ExitStatus.blocked : ExitStatus.success
        }
    }

    /// With `paths`: those files (folders: their `.sql` files but down files, sorted), in order, each one history
    /// for the next; no repository is needed unless `target` is given. Without: the branch's new
    /// migrations, after main's.
    public static func run(paths: [String], in directory: String, target targetName: String? = nil,
                           environment: [String: String] = ProcessInfo.processInfo.environment) throws -> Outcome {
        if paths.isEmpty { return try branch(in: directory, target: targetName, environment: environment) }

        var named: [(shown: String, location: String)] = []
        var unreadable: [(path: String, reason: String)] = []
        for path in paths {
            let absolute = path.hasPrefix("/") ? path : directory + "/" + path
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: absolute, isDirectory: &isFolder) else {
                unreadable.append((path, "no such file"))
                continue
            }
            if isFolder.boolValue {
                let prefix = path.hasSuffix("/") ? path : path + "/"
                named += sqlFiles(in: absolute).map { (prefix + $0, absolute + "/" + $0) }
            } else {
                named.append((path, absolute))
            }
        }
        var files: [ReviewFile] = []
        for (file, contents) in zip(named, read(named.map(\.location))) {
            guard let contents else {
                unreadable.append((file.shown, "cannot be read (permissions?)"))
                continue
            }
            files.append(ReviewFile(path: file.shown, contents: contents))
        }

        var reviewer = Reviewer(files: .named, environment: environment)
        if let targetName {
            let configuration = try Inspector(at: directory).configuration
            reviewer.target = try configuration.target(named: targetName)
            reviewer.largeTableRows = configuration.largeTableRows
        }
        return Outcome(findings: try reviewer.review(files), paths: files.map(\.path), unreadable: unreadable, branch: nil)
    }

    private static func branch(in directory: String, target targetName: String?,
                               environment: [String: String]) throws -> Outcome {
        let inspector = try Inspector(at: directory)
        let inspection = try inspector.inspectWorktree()
        let configuration = inspector.configuration
        let reviewer = Reviewer(files: .branch, history: MigrationHistory.main(of: inspection, in: inspector.repository),
                                target: try targetName.map(configuration.target(named:)),
                                largeTableRows: configuration.largeTableRows, environment: environment)
        let files = inspection.migrations.map { ReviewFile(path: $0.path, contents: $0.contents) }
        let findings: [Finding]
        do {
            findings = try reviewer.review(files)
        } catch let error as GitGateError {
            throw error
        } catch {
            throw GitGateError(.repository, "cannot read main's migrations for the review (\(error)); run git fsck, or name the files: gitgate lint FILE…")
        }
        return Outcome(findings: findings, paths: files.map(\.path), unreadable: [], branch: inspection.branch)
    }

    /// Reads files two at a time: opening hundreds of small files is mostly waiting on the kernel.
    static func read(_ paths: [String]) -> [Data?] {
        let box = Slots<Data>(count: paths.count)
        DispatchQueue.concurrentPerform(iterations: paths.count) { index in
            if let data = FileManager.default.contents(atPath: paths[index]) { box.set(index, data) }
        }
        return box.values
    }

    /// `.sql` files under `folder` but down files, relative to it, sorted (migration names sort in run order).
    static func sqlFiles(in folder: String) -> [String] {
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
