internal import CGit2

extension Repository {
    /// What changed from commit `old` (nil: the empty tree) to commit `new` under `folder`
    /// (repository-relative; "" for everything), with renames detected as `git diff` does.
    public func diff(from old: ObjectID?, to new: ObjectID, under folder: String = "") throws -> [DiffEntry] {
        try locked { repo in
            try withOptionalCommitTree(repo, old) { oldTree in
                try withCommitTree(repo, new) { newTree in
                    try withDiffOptions(folder) { options in
                        try withHandle(
                            "git_diff_tree_to_tree",
                            create: { git_diff_tree_to_tree($0, repo, oldTree, newTree, &options) },
                            free: { git_diff_free($0) },
                            entries(of:)
                        )
                    }
                }
            }
        }
    }

    /// What the index would commit on top of `commit`, under `folder`: `git diff --cached <commit>`.
    /// A pre-merge-commit hook sees the merge result this way. `indexFile` reads another index
    /// (git passes `GIT_INDEX_FILE` to hooks, e.g. for `git commit -a`); default: this worktree's.
    public func diffIndex(
        against commit: ObjectID, under folder: String = "", indexFile: String? = nil
    ) throws -> [DiffEntry] {
        try locked { repo in
            try withIndex(repo, file: indexFile) { index in
                try withCommitTree(repo, commit) { tree in
                    try withDiffOptions(folder) { options in
                        try withHandle(
                            "git_diff_tree_to_index",
                            create: { git_diff_tree_to_index($0, repo, tree, index, &options) },
                            free: { git_diff_free($0) },
                            entries(of:)
                        )
                    }
                }
            }
        }
    }

    /// The tree the index would commit (`git write-tree`): a pre-commit hook names the exact
    /// result it checked this way. Writes the tree objects, as committing would; fails on conflicts.
    public func indexTreeID(indexFile: String? = nil) throws -> ObjectID {
        try locked { repo in
            try withIndex(repo, file: indexFile) { index in
                var oid = git_oid()
                _ = try check(git_index_write_tree_to(&oid, index, repo), "git_index_write_tree_to")
                return ObjectID(oid)
            }
        }
    }

    private func withIndex<Result>(
        _ repo: OpaquePointer, file: String?, _ body: (OpaquePointer) throws -> Result
    ) throws -> Result {
        if let file {
            return try withHandle(
                "git_index_open", create: { git_index_open($0, file) }, free: { git_index_free($0) }, body)
        }
        return try withHandle(
            "git_repository_index",
            hint: "a bare repository has no index",
            create: { git_repository_index($0, repo) },
            free: { git_index_free($0) },
            body
        )
    }
}

/// Diff options limited to `folder`, taken literally: a folder named `a*[b]` is not a pattern.
func withDiffOptions<Result>(_ folder: String, _ body: (inout git_diff_options) throws -> Result) throws -> Result {
    var options = git_diff_options()
    try check(git_diff_options_init(&options, UInt32(GIT_DIFF_OPTIONS_VERSION)), "git_diff_options_init")
    // git reports type changes (file ↔ symlink) by default; libgit2 only on request.
    options.flags |= GIT_DIFF_INCLUDE_TYPECHANGE.rawValue
    let folder = folder.normalisedFolder
    if folder.isEmpty { return try body(&options) }
    options.flags |= GIT_DIFF_DISABLE_PATHSPEC_MATCH.rawValue
    return try withStrarray([folder]) { pathspec in
        options.pathspec = pathspec
        return try body(&options)
    }
}

/// The deltas of `diff` after rename detection (git detects renames by default; libgit2 does not).
func entries(of diff: OpaquePointer) throws -> [DiffEntry] {
    var find = git_diff_find_options()
    try check(git_diff_find_options_init(&find, UInt32(GIT_DIFF_FIND_OPTIONS_VERSION)), "git_diff_find_options_init")
    find.flags = GIT_DIFF_FIND_RENAMES.rawValue
    try check(git_diff_find_similar(diff, &find), "git_diff_find_similar")

    var result: [DiffEntry] = []
    let count = git_diff_num_deltas(diff)
    result.reserveCapacity(count)
    for index in 0..<count {
        guard let delta = git_diff_get_delta(diff, index)?.pointee,
            let status = DiffEntry.Status(delta.status)
        else { continue }
        let hasOld = status != .added
        let hasNew = status != .deleted
        result.append(DiffEntry(
            status: status,
            oldPath: hasOld ? delta.old_file.path.map { String(cString: $0) } : nil,
            newPath: hasNew ? delta.new_file.path.map { String(cString: $0) } : nil,
            oldID: hasOld ? ObjectID.nonZero(delta.old_file.id) : nil,
            newID: hasNew ? ObjectID.nonZero(delta.new_file.id) : nil,
            similarity: status == .renamed || status == .copied ? Int(delta.similarity) : 0
        ))
    }
    return result
}

extension DiffEntry.Status {
    init?(_ delta: git_delta_t) {
        switch delta {
        case GIT_DELTA_ADDED: self = .added
        case GIT_DELTA_DELETED: self = .deleted
        case GIT_DELTA_MODIFIED: self = .modified
        case GIT_DELTA_RENAMED: self = .renamed
        case GIT_DELTA_COPIED: self = .copied
        case GIT_DELTA_TYPECHANGE: self = .typeChange
        case GIT_DELTA_CONFLICTED: self = .conflicted
        default: return nil
        }
    }
}
