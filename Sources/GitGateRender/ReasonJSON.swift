import GitGateJSON
import GitGateVerdict

/// A reason or a note as JSON: `{"code", "target", "path", "message"}`, `null` where a field
/// does not apply. Status and the plan share it, so scripts read one shape.
public struct JSONReason: Encodable, Sendable, Equatable {
    public var code: String
    @Nullable public var target: String?
    @Nullable public var path: String?
    public var message: String

    public init(_ reason: Reason) {
        self.init(code: reason.code, target: reason.target, path: reason.path, message: reason.description)
    }

    public init(_ note: Note) {
        self.init(code: note.code, target: note.target, path: note.path, message: note.description)
    }

    init(code: String, target: String?, path: String?, message: String) {
        self.code = code
        self.target = target
        self.path = path
        self.message = message
    }
}
