internal import CGit2

extension Repository {
    /// The commit `rev` names (`main`, `HEAD~2`, a sha, `refs/…`), peeling tags.
    public func resolve(_ rev: String) throws -> ObjectID {
        try locked { repo in
            try withHandle(
                "git_revparse_single",
                hint: "check that '\(rev)' names a branch, tag or commit in this repository",
                create: { git_revparse_single($0, repo, rev) },
                free: { git_object_free($0) }
            ) { object in
                try withHandle(
                    "git_object_peel",
                    hint: "'\(rev)' does not name a commit",
                    create: { git_object_peel($0, object, GIT_OBJECT_COMMIT) },
                    free: { git_object_free($0) }
                ) { commit in
                    ObjectID(git_object_id(commit))
                }
            }
        }
    }

    /// The best common ancestor of `a` and `b`; nil when they share no history.
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        try locked { repo in
            var base = git_oid()
            var one = a.oid, two = b.oid
            let result = git_merge_base(&base, repo, &one, &two)
            if result == GIT_ENOTFOUND.rawValue {
                git_error_clear()
                return nil
            }
            try check(result, "git_merge_base")
            return ObjectID(base)
        }
    }

    /// Whether `ancestor` is reachable from `commit`; a commit is its own ancestor,
    /// as in `git merge-base --is-ancestor`.
    public func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws -> Bool {
        if ancestor == commit { return true }
        return try locked { repo in
            var descendant = commit.oid, base = ancestor.oid
            return try check(git_graph_descendant_of(repo, &descendant, &base), "git_graph_descendant_of") == 1
        }
    }

    /// The root tree of `commit`.
    public func treeID(of commit: ObjectID) throws -> ObjectID {
        try locked { repo in
            try withCommit(repo, commit) { ObjectID(git_commit_tree_id($0)) }
        }
    }

    /// The first line of `commit`'s message.
    public func summary(of commit: ObjectID) throws -> String {
        try locked { repo in
            try withCommit(repo, commit) { git_commit_summary($0).map { String(cString: $0) } ?? "" }
        }
    }

    /// Whether merging `branch` into `main` would change main's tree. False means everything the
    /// branch changed is already on main: merged, squash-merged or rebase-merged. A merge with
    /// conflicts counts as a change.
    ///
    /// The merged tree is written to the object database (as `git merge-tree --write-tree` does);
    /// nothing else is touched.
    public func mergeWouldChange(_ branch: ObjectID, into main: ObjectID) throws -> Bool {
        if try isAncestor(branch, of: main) { return false }
        return try locked { repo in
            try withCommit(repo, main) { ours in
                try withCommit(repo, branch) { theirs in
                    var options = git_merge_options()
                    try check(
                        git_merge_options_init(&options, UInt32(GIT_MERGE_OPTIONS_VERSION)), "git_merge_options_init")
                    return try withHandle(
                        "git_merge_commits",
                        create: { git_merge_commits($0, repo, ours, theirs, &options) },
                        free: { git_index_free($0) }
                    ) { index in
                        if git_index_has_conflicts(index) == 1 { return true }
                        var merged = git_oid()
                        try check(git_index_write_tree_to(&merged, index, repo), "git_index_write_tree_to")
                        var mainTree = git_commit_tree_id(ours).pointee
                        return git_oid_equal(&merged, &mainTree) == 0
                    }
                }
            }
        }
    }
}
