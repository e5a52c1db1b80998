/// A long `INSERT INTO … VALUES (…), (…), …` read without building its whole parse tree: the
/// parse of a 10 MB list of literals takes about 120 MiB in libpg_query and twice that as a
/// `Node` tree. `ScriptBuilder` parses the file with such a list's rows after the first blanked
/// out (the statement's tree then has its first row), and reads the rows here, a piece of
/// `ScriptReading.valuesPieceBytes` at a time: each piece is parsed by PostgreSQL's grammar
/// as `INSERT INTO … VALUES <piece>`, so every row is still checked, and only what
/// `InsertedRows` keeps of them survives.
enum BulkValues {
    /// One list found by `Finder`, in byte offsets of the file.
    struct List {
        /// The INSERT keyword: the statement's first token.
        var insertStart: Int
        /// From INSERT to the end of VALUES.
        var head: Range<Int>
        /// The rows after the first, with the commas and comments between them.
        var blanked: Range<Int>
        /// Every row, the first included, in pieces of whole rows.
        var pieces: [Range<Int>]
    }

    /// Finds the lists from the file's tokens: a statement that starts with INSERT, whose
    /// first `VALUES` outside parentheses is followed by parenthesized rows separated by commas.
    /// Whether it really is such an INSERT is the parse's to say (`ScriptBuilder` checks).
    struct Finder {
        let source: UnsafeBufferPointer<UInt8>
        /// Lists whose rows after the first span fewer bytes are parsed whole.
        let minimumBytes: Int
        let pieceBytes: Int

        private enum Phase {
            case idle, head, expectRow, inRow, afterRow
        }

        private var phase = Phase.idle
        private var atStatementStart = true
        private var depth = 0
        private var insertStart = 0
        private var valuesEnd = 0
        private var firstRowEnd = 0
        private var lastRowEnd = 0
        private var rowCount = 0
        private var pieceStart = 0
        private var pieces: [Range<Int>] = []
        private var found: [List] = []

        init(source: UnsafeBufferPointer<UInt8>, minimumBytes: Int, pieceBytes: Int) {
            self.source = source
            self.minimumBytes = minimumBytes
            self.pieceBytes = max(1, pieceBytes)
        }

        mutating func take(_ token: ScanToken) {
            if token.isComment { return }
            let isSemicolon = token.kind == ScanToken.semicolon
            switch phase {
            case .idle:
                if atStatementStart && isWord(token, "insert") {
                    phase = .head
                    insertStart = token.start
                    depth = 0
                }
            case .head:
                if isSemicolon {
                    phase = .idle
                } else if token.kind == ScanToken.openParenthesis {
                    depth += 1
                } else if token.kind == ScanToken.closeParenthesis {
                    depth -= 1
                } else if depth == 0 && isWord(token, "values") {
                    valuesEnd = token.end
                    rowCount = 0
                    pieces = []
                    phase = .expectRow
                }
            case .expectRow:
                if token.kind == ScanToken.openParenthesis {
                    if rowCount == 0 || pieceStart < 0 { pieceStart = token.start }
                    depth = 1
                    phase = .inRow
                } else {
                    phase = .idle
                }
            case .inRow:
                if isSemicolon {
                    phase = .idle
                } else if token.kind == ScanToken.openParenthesis {
                    depth += 1
                } else if token.kind == ScanToken.closeParenthesis {
                    depth -= 1
                    if depth == 0 {
                        rowCount += 1
                        if rowCount == 1 { firstRowEnd = token.end }
                        lastRowEnd = token.end
                        if token.end - pieceStart >= pieceBytes {
                            pieces.append(pieceStart..<token.end)
                            pieceStart = -1
                        }
                        phase = .afterRow
                    }
                }
            case .afterRow:
                if token.kind == ScanToken.comma {
                    phase = .expectRow
                } else {
                    endList()
                }
            }
            atStatementStart = isSemicolon
        }

        /// The lists found, in file order.
        mutating func finish() -> [List] {
            if phase == .afterRow { endList() }
            return found
        }

        private mutating func endList() {
            phase = .idle
            if pieceStart >= 0 { pieces.append(pieceStart..<lastRowEnd) }
            pieceStart = -1
            guard rowCount >= 2, lastRowEnd - firstRowEnd >= minimumBytes else { return }
            found.append(List(insertStart: insertStart, head: insertStart..<valuesEnd,
                              blanked: firstRowEnd..<lastRowEnd, pieces: pieces))
        }

        /// An unquoted keyword, any case.
        private func isWord(_ token: ScanToken, _ word: StaticString) -> Bool {
            guard token.end - token.start == word.utf8CodeUnitCount else { return false }
            for offset in 0..<word.utf8CodeUnitCount where source[token.start + offset] | 0x20 != word.utf8Start[offset] {
                return false
            }
            return true
        }
    }

    /// The rows of `piece`, parsed as `<head> <piece>`; nil when PostgreSQL's grammar rejects
    /// them or they are not plain VALUES rows (the whole-file parse then says why).
    static func rows(head: Range<Int>, piece: Range<Int>, in source: UnsafeBufferPointer<UInt8>) -> [[InsertedRows.Literal?]]? {
        var text = [UInt8]()
        text.reserveCapacity(head.count + piece.count + 2)
        text.append(contentsOf: UnsafeBufferPointer(rebasing: source[head]))
        text.append(0x20)
        text.append(contentsOf: UnsafeBufferPointer(rebasing: source[piece]))
        text.append(0)
        return text.withUnsafeBufferPointer { buffer -> [[InsertedRows.Literal?]]? in
            let input = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            let root = try? LibPgQuery.parse(input) { json in
                try JSONReader.read(json, source: UnsafeBufferPointer(rebasing: buffer.dropLast()))
            }
            guard let statements = root?["stmts"]?.array, statements.count == 1,
                  let insert = statements[0]["stmt"]?["InsertStmt"], insert["withClause"] == nil,
                  let select = insert["selectStmt"]?.fields, select["withClause"] == nil,
                  let lists = select["valuesLists"]?.array
            else { return nil }
            return lists.map(DataChanges.literals)
        }
    }
}
