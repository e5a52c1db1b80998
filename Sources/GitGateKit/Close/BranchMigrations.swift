import Git

/// The migration files a branch added or changed since it left main, checked against main
/// (same content, by blob id) and turned into `Migration`s for the target check.
struct BranchMigrations {
    /// Every file under the migrations folder that the branch added or changed, with its blob.
    var files: [(path: String, id: ObjectID)]
    /// The ones that are migrations by the layout (up files, with their down files).
    var migrations: [Migration]

    init(repository: Repository, configuration: Configuration, fork: ObjectID?, tip: ObjectID) throws {
        let folder = configuration.migrations
        var files: [(path: String, id: ObjectID)] = []
        for change in try repository.diff(from: fork, to: tip, under: folder) where change.status != .deleted {
            if let path = change.newPath, let id = change.newID { files.append((path, id)) }
        }
        self.files = files

        let tipFiles = try repository.files(under: folder, at: tip)
        let layout = configuration.layout ?? Layout.detect(relativePaths: tipFiles.map { relative($0.path, to: folder) })
        let classified = files.compactMap { file in
            layout?.classify(relativePath: relative(file.path, to: folder), folder: folder).map { ($0, file.id) }
        }
        // A down file belongs to its up file's migration even when only the up file changed.
        let downs = Dictionary(
            tipFiles.compactMap { file in
                layout?.classify(relativePath: relative(file.path, to: folder), folder: folder)
            }.filter { $0.role == .down }.map { ($0.version, $0.path) },
            uniquingKeysWith: { first, _ in first })
        var migrations: [Migration] = []
        for (file, id) in classified where file.role == .up {
            migrations.append(Migration(version: file.version, name: file.name, path: file.path,
                                        downPath: downs[file.version], isRepeatable: file.isRepeatable,
                                        source: .committed, contents: try repository.blob(id)))
        }
        self.migrations = migrations.sortedByVersion()
    }

    /// Files main does not have with the branch's content: each a line saying which and how.
    func notOnMain(repository: Repository, mainTip: ObjectID) throws -> [String] {
        try files.compactMap { file in
            switch try repository.entryID(at: file.path, in: mainTip) {
            case file.id?: return nil
            case nil: return "\(file.path): not on main"
            case let other?: return "\(file.path): main has different content (blob \(other.short), the branch has \(file.id.short))"
            }
        }
    }
}
