/// A file of SQL, parsed once by PostgreSQL's own parser (libpg_query).
public struct SQLScript: Sendable {
    /// The file as given.
    public let text: String
    public let statements: [Statement]
    /// Every comment of the file, in order, inside statements or between them.
    public let comments: [Comment]
    private let lines: LineIndex

    /// Where a byte offset of the file is, e.g. a `location` field of a parse tree node.
    public func location(ofOffset offset: Int) -> SourceLocation {
        lines.location(of: offset)
    }

    /// Parses a whole file. A UTF-8 byte order mark is ignored; CRLF line ends are fine.
    /// Throws `SQLError`, located in the file, when PostgreSQL's grammar rejects the SQL.
    public static func parse(_ text: String) throws(SQLError) -> SQLScript {
        var bytes = Array(text.utf8)
        let hasBOM = bytes.starts(with: [0xEF, 0xBB, 0xBF])
        let lines = LineIndex(bytes: bytes, hasBOM: hasBOM)
        // Blank the BOM rather than drop it, so that offsets stay the file's.
        if hasBOM { bytes.replaceSubrange(0..<3, with: [0x20, 0x20, 0x20]) }
        if let nul = bytes.firstIndex(of: 0) {
            let at = lines.location(of: nul)
            throw SQLError(message: "the file contains a NUL byte, which SQL cannot", line: at.line, column: at.column, offset: nul)
        }
        bytes.append(0)
        let parsed: (statements: [Statement], comments: [Comment])
        do {
            parsed = try bytes.withUnsafeBufferPointer { buffer in
                try ScriptBuilder(buffer: buffer, lines: lines).build()
            }
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError(message: "libpg_query returned output gitgate cannot read (\(error))", line: 1, column: 1, offset: 0)
        }
        return SQLScript(text: text, statements: parsed.statements, comments: parsed.comments, lines: lines)
    }
}
