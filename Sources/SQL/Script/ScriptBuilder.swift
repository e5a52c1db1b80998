/// Turns libpg_query's parse tree and token stream for one file into statements:
/// one parse of the whole file, one scan for the comments and the exact first and
/// last token of each statement (libpg_query's stmt_location starts right after the
/// previous semicolon, comments and blank lines included).
///
/// A large file (`ScriptReading.piecewiseFromBytes`) is read piecewise, so that memory follows
/// the statements rather than the bytes: it is scanned in windows (`WindowedScan`), and the rows
/// of a long `INSERT … VALUES` after its first are blanked out of the whole-file parse and parsed
/// a piece at a time (`BulkValues`), keeping only what `InsertedRows` keeps. Every other statement
/// is parsed exactly as before, in the same one parse. Whatever the piecewise reading cannot
/// vouch for (a syntax or lexical error anywhere, a VALUES list that turns out to be part of
/// something else) sends the file down the whole-file path, which reports it as it always did.
struct ScriptBuilder {
    /// The file's UTF-8, NUL-terminated, a BOM blanked.
    let buffer: UnsafeBufferPointer<UInt8>
    let lines: LineIndex
    var strategy: ScriptReading = .standard

    private var count: Int { buffer.count - 1 }
    private var input: UnsafePointer<CChar> {
        UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
    }

    private struct RawStatement {
        var node: Node
        var kind: String
        var range: Range<Int>
    }

    func build() throws -> (statements: [Statement], comments: [Comment]) {
        if count >= strategy.piecewiseFromBytes, let built = try? buildPiecewise() {
            return built
        }
        return try buildWhole()
    }

    /// The file in one parse and one scan.
    private func buildWhole() throws -> (statements: [Statement], comments: [Comment]) {
        let raws: [RawStatement]
        do {
            raws = try LibPgQuery.parse(input) { json in
                try rawStatements(JSONReader.read(json, source: UnsafeBufferPointer(rebasing: buffer[0..<count])))
            }
        } catch let failure as LibPgQuery.Failure {
            throw syntaxError(failure)
        }
        do {
            return try assemble(raws, rows: [:]) { body in
                try LibPgQuery.scan(input) { protobuf in
                    var tokens = ScanTokens(protobuf)
                    while let token = try tokens.next() { try body(token) }
                }
            }
        } catch let failure as LibPgQuery.Failure {
            // The parser accepted what the scanner rejects: not expected, but report it.
            throw syntaxError(failure)
        }
    }

    /// The file scanned in windows, long VALUES lists parsed in pieces; nil (or a throw) when
    /// only the whole-file path can tell.
    private func buildPiecewise() throws -> (statements: [Statement], comments: [Comment])? {
        let source = UnsafeBufferPointer(rebasing: buffer[0..<count])
        let scan = WindowedScan(bytes: source, window: strategy.window)
        var finder = BulkValues.Finder(source: source, minimumBytes: strategy.valuesFromBytes, pieceBytes: strategy.valuesPieceBytes)
        try scan.forEachToken { finder.take($0) }
        let lists = finder.finish()

        // One parse of the file with each long list's later rows blanked: offsets stay the file's.
        var blanked = [UInt8](buffer)
        for list in lists { blanked.replaceSubrange(list.blanked, with: repeatElement(0x20, count: list.blanked.count)) }
        let raws: [RawStatement] = try blanked.withUnsafeBufferPointer { blanked in
            let input = UnsafeRawPointer(blanked.baseAddress!).assumingMemoryBound(to: CChar.self)
            return try LibPgQuery.parse(input) { json in
                try rawStatements(JSONReader.read(json, source: UnsafeBufferPointer(rebasing: blanked[0..<count])))
            }
        }
        blanked = []

        // Each list must be the VALUES of an INSERT that starts where it was found; its rows
        // come from parsing them a piece at a time.
        var rows: [Int: InsertedRows] = [:]
        for list in lists {
            guard let raw = raws.first(where: { $0.range.contains(list.insertStart) }),
                  raw.kind == "InsertStmt", let skeleton = DataChanges.literalRows(raw.node.fields), skeleton.count == 1
            else { return nil }
            var all = InsertedRows(columns: skeleton.columns, rows: [], count: 0, onConflict: skeleton.onConflict)
            for piece in list.pieces {
                guard let more = BulkValues.rows(head: list.head, piece: piece, in: source) else { return nil }
                all.append(contentsOf: more)
            }
            rows[list.insertStart] = all
        }
        return try assemble(raws, rows: rows) { body in try scan.forEachToken(body) }
    }

