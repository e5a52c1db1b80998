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
        try parse(text, strategy: .standard)
    }

    /// The same, read as `strategy` says (tests compare the piecewise and the whole-file paths).
    package static func parse(_ text: String, strategy: ScriptReading) throws(SQLError) -> SQLScript {
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
                try ScriptBuilder(buffer: buffer, lines: lines, strategy: strategy).build()
            }
        } catch let error as SQLError {
            throw error
        } catch {
            throw SQLError(message: "libpg_query returned output gitgate cannot read (\(error))", line: 1, column: 1, offset: 0)
        }
        return SQLScript(text: text, statements: parsed.statements, comments: parsed.comments, lines: lines)
    }
}

/// How `SQLScript.parse` reads a file: whole, or piecewise when it is large (`ScriptBuilder`).
/// Both give the same statements; the piecewise reading bounds memory by the largest statement
/// that creates or changes objects rather than by the file.
package struct ScriptReading: Sendable {
    /// Files of at least this many bytes are read piecewise.
    package var piecewiseFromBytes: Int
    /// A VALUES list whose rows after the first span at least this many bytes is read in pieces.
    package var valuesFromBytes: Int
    /// About how many bytes of rows one piece holds.
    package var valuesPieceBytes: Int
    /// How many bytes the scanner sees at a time.
    package var window: Int

    package init(piecewiseFromBytes: Int, valuesFromBytes: Int, valuesPieceBytes: Int, window: Int) {
        self.piecewiseFromBytes = piecewiseFromBytes
        self.valuesFromBytes = valuesFromBytes
        self.valuesPieceBytes = valuesPieceBytes
        self.window = window
    }

    /// Piecewise from 1 MiB (the files `ParseCache` does not keep), lists from 64 KiB, in pieces and
    /// windows of 256 KiB: about 4 MiB of libpg_query memory and 8 MiB of parse tree at a time.
    package static let standard = ScriptReading(piecewiseFromBytes: 1 << 20, valuesFromBytes: 64 << 10,
                                                valuesPieceBytes: 256 << 10, window: 256 << 10)
    /// Always whole: how every file was read before.
    package static let whole = ScriptReading(piecewiseFromBytes: .max, valuesFromBytes: .max, valuesPieceBytes: 1 << 30, window: 1 << 30)
    /// Piecewise for any file, every list of two rows or more, tiny pieces and windows: for tests.
    package static let piecewiseEverywhere = ScriptReading(piecewiseFromBytes: 0, valuesFromBytes: 0, valuesPieceBytes: 1, window: 16)
}
