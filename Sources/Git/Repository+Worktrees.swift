internal import CGit2
import Foundation

extension Repository {
    /// The linked worktrees, sorted by name (not the main one: see `mainWorktreePath`).
    public func worktrees() throws -> [WorktreeInfo] {
        let commonDir = self.commonDir
        return try locked { repo in
            var names = git_strarray()
            try check(git_worktree_list(&names, repo), "git_worktree_list")
            return try consume(&names).sorted().map { name in
                try withWorktree(repo, name) { worktree in
                    var reason = git_buf()
                    let locked = try check(git_worktree_is_locked(&reason, worktree), "git_worktree_is_locked") > 0
                    let lockReason = consume(&reason)
                    var options = git_worktree_prune_options()
                    try check(
                        git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION)),
                        "git_worktree_prune_options_init")
                    let prunable = try check(git_worktree_is_prunable(worktree, &options), "git_worktree_is_prunable") > 0
                    let (branch, head) = headOfWorktree(repo, gitDir: commonDir + "/worktrees/" + name)
                    return WorktreeInfo(
                        name: name,
                        path: String(cString: git_worktree_path(worktree)).withoutTrailingSlash,
                        branch: branch,
                        head: head,
                        isLocked: locked,
                        lockReason: locked && !lockReason.isEmpty ? lockReason.trimmingTrailingNewlines() : nil,
                        isPrunable: prunable
                    )
                }
            }
        }
    }

    /// Removes linked worktree `name`: git's record of it and its folder, with everything in it.
    /// The caller must first make sure nothing in it can be lost (libgit2 checks nothing).
    /// A locked worktree is refused unless `evenIfLocked`.
    public func pruneWorktree(named name: String, evenIfLocked: Bool = false) throws {
        try locked { repo in
            try withWorktree(repo, name) { worktree in
                var options = git_worktree_prune_options()
                try check(
                    git_worktree_prune_options_init(&options, UInt32(GIT_WORKTREE_PRUNE_OPTIONS_VERSION)),
                    "git_worktree_prune_options_init")
                options.flags = GIT_WORKTREE_PRUNE_VALID.rawValue | GIT_WORKTREE_PRUNE_WORKING_TREE.rawValue
                if evenIfLocked { options.flags |= GIT_WORKTREE_PRUNE_LOCKED.rawValue }
                try check(
                    git_worktree_prune(worktree, &options), "git_worktree_prune",
                    hint: "if it is locked, unlock it first with `git worktree unlock`"
                )
            }
        }
    }

    private func withWorktree<Result>(_ repo: OpaquePointer, _ name: String, _ body: (OpaquePointer) throws -> Result) throws -> Result {
        try withHandle(
            "git_worktree_lookup",
            hint: "`git worktree list` shows the worktrees this repository knows",
            create: { git_worktree_lookup($0, repo, name) },
            free: { git_worktree_free($0) },
            body
        )
    }

    /// Branch and commit from a worktree's HEAD file. Read directly because libgit2's
    /// `git_repository_head_for_worktree` opens the worktree, which fails once its folder is gone.
    private func headOfWorktree(_ repo: OpaquePointer, gitDir: String) -> (branch: String?, head: ObjectID?) {
        guard let data = FileManager.default.contents(atPath: gitDir + "/HEAD"),
            let text = String(data: data, encoding: .utf8)?.trimmingCharacters(in: .whitespacesAndNewlines)
        else { return (nil, nil) }
        guard text.hasPrefix("ref:") else { return (nil, ObjectID(hex: text)) }
        let reference = text.dropFirst(4).trimmingCharacters(in: .whitespaces)
        var oid = git_oid()
        let found = git_reference_name_to_id(&oid, repo, reference) == 0
        if !found { git_error_clear() }
        return (reference.branchShortName, found ? ObjectID(oid) : nil)
    }
}
