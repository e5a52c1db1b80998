/// Turns byte offsets into lines and columns in O(log lines) each, so locating
/// every statement of a large file stays linear overall, even on one long line.
struct LineIndex: Sendable {
    private let bytes: [UInt8]
    /// Byte offset where each line starts; line 1 starts after a BOM.
    private let lineStarts: [Int]
    /// UTF-8 continuation bytes before each block of `blockSize` bytes.
    private let continuationsBefore: [Int]
    private static let blockSize = 256

    /// `bytes` is the file's UTF-8 without a terminating NUL.
    init(bytes: [UInt8], hasBOM: Bool) {
        self.bytes = bytes
        var starts = [hasBOM ? 3 : 0]
        var blocks: [Int] = []
        blocks.reserveCapacity(bytes.count / Self.blockSize + 1)
        var continuations = 0
        for (index, byte) in bytes.enumerated() {
            if index % Self.blockSize == 0 { blocks.append(continuations) }
            if byte == 0x0A {
                starts.append(index + 1)
            } else if byte & 0xC0 == 0x80 {
                continuations += 1
            }
        }
        blocks.append(continuations)
        lineStarts = starts
        continuationsBefore = blocks
    }

    func location(of offset: Int) -> SourceLocation {
        let offset = max(0, min(offset, bytes.count))
        // The last line starting at or before `offset`.
        var low = 0
        var high = lineStarts.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if lineStarts[mid] <= offset { low = mid } else { high = mid - 1 }
        }
        let start = lineStarts[low]
        guard offset > start else { return SourceLocation(line: low + 1, column: 1, offset: offset) }
        let scalars = (offset - start) - (continuations(before: offset) - continuations(before: start))
        return SourceLocation(line: low + 1, column: scalars + 1, offset: offset)
    }

    private func continuations(before offset: Int) -> Int {
        let block = offset / Self.blockSize
        var count = continuationsBefore[block]
        var index = block * Self.blockSize
        while index < offset {
            if bytes[index] & 0xC0 == 0x80 { count += 1 }
            index += 1
        }
        return count
    }
}
