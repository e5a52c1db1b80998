internal import CGit2
import Foundation

extension Repository {
    /// Every file under `folder` (repository-relative; "" for the whole tree) in `commit`,
    /// recursively, sorted by path. Empty when the folder does not exist there.
    /// Submodules are skipped: they have no blobs here.
    public func files(under folder: String = "", at commit: ObjectID) throws -> [TreeFile] {
        let folder = folder.normalisedFolder
        return try locked { repo in
            try withCommitTree(repo, commit) { root in
                var files: [TreeFile] = []
                if folder.isEmpty {
                    try collect(repo, tree: root, prefix: "", into: &files)
                    return files
                }
                guard let entry = try treeEntry(root, folder) else { return [] }
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return [] }
                try withTree(repo, git_tree_entry_id(entry).pointee) { tree in
                    try collect(repo, tree: tree, prefix: folder + "/", into: &files)
                }
                return files
            }
        }
    }

    /// The id of the tree at `folder` (repository-relative; "" for the root tree) in `commit`, nil
    /// when there is no folder there. Two commits with the same id list the same files under it.
    public func treeID(of folder: String, at commit: ObjectID) throws -> ObjectID? {
        let folder = folder.normalisedFolder
        return try locked { repo in
            try withCommitTree(repo, commit) { root in
                if folder.isEmpty { return ObjectID(git_tree_id(root)!) }
                guard let entry = try treeEntry(root, folder) else { return nil }
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE else { return nil }
                return ObjectID(git_tree_entry_id(entry)!)
            }
        }
    }

    /// The bytes of blob `id`.
    public func blob(_ id: ObjectID) throws -> Data {
        try locked { repo in
            var oid = id.oid
            return try withHandle(
                "git_blob_lookup", create: { git_blob_lookup($0, repo, &oid) }, free: { git_blob_free($0) }
            ) { blob in
                Data(bytes: git_blob_rawcontent(blob), count: Int(git_blob_rawsize(blob)))
            }
        }
    }

    /// The bytes of the file at `path` (repository-relative) in `commit`; nil if there is no file there.
    public func contents(of path: String, at commit: ObjectID) throws -> Data? {
        try locked { repo in
            try withCommitTree(repo, commit) { root in
                guard let entry = try treeEntry(root, path.normalisedFolder) else { return nil }
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_BLOB else { return nil }
                return try blob(ObjectID(git_tree_entry_id(entry)))
            }
        }
    }

    /// The entry at `path` below `tree` (caller frees it); nil when absent.
    private func treeEntry(_ tree: OpaquePointer, _ path: String) throws -> OpaquePointer? {
        var entry: OpaquePointer?
        let result = git_tree_entry_bypath(&entry, tree, path)
        if result == GIT_ENOTFOUND.rawValue {
            git_error_clear()
            return nil
        }
        try check(result, "git_tree_entry_bypath")
        return entry
    }

    private func collect(_ repo: OpaquePointer, tree: OpaquePointer, prefix: String, into files: inout [TreeFile]) throws {
        // git stores entries sorted with folders compared as "name/", so walking depth-first
        // yields paths in byte order, as `git ls-tree -r` lists them.
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index), let name = git_tree_entry_name(entry) else { continue }
            let path = prefix + String(cString: name)
            let id = git_tree_entry_id(entry)!
            switch git_tree_entry_filemode(entry) {
            case GIT_FILEMODE_TREE:
                try withTree(repo, id.pointee) { try collect(repo, tree: $0, prefix: path + "/", into: &files) }
            case GIT_FILEMODE_BLOB:
                files.append(TreeFile(path: path, id: ObjectID(id), kind: .file))
            case GIT_FILEMODE_BLOB_EXECUTABLE:
                files.append(TreeFile(path: path, id: ObjectID(id), kind: .executable))
            case GIT_FILEMODE_LINK:
                files.append(TreeFile(path: path, id: ObjectID(id), kind: .symlink))
            default:
                continue
            }
        }
    }
}
