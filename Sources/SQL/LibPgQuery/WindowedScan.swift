/// The tokens of a large input, scanned in windows so that libpg_query's scanner never holds
/// the whole of it: `pg_query_scan` of a 10 MB INSERT peaks at about 120 MiB (a protobuf-c
/// message per token, and a copy of every literal that lives until the scan ends), a window of
/// `ScriptReading.window` bytes at a few MiB.
///
/// Why the tokens are the whole scan's: a window starts just after a `,` or `;` token of the
/// previous one, where the whole scan is between tokens too (the scanner's initial state), and
/// only the tokens up to the window's last `,` or `;` are taken. Those are single-character
/// tokens that no longer token starts with or runs across (a string, a comment, a quoted name
/// would contain it), so nothing before one depends on where the window ends. A window cut
/// inside a string or comment fails with the cursor at the string's start; the window is then
/// scanned up to there. A window with no `,` or `;` grows.
///
/// Throws `Unreliable` when the input has a real lexical error (or no window can be cut): the
/// caller then scans the whole input, which reports the error exactly as before.
struct WindowedScan {
    struct Unreliable: Error {}

    /// The input's UTF-8 without the terminating NUL.
    let bytes: UnsafeBufferPointer<UInt8>
    let window: Int

    /// Calls `body` with every token of the input, in order, offsets in the input.
    func forEachToken(_ body: (ScanToken) throws -> Void) throws {
        var start = 0
        var size = max(window, 16)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(size + 1)
        while start < bytes.count {
            let end = min(bytes.count, start + size)
            let isLast = end == bytes.count
            var tokens: [ScanToken]
            var cutInsideToken = false
            do {
                tokens = try scan(start..<end, into: &scratch)
            } catch let failure as LibPgQuery.Failure {
                // The whole rest of the input fails: a real error.
                if isLast { throw Unreliable() }
                let cut = failure.cursor > 0
                    ? ScriptBuilder.byteOffset(ofCharacter: failure.cursor, in: UnsafeBufferPointer(rebasing: bytes[start..<end]))
                    : 0
                guard cut > 0, let before = try? scan(start..<(start + cut), into: &scratch) else {
                    size *= 2
                    continue
                }
                tokens = before
                cutInsideToken = true
            }
            if isLast && !cutInsideToken {
                for token in tokens { try body(token.shifted(by: start)) }
                return
            }
            guard let boundary = tokens.lastIndex(where: { $0.kind == ScanToken.comma || $0.kind == ScanToken.semicolon }) else {
                size *= 2
                continue
            }
            for token in tokens[...boundary] { try body(token.shifted(by: start)) }
            start += tokens[boundary].end
            size = max(window, 16)
        }
    }

    /// The tokens of `range`, offsets in the range.
    private func scan(_ range: Range<Int>, into scratch: inout [UInt8]) throws -> [ScanToken] {
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[range]))
        scratch.append(0)
        return try scratch.withUnsafeBufferPointer { buffer in
            let input = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var found: [ScanToken] = []
            try LibPgQuery.scan(input) { protobuf in
                var tokens = ScanTokens(protobuf)
                while let token = try tokens.next() { found.append(token) }
            }
            return found
        }
    }
}

extension ScanToken {
    func shifted(by offset: Int) -> ScanToken {
        ScanToken(start: start + offset, end: end + offset, kind: kind)
    }
}
