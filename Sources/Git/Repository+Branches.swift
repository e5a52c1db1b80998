internal import CGit2

extension Repository {
    /// True when HEAD points at a commit rather than a branch.
    public var isHeadDetached: Bool { locked { git_repository_head_detached($0) == 1 } }

    /// True when HEAD names a branch that has no commit yet (a fresh `git init`).
    public var isHeadUnborn: Bool { locked { git_repository_head_unborn($0) == 1 } }

    /// The short name of the branch HEAD points at (even when it has no commit yet); nil when detached.
    public func currentBranch() throws -> String? {
        try locked { repo in
            try withHandle(
                "git_reference_lookup",
                create: { git_reference_lookup($0, repo, "HEAD") },
                free: { git_reference_free($0) }
            ) { head in
                guard git_reference_type(head) == GIT_REFERENCE_SYMBOLIC,
                    let target = git_reference_symbolic_target(head)
                else { return nil }
                return String(cString: target).branchShortName
            }
        }
    }

    /// The commit HEAD points at; nil when the branch has no commit yet.
    public func head() throws -> ObjectID? {
        try locked { repo in
            var oid = git_oid()
            let result = git_reference_name_to_id(&oid, repo, "HEAD")
            if result == GIT_ENOTFOUND.rawValue || result == GIT_EUNBORNBRANCH.rawValue {
                git_error_clear()
                return nil
            }
            try check(result, "git_reference_name_to_id")
            return ObjectID(oid)
        }
    }

    /// Whether a local branch (`refs/heads/<name>`) exists.
    public func branchExists(_ name: String) -> Bool {
        locked { repo in
            var reference: OpaquePointer?
            let result = git_branch_lookup(&reference, repo, name, GIT_BRANCH_LOCAL)
            if result < 0 { git_error_clear() }
            git_reference_free(reference)
            return result == 0
        }
    }

    /// The short names of all local branches, sorted.
    public func localBranches() throws -> [String] {
        try locked { repo in
            try withHandle(
                "git_branch_iterator_new",
                create: { git_branch_iterator_new($0, repo, GIT_BRANCH_LOCAL) },
                free: { git_branch_iterator_free($0) }
            ) { iterator in
                var names: [String] = []
                while true {
                    var reference: OpaquePointer?
                    var type = GIT_BRANCH_LOCAL
                    let result = git_branch_next(&reference, &type, iterator)
                    if result == GIT_ITEROVER.rawValue { break }
                    try check(result, "git_branch_next")
                    defer { git_reference_free(reference) }
                    if let name = git_reference_shorthand(reference) { names.append(String(cString: name)) }
                }
                return names.sorted()
            }
        }
    }

    /// Deletes local branch `name`. Fails when it is checked out in any worktree.
    /// Does not check that it is merged: the caller decides that.
    public func deleteBranch(_ name: String) throws {
        _ = try locked { repo in
            try withHandle(
                "git_branch_lookup",
                hint: "check the name with `git branch --list`",
                create: { git_branch_lookup($0, repo, name, GIT_BRANCH_LOCAL) },
                free: { git_reference_free($0) }
            ) { reference in
                try check(
                    git_branch_delete(reference), "git_branch_delete",
                    hint: "switch the worktree that has it checked out to another branch, or remove that worktree"
                )
            }
        }
    }
}

extension String {
    /// "refs/heads/feature/x" → "feature/x"; other ref names unchanged.
    var branchShortName: String {
        hasPrefix("refs/heads/") ? String(dropFirst("refs/heads/".count)) : self
    }
}
