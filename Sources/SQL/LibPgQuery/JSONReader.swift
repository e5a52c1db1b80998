/// Reads the JSON libpg_query produces straight into `Node`s. Faster than going
/// through JSONSerialization and `Any`, and keeps integers and booleans distinct.
struct JSONReader {
    struct Malformed: Error {
        var offset: Int
    }

    private let base: UnsafePointer<UInt8>
    private let count: Int
    /// The SQL the tree was parsed from, to restore negative integer constants.
    private let source: UnsafeBufferPointer<UInt8>
    private var index = 0
    // Shared scratch stacks: each object and array is built with one exact-size allocation, its
    // elements moved (not copied and released) out of the stack.
    private var fieldStack = Scratch<Node.Field>()
    private var itemStack = Scratch<Node>()

    /// Reads the single JSON value in `buffer`, a tree parsed from `source`.
    static func read(_ buffer: UnsafeBufferPointer<UInt8>, source: UnsafeBufferPointer<UInt8>) throws -> Node {
        guard let base = buffer.baseAddress else { throw Malformed(offset: 0) }
        var reader = JSONReader(base: base, count: buffer.count, source: source)
        defer {
            reader.fieldStack.free()
            reader.itemStack.free()
        }
        let value = try reader.value()
        reader.skipWhitespace()
        guard reader.index == reader.count else { throw Malformed(offset: reader.index) }
        return value
    }

    private init(base: UnsafePointer<UInt8>, count: Int, source: UnsafeBufferPointer<UInt8>) {
        self.base = base
        self.count = count
        self.source = source
    }

    private func peek() -> UInt8 { index < count ? base[index] : 0 }