    /// Statements from the parse and the tokens (comments, first and last token of each).
    /// `rows[offset]` replaces the rows of the INSERT whose first token is at `offset`.
    private func assemble(_ raws: [RawStatement], rows: [Int: InsertedRows],
                          tokens forEachToken: ((ScanToken) throws -> Void) throws -> Void) throws
        -> (statements: [Statement], comments: [Comment]) {
        // Tokens come in order, so one pass assigns each to its statement.
        let starts = raws.map(\.range.lowerBound)
        let ends = raws.map(\.range.upperBound)
        var first = [Int](repeating: -1, count: raws.count)
        var last = [Int](repeating: -1, count: raws.count)
        var commentRanges: [Range<Int>] = []
        var current = 0
        try forEachToken { token in
            if token.isComment {
                commentRanges.append(token.start..<token.end)
                return
            }
            if token.kind == ScanToken.semicolon { return }
            while current < ends.count && token.start >= ends[current] { current += 1 }
            guard current < ends.count, token.start >= starts[current] else { return }
            if first[current] < 0 { first[current] = token.start }
            last[current] = token.end
        }

        let comments = commentRanges.map { range in
            let start = lines.location(of: range.lowerBound)
            return Comment(text: text(range), line: start.line, column: start.column, offset: range.lowerBound,
                           endLine: lines.location(of: max(range.lowerBound, range.upperBound - 1)).line)
        }

        var statements: [Statement] = []
        statements.reserveCapacity(raws.count)
        var nextComment = 0
        var previousEnd = 0
        var rowsUsed = 0
        for (index, raw) in raws.enumerated() {
            let start = first[index] >= 0 ? first[index] : raw.range.lowerBound
            let end = last[index] >= 0 ? last[index] : raw.range.upperBound
            var leading: [Comment] = []
            while nextComment < comments.count && comments[nextComment].offset < start {
                if comments[nextComment].offset >= previousEnd { leading.append(comments[nextComment]) }
                nextComment += 1
            }
            statements.append(Statement(
                text: text(start..<end),
                start: lines.location(of: start),
                endOffset: end,
                endLine: lines.location(of: max(start, end - 1)).line,
                node: raw.node,
                kind: raw.kind,
                leadingComments: leading,
                insertedRows: rows[start]
            ))
            if rows[start] != nil { rowsUsed += 1 }
            previousEnd = end
        }
        // Every list read in pieces must be a statement's own VALUES.
        guard rowsUsed == rows.count else { throw WindowedScan.Unreliable() }
        return (statements, comments)
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// `{"version": …, "stmts": [{"stmt": {Kind: {…}}, "stmt_location": n, "stmt_len": n}]}`;
    /// zero fields are left out, and the last statement's length is 0 when it has no semicolon.
    private func rawStatements(_ root: Node) throws -> [RawStatement] {
        (root["stmts"]?.array ?? []).compactMap { item in
            guard let node = item["stmt"], let kind = node.tag else { return nil }
            let location = item["stmt_location"]?.int ?? 0
            let length = item["stmt_len"]?.int ?? 0
            let end = length > 0 ? min(location + length, count) : count
            return RawStatement(node: node, kind: kind, range: location..<end)
        }
    }

    // MARK: Locating a syntax error

    private func syntaxError(_ failure: LibPgQuery.Failure) -> SQLError {
        let offset = failure.cursor > 0
            ? Self.byteOffset(ofCharacter: failure.cursor, in: UnsafeBufferPointer(rebasing: buffer[0..<count]))
            : failingStatementStart() ?? 0
        let at = lines.location(of: offset)
        return SQLError(message: failure.message, line: at.line, column: at.column, offset: offset)
    }

    /// For an error PostgreSQL gives no position for: the start of the first statement
    /// that fails to parse on its own.
    private func failingStatementStart() -> Int? {
        guard let ranges = try? LibPgQuery.splitWithScanner(input) else { return nil }
        for range in ranges {
            let end = range.upperBound > range.lowerBound ? min(range.upperBound, count) : count
            var piece = Array(buffer[range.lowerBound..<end])
            piece.append(0)
            let located: Int?? = piece.withUnsafeBufferPointer { piece in
                let input = UnsafeRawPointer(piece.baseAddress!).assumingMemoryBound(to: CChar.self)
                do {
                    try LibPgQuery.parse(input) { _ in }
                    return .some(nil)
                } catch let failure as LibPgQuery.Failure {
                    if failure.cursor > 0 {
                        return Self.byteOffset(ofCharacter: failure.cursor, in: UnsafeBufferPointer(rebasing: piece.dropLast()))
                    }
                    return Self.firstToken(input)
                } catch {
                    return .some(nil)
                }
            }
            if case .some(.some(let offset)) = located { return range.lowerBound + offset }
        }
        return nil
    }

    private static func firstToken(_ input: UnsafePointer<CChar>) -> Int {
        var first: Int?
        try? LibPgQuery.scan(input) { protobuf in
            var tokens = ScanTokens(protobuf)
            while first == nil, let token = try tokens.next() {
                if !token.isComment { first = token.start }
            }
        }
        return first ?? 0
    }

    /// The byte offset of PostgreSQL's 1-based character position.
    static func byteOffset(ofCharacter cursor: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var remaining = cursor - 1
        for (index, byte) in bytes.enumerated() where byte & 0xC0 != 0x80 {
            if remaining == 0 { return index }
            remaining -= 1
        }
        return bytes.count
    }
}
