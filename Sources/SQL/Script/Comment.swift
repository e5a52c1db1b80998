/// A `-- line` or `/* block */` comment of a script.
public struct Comment: Hashable, Sendable {
    /// The comment as written, markers included.
    public let text: String
    public let line: Int
    public let column: Int
    /// 0-based byte offset of its first character.
    public let offset: Int
    /// The line it ends on (a block comment may span lines).
    public let endLine: Int

    public init(text: String, line: Int, column: Int, offset: Int, endLine: Int) {
        self.text = text
        self.line = line
        self.column = column
        self.offset = offset
        self.endLine = endLine
    }

    public var isBlock: Bool { text.hasPrefix("/*") }

    /// The text without its markers and surrounding whitespace:
    /// `gitgate:allow ban-drop-table because …` for `-- gitgate:allow ban-drop-table because …`.
    public var content: String {
        var body = Substring(text)
        if body.hasPrefix("--") {
            body = body.dropFirst(2)
        } else if body.hasPrefix("/*") {
            body = body.dropFirst(2)
            if body.hasSuffix("*/") { body = body.dropLast(2) }
        }
        return String(body.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