    private mutating func skipWhitespace() {
        while index < count {
            switch base[index] {
            case 0x20, 0x0A, 0x0D, 0x09: index += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8) throws {
        skipWhitespace()
        guard peek() == byte else { throw Malformed(offset: index) }
        index += 1
    }

    private mutating func value() throws -> Node {
        skipWhitespace()
        switch peek() {
        case UInt8(ascii: "{"): return try object()
        case UInt8(ascii: "["): return try array()
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "t"): try literal("true"); return .bool(true)
        case UInt8(ascii: "f"): try literal("false"); return .bool(false)
        case UInt8(ascii: "n"): try literal("null"); return .null
        default: return try number()
        }
    }

    private mutating func object() throws -> Node {
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "}") {
            index += 1
            return .object([])
        }
        let base = fieldStack.count
        while true {
            skipWhitespace()
            guard peek() == UInt8(ascii: "\"") else { throw Malformed(offset: index) }
            let key = try string()
            try expect(UInt8(ascii: ":"))
            let value = try value()
            fieldStack.append(Node.Field(key, value))
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "}"):
                index += 1
                var fields = fieldStack.take(from: base)
                restoreNegativeInteger(&fields)
                return .object(fields)
            default:
                throw Malformed(offset: index)
            }
        }
    }

    private mutating func array() throws -> Node {
        index += 1
        skipWhitespace()
        if peek() == UInt8(ascii: "]") {
            index += 1
            return .array([])
        }
        let base = itemStack.count
        while true {
            let item = try value()
            itemStack.append(item)
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","):
                index += 1
            case UInt8(ascii: "]"):
                index += 1
                let items = itemStack.take(from: base)
                return .array(items)
            default:
                throw Malformed(offset: index)
            }
        }
    }

    /// libpg_query 15-4.0 writes an integer constant below zero as `"ival": {}`, as if it
    /// were 0 (pganalyze/libpg_query#243, fixed after 15-4.0). The constant's location
    /// points at its text, so read the value back from the SQL.
    private func restoreNegativeInteger(_ fields: inout [Node.Field]) {
        guard fields.count == 2, fields[0].key == "ival", fields[0].value == .object([]),
              fields[1].key == "location", let location = fields[1].value.int,
              location >= 0, location < source.count, source[location] == UInt8(ascii: "-")
        else { return }
        var index = location + 1
        while index < source.count, [0x20, 0x09, 0x0A, 0x0D].contains(source[index]) { index += 1 }
        var value = 0
        var digits = 0
        while index < source.count, source[index] >= UInt8(ascii: "0"), source[index] <= UInt8(ascii: "9"), digits < 18 {
            value = value * 10 + Int(source[index] - UInt8(ascii: "0"))
            digits += 1
            index += 1
        }
        guard digits > 0, value != 0 else { return }
        fields[0] = Node.Field("ival", .object([Node.Field("ival", .int(-value))]))
    }

    private mutating func literal(_ word: StaticString) throws {
        let length = word.utf8CodeUnitCount
        guard index + length <= count else { throw Malformed(offset: index) }
        for offset in 0..<length where base[index + offset] != word.utf8Start[offset] {
            throw Malformed(offset: index)
        }
        index += length
    }

    private mutating func number() throws -> Node {
        let start = index
        var isInteger = true
        if peek() == UInt8(ascii: "-") { index += 1 }
        while index < count {
            let byte = base[index]
            if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                index += 1
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                isInteger = false
                index += 1
            } else {
                break
            }
        }
        let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
        if isInteger, let value = Int(text) { return .int(value) }
        guard let value = Double(text) else { throw Malformed(offset: start) }
        return .double(value)
    }

    private mutating func string() throws -> String {
        index += 1
        let start = index
        // Fast path: no escapes.
        while index < count {
            let byte = base[index]
            if byte == UInt8(ascii: "\"") {
                let text = String(decoding: UnsafeBufferPointer(start: base + start, count: index - start), as: UTF8.self)
                index += 1
                return text
            }
            if byte == UInt8(ascii: "\\") { break }
            index += 1
        }
        var bytes = Array(UnsafeBufferPointer(start: base + start, count: index - start))
        while index < count {
            let byte = base[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                return String(decoding: bytes, as: UTF8.self)
            case UInt8(ascii: "\\"):
                try escape(into: &bytes)
            default:
                bytes.append(byte)
            }
        }
        throw Malformed(offset: start)
    }

    private mutating func escape(into bytes: inout [UInt8]) throws {
        let byte = peek()
        index += 1
        switch byte {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(byte)
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "u"):
            var scalar = try hex4()
            if (0xD800..<0xDC00).contains(scalar), peek() == UInt8(ascii: "\\"),
               index + 1 < count, base[index + 1] == UInt8(ascii: "u") {
                index += 2
                let low = try hex4()
                scalar = (0xDC00..<0xE000).contains(low) ? 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00) : 0xFFFD
            }
            let character = Unicode.Scalar(scalar) ?? "\u{FFFD}"
            bytes.append(contentsOf: Array(String(character).utf8))
        default:
            throw Malformed(offset: index - 1)
        }
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= count else { throw Malformed(offset: index) }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = base[index]
            index += 1
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw Malformed(offset: index - 1)
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }
}

/// A stack of values in one manually managed buffer: `take(from:)` moves the top elements into
/// an array of their exact size. `free()` must be called once, at the end.
private struct Scratch<Element> {
    private var start: UnsafeMutablePointer<Element>?
    private var capacity = 0
    private(set) var count = 0

    mutating func append(_ element: Element) {
        if count == capacity {
            let grown = Swift.max(64, capacity * 2)
            let buffer = UnsafeMutablePointer<Element>.allocate(capacity: grown)
            if let start {
                buffer.moveInitialize(from: start, count: count)
                start.deallocate()
            }
            start = buffer
            capacity = grown
        }
        (start! + count).initialize(to: element)
        count += 1
    }

    /// The elements from `base` up, in order, removed from the stack.
    mutating func take(from base: Int) -> [Element] {
        let taken = count - base
        guard taken > 0, let start else { return [] }
        let elements = [Element](unsafeUninitializedCapacity: taken) { buffer, initialized in
            buffer.baseAddress!.moveInitialize(from: start + base, count: taken)
            initialized = taken
        }
        count = base
        return elements
    }

    mutating func free() {
        guard let start else { return }
        start.deinitialize(count: count)
        start.deallocate()
        self.start = nil
        count = 0
        capacity = 0
    }
}
