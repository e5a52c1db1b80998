internal import CPgQuery
#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// The only place that calls libpg_query. Every result is freed before the
/// function returns; callers read the C buffers only inside the closures.
enum LibPgQuery {
    /// A parse or scan error as libpg_query reports it. `cursor` is PostgreSQL's
    /// 1-based character (not byte) position in the input, 0 when unknown.
    struct Failure: Error {
        var message: String
        var cursor: Int
    }

    /// Parses `input` (NUL-terminated UTF-8) and hands the JSON parse tree to `body`.
    static func parse<T>(
        _ input: UnsafePointer<CChar>,
        reading body: (UnsafeBufferPointer<UInt8>) throws -> T
    ) throws -> T {
        let result = pg_query_parse(input)
        defer { pg_query_free_parse_result(result) }
        // On error parse_tree may still be set (to an empty tree): check the error first.
        if let error = result.error { throw failure(error.pointee) }
        guard let tree = result.parse_tree else {
            throw Failure(message: "libpg_query returned no parse tree", cursor: 0)
        }
        return try tree.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
            try body(UnsafeBufferPointer(start: start, count: strlen(tree)))
        }
    }

    /// Scans `input` into tokens and hands the ScanResult protobuf to `body`.
    static func scan<T>(
        _ input: UnsafePointer<CChar>,
        reading body: (UnsafeBufferPointer<UInt8>) throws -> T
    ) throws -> T {
        let result = pg_query_scan(input)
        defer { pg_query_free_scan_result(result) }
        if let error = result.error { throw failure(error.pointee) }
        guard let data = result.pbuf.data else {
            return try body(UnsafeBufferPointer(start: nil, count: 0))
        }
        return try data.withMemoryRebound(to: UInt8.self, capacity: 1) { start in
            try body(UnsafeBufferPointer(start: start, count: result.pbuf.len))
        }
    }

    /// Splits `input` into statements with the scanner, which tolerates
    /// statements the grammar rejects: byte ranges, each up to (not including) its semicolon.
    static func splitWithScanner(_ input: UnsafePointer<CChar>) throws -> [Range<Int>] {
        let result = pg_query_split_with_scanner(input)
        defer { pg_query_free_split_result(result) }
        if let error = result.error { throw failure(error.pointee) }
        var ranges: [Range<Int>] = []
        ranges.reserveCapacity(Int(result.n_stmts))
        for index in 0..<Int(result.n_stmts) {
            guard let stmt = result.stmts[index]?.pointee else { continue }
            let start = Int(stmt.stmt_location)
            ranges.append(start..<(start + Int(stmt.stmt_len)))
        }
        return ranges
    }

    private static func failure(_ error: PgQueryError) -> Failure {
        let message = error.message.map { String(cString: $0) } ?? "unknown error"
        return Failure(message: message, cursor: Int(error.cursorpos))
    }
}
