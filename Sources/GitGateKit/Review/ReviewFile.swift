import Foundation
import SQL

/// A migration file to review: its path as the user named it, and its bytes.
public struct ReviewFile: Sendable, Hashable {
    public var path: String
    public var contents: Data

    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }
}

/// A file read and parsed, or why it could not be.
enum ParsedFile: Sendable {
    case script(SQLScript)
    /// Not UTF-8, or binary (a NUL byte): the line of the first offending byte.
    case notText(line: Int, reason: String)
    case syntaxError(SQLError)

    init(_ contents: Data) {
        if let nul = contents.firstIndex(of: 0) {
            self = .notText(line: Self.line(of: nul - contents.startIndex, in: contents), reason: "it contains a NUL byte (a binary file?)")
            return
        }
        if let bad = Self.firstInvalidUTF8(contents) {
            self = .notText(line: Self.line(of: bad, in: contents), reason: "it is not valid UTF-8 (byte \(bad + 1))")
            return
        }
        do {
            self = .script(try SQLScript.parse(String(decoding: contents, as: UTF8.self)))
        } catch {
            self = .syntaxError(error)
        }
    }

    /// The 0-based offset of the first byte that is not part of valid UTF-8, nil for valid text.
    static func firstInvalidUTF8(_ data: Data) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    static func line(of offset: Int, in data: Data) -> Int {
        1 + data.prefix(offset).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
    }
}
