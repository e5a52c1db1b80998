import SQL

/// The text of each CHECK constraint an ALTER TABLE adds, in order, so a preflight can ask
/// production which rows the expression rejects. Taken from the statement's own text, between
/// the parentheses after CHECK: the parse tree holds the expression's start, not its end.
package enum CheckExpressions {
    package static func of(_ statement: SQL.Statement) -> [String?] {
        guard statement.kind == "AlterTableStmt" else { return [] }
        var found: [String?] = []
        for command in statement.fields["cmds"]?.array ?? [] {
            let fields = command.fields
            guard fields["subtype"]?.string == "AT_AddConstraint", let definition = fields["def"]?.fields,
                  definition["contype"]?.string == "CONSTR_CHECK" else { continue }
            let location = definition["location"]?.int.map { $0 - statement.offset }
            found.append(location.flatMap { parenthesized(in: Array(statement.text.utf8), after: $0) })
        }
        return found
    }

    /// The text inside the first balanced parentheses at or after `start` that follow the word
    /// CHECK, skipping quoted identifiers, strings, dollar quotes and comments.
    package static func parenthesized(in bytes: [UInt8], after start: Int) -> String? {
        guard start >= 0, start < bytes.count else { return nil }
        var index = start
        var depth = 0
        var open: Int?
        var sawCheck = false
        while index < bytes.count {
            let byte = bytes[index]
            if let skipped = skipQuoted(bytes, at: index) {
                index = skipped
                continue
            }
            switch byte {
            case UInt8(ascii: "("):
                if open == nil {
                    guard sawCheck else { return nil }
                    open = index + 1
                }
                depth += 1
            case UInt8(ascii: ")"):
                depth -= 1
                if depth == 0, let open { return String(decoding: bytes[open..<index], as: UTF8.self) }
                if depth < 0 { return nil }
            case UInt8(ascii: "c"), UInt8(ascii: "C"):
                if open == nil, index + 5 <= bytes.count,
                   String(decoding: bytes[index..<(index + 5)], as: UTF8.self).lowercased() == "check" {
                    sawCheck = true
                    index += 5
                    continue
                }
            default:
                break
            }
            index += 1
        }
        return nil
    }

    /// Past the end of the quoted text, comment or dollar-quoted string starting at `index`; nil when none starts there.
    private static func skipQuoted(_ bytes: [UInt8], at index: Int) -> Int? {
        let byte = bytes[index]
        let next = index + 1 < bytes.count ? bytes[index + 1] : 0
        func until(_ close: [UInt8], from: Int) -> Int {
            var at = from
            while at + close.count <= bytes.count {
                if Array(bytes[at..<(at + close.count)]) == close { return at + close.count }
                // A backslash escapes the next byte only in E'' strings; '' doubles a quote in any.
                at += 1
            }
            return bytes.count
        }
        switch byte {
        case UInt8(ascii: "'"), UInt8(ascii: "\""):
            // A doubled quote continues the literal: scan pairs.
            var at = index + 1
            let escapes = byte == UInt8(ascii: "'") && index > 0 && (bytes[index - 1] | 0x20) == UInt8(ascii: "e")
            while at < bytes.count {
                if escapes, bytes[at] == UInt8(ascii: "\\") { at += 2; continue }
                if bytes[at] == byte {
                    if at + 1 < bytes.count, bytes[at + 1] == byte { at += 2; continue }
                    return at + 1
                }
                at += 1
            }
            return bytes.count
        case UInt8(ascii: "-") where next == UInt8(ascii: "-"):
            return until([UInt8(ascii: "\n")], from: index + 2)
        case UInt8(ascii: "/") where next == UInt8(ascii: "*"):
            return until([UInt8(ascii: "*"), UInt8(ascii: "/")], from: index + 2)
        case UInt8(ascii: "$"):
            // $tag$ … $tag$
            var end = index + 1
            while end < bytes.count, bytes[end] != UInt8(ascii: "$") {
                let c = bytes[end]
                guard c == UInt8(ascii: "_") || (c | 0x20 >= UInt8(ascii: "a") && c | 0x20 <= UInt8(ascii: "z")) || c >= 0x80
                        || (end > index + 1 && c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) else { return nil }
                end += 1
            }
            guard end < bytes.count else { return nil }
            let tag = Array(bytes[index...end])
            return until(tag, from: end + 1)
        default:
            return nil
        }
    }
}
