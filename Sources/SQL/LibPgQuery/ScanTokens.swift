/// A token from libpg_query's scanner: a byte range of the input.
struct ScanToken {
    var start: Int
    var end: Int
    var kind: Int

    // Values of the protobuf `Token` enum in pg_query.proto.
    static let semicolon = 59
    static let comma = 44
    static let openParenthesis = 40
    static let closeParenthesis = 41
    static let lineComment = 275   // SQL_COMMENT
    static let blockComment = 276  // C_COMMENT

    var isComment: Bool { kind == Self.lineComment || kind == Self.blockComment }
}

/// Decodes the `ScanResult` protobuf: `repeated ScanToken tokens = 2`, each
/// `{int32 start = 1; int32 end = 2; Token token = 4; KeywordKind keyword_kind = 5}`.
struct ScanTokens {
    struct Malformed: Error {}

    private var reader: ProtobufReader

    init(_ buffer: UnsafeBufferPointer<UInt8>) {
        reader = ProtobufReader(buffer: buffer, range: 0..<buffer.count)
    }

    /// The next token, nil at the end.
    mutating func next() throws -> ScanToken? {
        while let (field, wireType) = try reader.nextField() {
            guard field == 2, wireType == 2 else {
                try reader.skip(wireType: wireType)
                continue
            }
            var message = try reader.embedded()
            var token = ScanToken(start: 0, end: 0, kind: 0)
            while let (field, wireType) = try message.nextField() {
                switch (field, wireType) {
                case (1, 0): token.start = Int(truncatingIfNeeded: try message.varint())
                case (2, 0): token.end = Int(truncatingIfNeeded: try message.varint())
                case (4, 0): token.kind = Int(truncatingIfNeeded: try message.varint())
                default: try message.skip(wireType: wireType)
                }
            }
            return token
        }
        return nil
    }
}

/// Just enough protobuf wire format for the scanner's output.
private struct ProtobufReader {
    let buffer: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    init(buffer: UnsafeBufferPointer<UInt8>, range: Range<Int>) {
        self.buffer = buffer
        index = range.lowerBound
        end = range.upperBound
    }

    mutating func nextField() throws -> (field: UInt64, wireType: UInt64)? {
        guard index < end else { return nil }
        let key = try varint()
        return (key >> 3, key & 7)
    }

    mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < end, shift < 64 {
            let byte = buffer[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw ScanTokens.Malformed()
    }

    mutating func embedded() throws -> ProtobufReader {
        let length = Int(truncatingIfNeeded: try varint())
        guard length >= 0, index + length <= end else { throw ScanTokens.Malformed() }
        defer { index += length }
        return ProtobufReader(buffer: buffer, range: index..<(index + length))
    }

    mutating func skip(wireType: UInt64) throws {
        switch wireType {
        case 0: _ = try varint()
        case 1: index += 8
        case 2:
            let length = Int(truncatingIfNeeded: try varint())
            guard length >= 0 else { throw ScanTokens.Malformed() }
            index += length
        case 5: index += 4
        default: throw ScanTokens.Malformed()
        }
        guard index <= end else { throw ScanTokens.Malformed() }
    }
}
