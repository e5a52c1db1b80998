import Git
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// The migration files a branch added or changed since it left main, checked against main
/// (same content, by blob id) and turned into `Migration`s for the target check.
package struct BranchMigrations {
    /// Every file under the migrations folder that the branch added or changed, with its blob.
    package var files: [(path: String, id: ObjectID)]
    /// The ones that are migrations by the layout (up files, with their down files).
    package var migrations: [Migration]

    package init(repository: Repository, configuration: Configuration, fork: ObjectID?, tip: ObjectID) throws {
        let folder = configuration.migrations
        var files: [(path: String, id: ObjectID)] = []
        for change in try repository.diff(from: fork, to: tip, under: folder) where change.status != .deleted {
            if let path = change.newPath, let id = change.newID { files.append((path, id)) }
        }
        self.files = files

        // The migrations themselves: the same reading as status and the hooks, counted from the fork point.
        let inspector = Inspector(repository: repository, configuration: configuration)
        migrations = try inspector.inspect(base: "main", baseTip: nil, branch: "branch", head: tip,
                                           includeWorkingTree: false, compareWithOtherBranches: false,
                                           from: .commit(fork)).migrations
    }

    /// Files main does not have with the branch's content: each a line saying which and how.
    package func notOnMain(repository: Repository, mainTip: ObjectID) throws -> [String] {
        try files.compactMap { file in
            switch try repository.entryID(at: file.path, in: mainTip) {
            case file.id?: return nil
            case nil: return "\(file.path): not on main"
            case let other?: return "\(file.path): main has different content (blob \(other.short), the branch has \(file.id.short))"
            }
        }
    }
}
