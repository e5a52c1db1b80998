internal import CGit2

extension Repository {
    /// Staged, unstaged and untracked paths under `folder` (repository-relative, literal; "" for all),
    /// like `git status --untracked-files=all`; with `includeIgnored`, ignored files too: each one,
    /// or with `recurseIgnoredDirectories` false, a wholly ignored folder as one entry ending in "/"
    /// (like `git status --ignored`).
    public func status(under folder: String = "", includeIgnored: Bool = false,
                       recurseIgnoredDirectories: Bool = true) throws -> [StatusEntry] {
        try locked { repo in
            var options = git_status_options()
            try check(git_status_options_init(&options, UInt32(GIT_STATUS_OPTIONS_VERSION)), "git_status_options_init")
            options.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR
            var flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED.rawValue
                | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS.rawValue
                | GIT_STATUS_OPT_RENAMES_HEAD_TO_INDEX.rawValue
            if includeIgnored {
                flags |= GIT_STATUS_OPT_INCLUDE_IGNORED.rawValue
                if recurseIgnoredDirectories { flags |= GIT_STATUS_OPT_RECURSE_IGNORED_DIRS.rawValue }
            }
            let folder = folder.normalisedFolder
            if !folder.isEmpty { flags |= GIT_STATUS_OPT_DISABLE_PATHSPEC_MATCH.rawValue }
            options.flags = flags
            return try withStrarray(folder.isEmpty ? [] : [folder]) { pathspec in
                options.pathspec = pathspec
                return try withHandle(
                    "git_status_list_new",
                    hint: "a bare repository has no working tree to inspect",
                    create: { git_status_list_new($0, repo, &options) },
                    free: { git_status_list_free($0) }
                ) { list in
                    (0..<git_status_list_entrycount(list)).compactMap { index in
                        git_status_byindex(list, index).map { StatusEntry($0.pointee) }
                    }
                }
            }
        }
    }
}

extension StatusEntry {
    init(_ entry: git_status_entry) {
        let flags = entry.status.rawValue
        func has(_ flag: git_status_t) -> Bool { flags & flag.rawValue != 0 }

        let staged: Change? =
            if has(GIT_STATUS_INDEX_NEW) { .added }
            else if has(GIT_STATUS_INDEX_RENAMED) { .renamed }
            else if has(GIT_STATUS_INDEX_TYPECHANGE) { .typeChange }
            else if has(GIT_STATUS_INDEX_DELETED) { .deleted }
            else if has(GIT_STATUS_INDEX_MODIFIED) { .modified }
            else { nil }
        let unstaged: Change? =
            if has(GIT_STATUS_WT_RENAMED) { .renamed }
            else if has(GIT_STATUS_WT_TYPECHANGE) { .typeChange }
            else if has(GIT_STATUS_WT_DELETED) { .deleted }
            else if has(GIT_STATUS_WT_MODIFIED) { .modified }
            else { nil }

        // The current path is the working tree's, else the index's; the old one is HEAD's.
        let workdirPath = entry.index_to_workdir?.pointee.new_file.path
        let indexPath = entry.head_to_index?.pointee.new_file.path
        let headPath = entry.head_to_index?.pointee.old_file.path
        let path = (workdirPath ?? indexPath).map { String(cString: $0) } ?? ""
        let oldPath = staged == .renamed ? headPath.map { String(cString: $0) } : nil

        self.init(
            path: path,
            oldPath: oldPath,
            staged: staged,
            unstaged: unstaged,
            isUntracked: has(GIT_STATUS_WT_NEW),
            isIgnored: has(GIT_STATUS_IGNORED),
            isConflicted: has(GIT_STATUS_CONFLICTED)
        )
    }
}
