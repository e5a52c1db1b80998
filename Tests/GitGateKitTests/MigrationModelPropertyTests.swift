import Foundation
import Git
import GitGateKit
import Testing
import TestSupport

/// status, check and close read a branch's migrations through one model: on random
/// repositories (layouts, merges from main, renames, uncommitted files), they agree.
@Suite struct MigrationModelPropertyTests {
    /// How each layout names version `n` (up file and optional down file) and writes its content.
    static func files(_ layout: String, _ n: Int, _ table: String) -> [String: String] {
        let v = String(format: "%03d", n)
        let create = "CREATE TABLE IF NOT EXISTS \(table) (id bigint);\n"
        switch layout {
        case "updown": return ["\(v)_\(table).up.sql": create, "\(v)_\(table).down.sql": "DROP TABLE \(table);\n"]
        case "dbmate": return ["\(v)_\(table).sql": "-- migrate:up\n\(create)\n-- migrate:down\nDROP TABLE \(table);\n"]
        case "goose": return ["\(v)_\(table).sql": "-- +goose Up\n\(create)-- +goose Down\nDROP TABLE \(table);\n"]
        case "pop": return ["\(v)_\(table).up.sql": create, "\(v)_\(table).postgres.up.sql": create.replacingOccurrences(of: "bigint", with: "uuid"),
                            "\(v)_\(table).mysql.up.sql": "CREATE TABLE \(table) (id CHAR(36)) ENGINE=InnoDB;\n"]
        case "directory": return ["\(v)_\(table)/up.sql": create, "\(v)_\(table)/down.sql": "DROP TABLE \(table);\n"]
        default: return ["\(v)_\(table).sql": create]
        }
    }

    struct Fingerprint: Hashable, CustomStringConvertible {
        var version: String, path: String, checksum: String, transaction: Bool, downPath: String?
        var description: String { "\(version) \(path) \(checksum.prefix(8)) tx=\(transaction) down=\(downPath ?? "-")" }
    }

    static func fingerprints(_ migrations: [Migration]) -> [Fingerprint] {
        migrations.map { Fingerprint(version: $0.version, path: $0.path, checksum: $0.checksum, transaction: $0.transaction, downPath: $0.downPath) }
    }

    @Test func statusCheckAndCloseAgreeOnRandomRepositories() throws {
        let seed: UInt64 = 20_261_202
        print("MigrationModelPropertyTests seed: \(seed)")
        var random = SeededGenerator(seed: seed)
        let layouts = ["flat", "updown", "dbmate", "goose", "pop", "directory"]
        for round in 0..<24 {
            let layout = layouts[round % layouts.count]
            let repo = try TestRepository()
            var next = 1
            var mainFiles: [String: String] = [".gitgate": "[gitgate]\n\tmigrations = db\n"]
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                mainFiles.merge(Self.files(layout, next, "main\(next)").mapKeys { "db/" + $0 }) { $1 }
                next += 1
            }
            try repo.commitFiles(mainFiles, message: "main")
            let worktree = try repo.addWorktree(branch: "feature")
            var branchVersions: [Int] = []
            var tables: [Int: String] = [:]
            var uncommitted: [Int] = []
            for step in 0..<Int.random(in: 2...6, using: &random) {
                switch Int.random(in: 0..<5, using: &random) {
                case 0, 1:  // the branch adds a migration
                    let n = next + 10 + step
                    try repo.commitFiles(Self.files(layout, n, "b\(n)").mapKeys { "db/" + $0 }, message: "branch \(n)", in: worktree)
                    branchVersions.append(n)
                    tables[n] = "b\(n)"
                case 2:  // main moves on, and the branch merges it in
                    try repo.commitFiles(Self.files(layout, next, "main\(next)").mapKeys { "db/" + $0 }, message: "main \(next)")
                    next += 1
                    if Bool.random(using: &random) { try repo.git("merge", "--quiet", "--no-edit", "main", in: worktree) }
                case 3:  // renumber the branch's newest migration with git mv
                    guard let last = branchVersions.popLast(), let table = tables[last] else { continue }
                    let n = last + 100
                    tables[n] = table
                    for (old, _) in Self.files(layout, last, table) {
                        let new = old.replacingOccurrences(of: String(format: "%03d", last), with: String(format: "%03d", n))
                        if old.contains("/") {
                            let oldFolder = "db/" + old.split(separator: "/")[0], newFolder = "db/" + new.split(separator: "/")[0]
                            if FileManager.default.fileExists(atPath: worktree + "/" + oldFolder) { try repo.git("mv", oldFolder, newFolder, in: worktree) }
                        } else {
                            try repo.git("mv", "db/" + old, "db/" + new, in: worktree)
                        }
                    }
                    try repo.commit("renumber \(last) to \(n)", in: worktree)
                    branchVersions.append(n)
                default:  // uncommitted work (written at the end): status sees it, check and close do not
                    uncommitted.append(900 + step)
                }
            }
            for n in uncommitted {
                for (path, contents) in Self.files(layout, n, "wip\(n)") { try repo.write("db/" + path, contents, in: worktree) }
            }

            let inspector = try Inspector(at: worktree)
            let status = try inspector.inspectWorktree()
            let repository = inspector.repository
            let mainTip = try repository.resolve("refs/heads/main")
            let head = try repository.resolve("refs/heads/feature")
            let check = try inspector.inspect(base: "main", baseTip: mainTip, branch: "feature", head: head,
                                              includeWorkingTree: false, compareWithOtherBranches: false)
            let fork = try repository.mergeBase(mainTip, head)
            let close = try inspector.inspect(base: "main", baseTip: nil, branch: "feature", head: head,
                                              includeWorkingTree: false, compareWithOtherBranches: false, from: .commit(fork))

            let context = "seed \(seed), round \(round), layout \(layout)"
            #expect(status.layout?.rawValue == (layout == "updown" ? "updown" : layout), "\(context)")
            let committed = Self.fingerprints(status.migrations.filter { $0.source == .committed })
            #expect(committed == Self.fingerprints(check.migrations), "\(context): status \(committed) vs check \(Self.fingerprints(check.migrations))")
            #expect(committed == Self.fingerprints(close.migrations), "\(context): status vs close")
            #expect(Set(check.migrations.map { Int($0.version)! }) == Set(branchVersions), "\(context)")
            #expect(status.conflicts.map(\.message) == check.conflicts.map(\.message), "\(context)")
            // pop's other dialects are never read; dbmate's and goose's down parts never run forward.
            for migration in check.migrations {
                let up = String(decoding: migration.contents, as: UTF8.self)
                #expect(!up.contains("DROP TABLE") && !up.contains("ENGINE"), "\(context): \(migration.path)")
            }
        }
    }
}
