/// SQL that PostgreSQL's parser rejects, located in the whole file.
public struct SQLError: Error, CustomStringConvertible, Hashable, Sendable, Codable {
    /// PostgreSQL's own message, e.g. `syntax error at or near "frm"`.
    public let message: String
    /// 1-based line in the file.
    public let line: Int
    /// 1-based column, counted in Unicode scalars.
    public let column: Int
    /// 0-based byte offset in the file's UTF-8.
    public let offset: Int

    public init(message: String, line: Int, column: Int, offset: Int) {
        self.message = message
        self.line = line
        self.column = column
        self.offset = offset
    }

    public var description: String {
        "line \(line), column \(column): \(message); fix the SQL so PostgreSQL can parse it"
    }
}
