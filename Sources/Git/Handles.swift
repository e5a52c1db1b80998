internal import CGit2
import Foundation

// Short-lived libgit2 handles live only inside these scopes, which free them on the way out.

/// Makes a handle with `create`, hands it to `body`, and frees it afterwards.
func withHandle<Result>(
    _ function: StaticString,
    hint: String? = nil,
    create: (UnsafeMutablePointer<OpaquePointer?>) -> Int32,
    free: (OpaquePointer) -> Void,
    _ body: (OpaquePointer) throws -> Result
) throws -> Result {
    var handle: OpaquePointer?
    try check(create(&handle), function, hint: hint)
    guard let handle else {
        throw GitError(function: "\(function)", code: -1, message: "libgit2 returned no object")
    }
    defer { free(handle) }
    return try body(handle)
}

func withCommit<Result>(_ repo: OpaquePointer, _ id: ObjectID, _ body: (OpaquePointer) throws -> Result) throws -> Result {
    var oid = id.oid
    return try withHandle(
        "git_commit_lookup",
        create: { git_commit_lookup($0, repo, &oid) },
        free: { git_commit_free($0) },
        body
    )
}

/// The root tree of commit `id`.
func withCommitTree<Result>(_ repo: OpaquePointer, _ id: ObjectID, _ body: (OpaquePointer) throws -> Result) throws -> Result {
    try withCommit(repo, id) { commit in
        try withHandle(
            "git_commit_tree",
            create: { git_commit_tree($0, commit) },
            free: { git_tree_free($0) },
            body
        )
    }
}

/// Like `withCommitTree`, but nil (the empty tree) when there is no commit.
func withOptionalCommitTree<Result>(
    _ repo: OpaquePointer, _ id: ObjectID?, _ body: (OpaquePointer?) throws -> Result
) throws -> Result {
    guard let id else { return try body(nil) }
    return try withCommitTree(repo, id) { try body($0) }
}

func withTree<Result>(_ repo: OpaquePointer, _ id: git_oid, _ body: (OpaquePointer) throws -> Result) throws -> Result {
    var oid = id
    return try withHandle(
        "git_tree_lookup",
        create: { git_tree_lookup($0, repo, &oid) },
        free: { git_tree_free($0) },
        body
    )
}

/// A `git_strarray` over copies of `strings`, valid only inside `body`.
func withStrarray<Result>(_ strings: [String], _ body: (git_strarray) throws -> Result) rethrows -> Result {
    var copies: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { copies.forEach { free($0) } }
    return try copies.withUnsafeMutableBufferPointer { buffer in
        try body(git_strarray(strings: buffer.baseAddress, count: buffer.count))
    }
}

/// Swift strings from a libgit2-owned `git_strarray`, which is then disposed.
func consume(_ array: inout git_strarray) -> [String] {
    defer { git_strarray_dispose(&array) }
    return (0..<array.count).compactMap { index in
        array.strings[index].map { String(cString: $0) }
    }
}

/// A string from a libgit2-owned `git_buf`, which is then disposed.
func consume(_ buffer: inout git_buf) -> String {
    defer { git_buf_dispose(&buffer) }
    guard let pointer = buffer.ptr else { return "" }
    return String(cString: pointer)
}

extension String {
    /// A repository-relative folder as libgit2 wants it: no "./" in front, no "/" behind, "" for the whole tree.
    var normalisedFolder: String {
        var path = Substring(self)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        while path.hasSuffix("/") { path = path.dropLast() }
        return path == "." ? "" : String(path)
    }

    /// libgit2 hands back directories with a trailing slash; we don't.
    var withoutTrailingSlash: String {
        var path = Substring(self)
        while path.count > 1 && path.hasSuffix("/") { path = path.dropLast() }
        return String(path)
    }
}
