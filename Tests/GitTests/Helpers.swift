import Foundation
import Git
import Testing
import TestSupport

/// Folder names that must be taken literally: spaces, glob characters, quotes, non-ASCII.
let awkwardFolders = [
    "migrations",
    "database_tools/migrations",
    "db [v1]*/mig rations",
    "mígrations \"quoted\" 'single'",
]

/// A folder next to `folder` that a glob or a bare prefix match would wrongly include.
func decoy(of folder: String) -> String {
    switch folder {
    case "db [v1]*/mig rations": "db v-decoy/mig rations"   // what `[v1]*` would match as a glob
    default: folder + "-old"                               // a prefix match without a "/" boundary
    }
}

/// A repository whose branch `feature` (in a linked worktree) changes `folder`: adds, modifies,
/// deletes, renames (git mv) and adds a file with an awkward name; it also changes a file
/// outside the folder and one in its decoy. Main advances with an unrelated commit.
struct FeatureScenario {
    let repo: TestRepository
    let folder: String
    let worktree: String
    let base: String

    init(folder: String) throws {
        repo = try TestRepository()
        self.folder = folder
        try repo.commitFiles([
            "\(folder)/001_create_users.sql": "CREATE TABLE users (id int);\n" + String(repeating: "-- padding line\n", count: 20),
            "\(folder)/002_add_email.sql": "ALTER TABLE users ADD email text;\n",
            "\(folder)/010_drop_me.sql": "SELECT 1;\n",
            "\(decoy(of: folder))/001_old.sql": "SELECT 'old';\n",
            "src/app.txt": "app v1\n",
        ], message: "Base schema")
        base = try repo.sha("HEAD")
        worktree = try repo.addWorktree(branch: "feature")
        try repo.write("\(folder)/003_create_security_detections.sql", "CREATE TABLE security_detections (id int);\n", in: worktree)
        try repo.write("\(folder)/002_add_email.sql", "ALTER TABLE users ADD email text NOT NULL;\n", in: worktree)
        try repo.write("\(folder)/004 job \"analysis\" tiers ü.sql", "CREATE TABLE job_analysis_tiers (id int);\n", in: worktree)
        try repo.write("\(decoy(of: folder))/002_decoy.sql", "SELECT 'decoy';\n", in: worktree)
        try repo.write("src/app.txt", "app v2\n", in: worktree)
        try repo.git("rm", "--quiet", "\(folder)/010_drop_me.sql", in: worktree)
        try repo.commit("Feature migrations", in: worktree)
        try repo.git("mv", "\(folder)/001_create_users.sql", "\(folder)/001_users.sql", in: worktree)
        try repo.commit("Rename the first migration", in: worktree)
        try repo.commitFiles(["docs/notes.txt": "main moves on\n"], message: "Unrelated work on main")
    }
}

/// `git diff --raw -z --no-abbrev` output as DiffEntry values.
func parseRawDiff(_ output: String) -> [DiffEntry] {
    let fields = output.split(separator: "\0", omittingEmptySubsequences: false).map(String.init)
    var entries: [DiffEntry] = []
    var index = 0
    while index < fields.count, fields[index].hasPrefix(":") {
        let meta = fields[index].dropFirst().split(separator: " ").map(String.init)
        let code = meta[4]
        let score = Int(code.dropFirst()) ?? 0
        func id(_ hex: String) -> ObjectID? { hex.allSatisfy { $0 == "0" } ? nil : ObjectID(hex: hex) }
        let status: DiffEntry.Status = switch code.first {
        case "A": .added
        case "D": .deleted
        case "R": .renamed
        case "C": .copied
        case "T": .typeChange
        case "U": .conflicted
        default: .modified
        }
        if status == .renamed || status == .copied {
            entries.append(DiffEntry(status: status, oldPath: fields[index + 1], newPath: fields[index + 2],
                                     oldID: id(meta[2]), newID: id(meta[3]), similarity: score))
            index += 3
        } else {
            let path = fields[index + 1]
            entries.append(DiffEntry(status: status,
                                     oldPath: status == .added ? nil : path,
                                     newPath: status == .deleted ? nil : path,
                                     oldID: id(meta[2]), newID: id(meta[3])))
            index += 2
        }
    }
    return entries.sorted { $0.path < $1.path }
}

/// `git status --porcelain=v1 -z` output as "XY path" lines ("XY new <- old" for renames), sorted.
func parsePorcelain(_ output: String) -> [String] {
    let fields = output.split(separator: "\0").map(String.init)
    var lines: [String] = []
    var index = 0
    while index < fields.count {
        let field = fields[index]
        let code = String(field.prefix(2))
        var line = code + " " + field.dropFirst(3)
        if code.first == "R" || code.first == "C" {
            line += " <- " + fields[index + 1]
            index += 1
        }
        lines.append(line)
        index += 1
    }
    return lines.sorted()
}

extension StatusEntry {
    var porcelainLine: String { "\(porcelainCode) \(path)" + (oldPath.map { " <- \($0)" } ?? "") }
}

/// The ObjectID of a sha the git CLI printed.
func oid(_ sha: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> ObjectID {
    try #require(ObjectID(hex: sha), sourceLocation: sourceLocation)
}
