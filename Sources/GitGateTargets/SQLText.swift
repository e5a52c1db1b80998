import GitGateConfig
import GitGateLint
import GitGateMigrations

/// A string as an SQL literal for the batched check (the simple protocol takes no parameters).
/// An `E''` literal reads the same whatever `standard_conforming_strings` is, so escaping the
/// backslash and the quote is enough; NUL is dropped (libpq cannot send it).
package func sqlLiteral(_ value: String) -> String {
    "E'" + ASCIIEscapes.sqlLiteral.apply(to: value) + "'"
}

/// Replacements for single ASCII bytes. The catalog query quotes every probed name, and
/// Foundation's `replacingOccurrences` (an NSString round trip) was a sixth of `status`'s time.
package struct ASCIIEscapes: Sendable {
    private var table: [[UInt8]?] = Array(repeating: nil, count: 128)
    /// Which ASCII bytes have a replacement, as bits: the common text that needs none is told by
    /// two integer tests per byte, without touching the table (the catalog query escapes every name).
    private var low: UInt64 = 0, high: UInt64 = 0

    package init(_ replacements: [Unicode.Scalar: String]) {
        for (scalar, replacement) in replacements where scalar.isASCII {
            table[Int(scalar.value)] = Array(replacement.utf8)
            if scalar.value < 64 { low |= 1 << UInt64(scalar.value) } else { high |= 1 << UInt64(scalar.value - 64) }
        }
    }

    package func apply(to text: String) -> String {
        let low = low, high = high
        guard text.utf8.contains(where: { byte in
            byte < 64 ? (low >> UInt64(byte)) & 1 == 1 : byte < 128 && (high >> UInt64(byte - 64)) & 1 == 1
        }) else { return text }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            if byte < 0x80, let replacement = table[Int(byte)] { bytes += replacement } else { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Inside `E'…'`; NUL is dropped.
    package static let sqlLiteral = ASCIIEscapes(["\u{0}": "", "\\": "\\\\", "'": "''"])
    /// Inside a quoted element of an array literal.
    package static let arrayElement = ASCIIEscapes(["\\": "\\\\", "\"": "\\\""])
    /// Inside `"…"`.
    package static let identifier = ASCIIEscapes(["\"": "\"\""])
}
