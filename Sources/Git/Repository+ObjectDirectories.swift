internal import CGit2

extension Repository {
    /// Also reads objects from `directory` (an `objects/` folder), as git does with
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`. A server's pre-receive hook needs it: the pushed objects
    /// wait in a quarantine folder (`GIT_OBJECT_DIRECTORY`) that libgit2 does not look in by itself.
    public func addObjectDirectory(_ directory: String) throws {
        try locked { repo in
            try withHandle(
                "git_repository_odb", create: { git_repository_odb($0, repo) }, free: { git_odb_free($0) }
            ) { odb in
                _ = try check(git_odb_add_disk_alternate(odb, directory), "git_odb_add_disk_alternate",
                              hint: "check that \(directory) is a git objects folder")
            }
            extraObjectDirectories.append(directory)
        }
    }
}
