import Foundation
import Git

/// The migrations that run before the files under review: for a branch, main's. Read only when a
/// foreign key or an index needs them, and then only the files that mention the tables asked about.
public struct MigrationHistory: Sendable {
    private let load: @Sendable () throws -> [ReviewFile]

    /// Files in the order they run.
    public init(files: [ReviewFile]) {
        load = { files }
    }

    public init(load: @escaping @Sendable () throws -> [ReviewFile]) {
        self.load = load
    }

    /// Main's migrations at its tip (up files, in the order migration tools run them): what the
    /// branch's migrations will run after once merged.
    public static func main(of inspection: Inspection, in repository: Repository) -> MigrationHistory {
        MigrationHistory {
            guard let layout = inspection.layout else { return [] }
            let folder = inspection.migrationsFolder
            let tip = try repository.resolve("refs/heads/" + inspection.base)
            var migrations: [(migration: Migration, id: ObjectID)] = []
            for file in try repository.files(under: folder, at: tip) {
                guard let classified = layout.classify(relativePath: relative(file.path, to: folder), folder: folder),
                      classified.role == .up else { continue }
                migrations.append((Migration(version: classified.version, name: classified.name, path: classified.path,
                                             isRepeatable: classified.isRepeatable, source: .committed, contents: Data()),
                                   file.id))
            }
            let ids = Dictionary(migrations.map { ($0.migration.path, $0.id) }, uniquingKeysWith: { a, _ in a })
            return try migrations.map(\.migration).sortedByVersion().map { migration in
                ReviewFile(path: migration.path, contents: try repository.blob(ids[migration.path]!))
            }
        }
    }

    /// The schema the history builds, as far as the tables named in `names` go: files that never
    /// mention one of them (case-insensitively) are not parsed.
    func schema(mentioning names: Set<String>) throws -> SchemaState {
        var state = SchemaState()
        let needles = names.map { Data($0.lowercased().utf8) }
        for file in try load() {
            let lowered = Data(file.contents.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 })
            guard needles.contains(where: { lowered.range(of: $0) != nil }) else { continue }
            guard case .script(let script) = ParsedFile(file.contents) else { continue }
            for statement in script.statements {
                for effect in statement.effects { state.apply(effect, markNew: false) }
            }
        }
        return state
    }
}
