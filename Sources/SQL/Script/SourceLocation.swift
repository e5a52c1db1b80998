/// A position in a script.
public struct SourceLocation: Hashable, Sendable, CustomStringConvertible {
    /// 1-based line.
    public let line: Int
    /// 1-based column, counted in Unicode scalars (a UTF-8 BOM does not count).
    public let column: Int
    /// 0-based byte offset in the script's UTF-8.
    public let offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String { "\(line):\(column)" }
}
