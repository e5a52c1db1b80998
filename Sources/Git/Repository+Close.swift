internal import CGit2

// History questions `gitgate close` asks before it deletes a branch: where the branch left
// main, and whether main ever held the branch's version of a file.

extension Repository {
    /// The first parent of `commit` (the branch it was made on, for a merge); nil for a root commit.
    public func firstParent(of commit: ObjectID) throws -> ObjectID? {
        try locked { repo in
            try withCommit(repo, commit) { handle in
                git_commit_parent_id(handle, 0).map { ObjectID($0) }
            }
        }
    }

    /// The commit local branch `name` pointed at when its reflog begins: where it was created,
    /// unless the reflog was expired or never kept. Nil when the branch has no reflog.
    public func branchStart(_ name: String) throws -> ObjectID? {
        try locked { repo in
            try withHandle(
                "git_reflog_read",
                create: { git_reflog_read($0, repo, "refs/heads/" + name) },
                free: { git_reflog_free($0) }
            ) { reflog in
                let count = git_reflog_entrycount(reflog)
                // Index 0 is the newest entry; the last one is the oldest.
                guard count > 0, let oldest = git_reflog_entry_byindex(reflog, count - 1),
                    let id = git_reflog_entry_id_new(oldest)
                else { return nil }
                return ObjectID.nonZero(id.pointee)
            }
        }
    }

    /// The object at `path` (repository-relative) in `commit`'s tree: a blob for a file, a tree
    /// for a folder; nil when nothing is there.
    public func entryID(at path: String, in commit: ObjectID) throws -> ObjectID? {
        try locked { repo in
            try withCommitTree(repo, commit) { root in
                var entry: OpaquePointer?
                let result = git_tree_entry_bypath(&entry, root, path.normalisedFolder)
                if result == GIT_ENOTFOUND.rawValue {
                    git_error_clear()
                    return nil
                }
                try check(result, "git_tree_entry_bypath")
                defer { git_tree_entry_free(entry) }
                return git_tree_entry_id(entry).map { ObjectID($0) }
            }
        }
    }
}
