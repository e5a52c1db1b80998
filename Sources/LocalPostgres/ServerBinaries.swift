import Foundation

extension LocalCluster {
    /// The directory holding `initdb` and `postgres`: the highest /usr/lib/postgresql/<N>/bin,
    /// else `pg_config --bindir`, else the first PATH entry that has both.
    public static func findServerBinaries() throws -> String {
        var candidates: [String] = []
        let root = "/usr/lib/postgresql"
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        candidates += versions.compactMap(Double.init).sorted(by: >).map { version in
            let name = version == version.rounded() ? String(Int(version)) : String(version)
            return "\(root)/\(name)/bin"
        }
        if let bindir = pgConfigBindir() { candidates.append(bindir) }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        candidates += path.split(separator: ":").map(String.init)

        let found = candidates.first { directory in
            ["initdb", "postgres"].allSatisfy { FileManager.default.isExecutableFile(atPath: "\(directory)/\($0)") }
        }
        guard let found else { throw LocalPostgresError.serverNotFound(searched: ["\(root)/*/bin", "pg_config --bindir", "PATH"]) }
        return found
    }

    private static func pgConfigBindir() -> String? {
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("gg-pgconfig-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        defer { try? FileManager.default.removeItem(at: output) }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let tool = "\(directory)/pg_config"
            guard FileManager.default.isExecutableFile(atPath: tool),
                  (try? Spawn.run([tool, "--bindir"], environment: [], logPath: output.path)) == 0,
                  let text = try? String(contentsOf: output, encoding: .utf8)
            else { continue }
            return text.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return nil
    }
}
