internal import CGit2

/// A git object name (SHA-1), as 40 lowercase hex digits.
public struct ObjectID: Hashable, Sendable, CustomStringConvertible, Comparable {
    public let hex: String

    /// Accepts exactly 40 hex digits (any case); nil otherwise.
    public init?(hex: String) {
        let lower = hex.lowercased()
        guard lower.utf8.count == 40, lower.utf8.allSatisfy({ (48...57).contains($0) || (97...102).contains($0) }) else {
            return nil
        }
        self.hex = lower
    }

    init(_ oid: UnsafePointer<git_oid>) {
        var buffer = [CChar](repeating: 0, count: 40)
        git_oid_fmt(&buffer, oid)
        hex = String(decoding: buffer.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    init(_ oid: git_oid) {
        var copy = oid
        self.init(&copy)
    }

    /// nil for libgit2's all-zero "no object" id.
    static func nonZero(_ oid: git_oid) -> ObjectID? {
        var copy = oid
        return git_oid_is_zero(&copy) == 1 ? nil : ObjectID(copy)
    }

    var oid: git_oid {
        var oid = git_oid()
        // `hex` is validated on every path that builds an ObjectID, so parsing cannot fail.
        git_oid_fromstrn(&oid, hex, hex.utf8.count)
        return oid
    }

    /// The first 7 digits, as `git log --oneline` shows them.
    public var short: String { String(hex.prefix(7)) }

    public var description: String { hex }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.hex < rhs.hex }
}
