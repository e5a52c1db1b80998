internal import CGit2

/// A failed libgit2 call: which function, its error code, and libgit2's own message.
public struct GitError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The broad class of a failure, for callers that must tell "absent" from "broken".
    public enum Kind: Sendable, Equatable, CaseIterable {
        case notFound, exists, ambiguous, unbornBranch, locked, conflict, invalid, other
    }

    /// The libgit2 function that failed, e.g. `git_repository_open_ext`.
    public let function: String
    /// The libgit2 return code (negative).
    public let code: Int32
    /// What libgit2 (or this wrapper) said happened.
    public let message: String
    /// What the person can do about it, when we know.
    public let hint: String?

    public init(function: String, code: Int32, message: String, hint: String? = nil) {
        self.function = function
        self.code = code
        self.message = message
        self.hint = hint
    }

    /// A failure of `kind`, with libgit2's code for it (for callers and tests that make one).
    public init(kind: Kind, function: String, message: String, hint: String? = nil) {
        let code: Int32 = switch kind {
        case .notFound: GIT_ENOTFOUND.rawValue
        case .exists: GIT_EEXISTS.rawValue
        case .ambiguous: GIT_EAMBIGUOUS.rawValue
        case .unbornBranch: GIT_EUNBORNBRANCH.rawValue
        case .locked: GIT_ELOCKED.rawValue
        case .conflict: GIT_ECONFLICT.rawValue
        case .invalid: GIT_EINVALIDSPEC.rawValue
        case .other: GIT_ERROR.rawValue
        }
        self.init(function: function, code: code, message: message, hint: hint)
    }

    public var kind: Kind {
        switch code {
        case GIT_ENOTFOUND.rawValue: .notFound
        case GIT_EEXISTS.rawValue: .exists
        case GIT_EAMBIGUOUS.rawValue: .ambiguous
        case GIT_EUNBORNBRANCH.rawValue: .unbornBranch
        case GIT_ELOCKED.rawValue: .locked
        case GIT_ECONFLICT.rawValue, GIT_EMERGECONFLICT.rawValue: .conflict
        case GIT_EINVALIDSPEC.rawValue, GIT_EINVALID.rawValue: .invalid
        default: .other
        }
    }

    public var description: String {
        var text = message
        if let hint { text += "; \(hint)" }
        return text + " (libgit2 \(function), code \(code))"
    }

    /// The same failure with a hint for the person reading it.
    func with(hint: String) -> GitError {
        GitError(function: function, code: code, message: message, hint: hint)
    }

    /// The same failure told in our own words (libgit2's text is often terse).
    func with(message: String, hint: String? = nil) -> GitError {
        GitError(function: function, code: code, message: message, hint: hint ?? self.hint)
    }
}

/// The one path from a libgit2 return code to a Swift error. libgit2 keeps its last
/// error per thread, so this must run right after the call, on the same thread.
@discardableResult
func check(_ result: Int32, _ function: StaticString, hint: String? = nil) throws(GitError) -> Int32 {
    guard result < 0 else { return result }
    var message = "libgit2 reported no detail"
    if let last = git_error_last(), let text = last.pointee.message {
        // One line, whatever libgit2 wrote.
        message = String(cString: text).trimmingTrailingNewlines()
            .split(whereSeparator: \.isNewline).joined(separator: " ")
    }
    git_error_clear()
    throw GitError(function: "\(function)", code: result, message: message, hint: hint)
}

extension String {
    func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while text.last == "\n" || text.last == "\r" { text = text.dropLast() }
        return String(text)
    }
}
