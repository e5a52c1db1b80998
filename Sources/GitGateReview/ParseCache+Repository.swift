import Foundation
import Git
import GitGateConfig
import GitGateLint
import SQL

extension ParseCache {
    /// The cache of the repository `repository` belongs to, shared by all its worktrees:
    /// `<common git dir>/gitgate/cache/parse`.
    public convenience init(repository: Repository) {
        self.init(directory: (repository.commonDir as NSString).appendingPathComponent("gitgate/cache/parse"),
                  version: ParseCache.currentVersion)
    }

    /// The repository's cache, unless `GITGATE_PARSE_CACHE=0`. On by default since entries are
    /// read back field by field (format 2): a warm status costs less than parsing again.
    public static func enabled(for repository: Repository, environment: [String: String]) -> ParseCache? {
        environment["GITGATE_PARSE_CACHE"] == "0" ? nil : ParseCache(repository: repository)
    }

    /// gitgate's version, the cache format, the SQL parser's version, and the running executable's
    /// size and modification time, so that a rebuilt gitgate never reads a predecessor's entries.
    public static let currentVersion: String = {
        var identity = "gitgate \(GitGateVersion.string) format \(format) libpg_query \(Parser.version)"
        if let path = Bundle.main.executablePath, let attributes = try? FileManager.default.attributesOfItem(atPath: path) {
            let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
            let modified = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            identity += " build \(size)-\(Int64(modified * 1000))"
        }
        return identity
    }()
}
