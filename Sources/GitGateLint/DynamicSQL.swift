import SQL

/// What a PL/pgSQL body (a DO block) runs, as far as its text says: its SQL statements, the
/// string literals it EXECUTEs, and the EXECUTEs of anything else (unreviewable).
package struct DynamicSQL {
    package enum Part {
        /// SQL that runs: a statement of the body, or an EXECUTEd literal, parsed.
        case sql(SQL.Statement, executed: Bool)
        /// EXECUTE of something not a single literal: what it runs is known only at run time.
        case dynamic(String)
    }

    package var parts: [Part] = []

    package init(body: String) {
        for segment in Self.segments(body) {
            if let executed = Self.executed(segment) {
                switch executed {
                case .literal(let text):
                    for statement in Self.parse(text) { parts.append(.sql(statement, executed: true)) }
                case .expression(let text):
                    parts.append(.dynamic(text))
                }
                continue
            }
            // A plain SQL statement of the body, after any BEGIN, THEN, ELSE or LOOP before it.
            guard let start = Self.firstWord(in: segment, of: ["drop", "truncate", "delete", "alter"]) else { continue }
            for statement in Self.parse(String(segment[start...])) { parts.append(.sql(statement, executed: false)) }
        }
    }

    private static func parse(_ text: String) -> [SQL.Statement] {
        (try? SQLScript.parse(text).statements) ?? []
    }

    private enum Executed {
        case literal(String)
        case expression(String)
    }

    /// The EXECUTE in a segment, if any: a single quoted literal, or an expression.
    private static func executed(_ segment: Substring) -> Executed? {
        guard let start = firstWord(in: segment, of: ["execute"]) else { return nil }
        var rest = segment[segment.index(start, offsetBy: 7)...].drop(while: \.isWhitespace)
        // USING … and INTO … follow the command string.
        if let literal = leadingLiteral(&rest) {
            let after = rest.drop(while: \.isWhitespace).lowercased()
            if after.isEmpty || after.hasPrefix("using") || after.hasPrefix("into") { return .literal(literal) }
        }
        return .expression(String(segment[segment.index(start, offsetBy: 7)...]).trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// A '…' or $tag$…$tag$ literal at the start of `text`, its value; `text` moves past it.
    private static func leadingLiteral(_ text: inout Substring) -> String? {
        if text.first == "'" || (text.lowercased().hasPrefix("e'")) {
            var index = text.index(after: text.first == "'" ? text.startIndex : text.index(after: text.startIndex))
            var value = ""
            while index < text.endIndex {
                if text[index] == "'" {
                    let next = text.index(after: index)
                    if next < text.endIndex && text[next] == "'" { value.append("'"); index = text.index(after: next); continue }
                    text = text[next...]
                    return value
                }
                value.append(text[index])
                index = text.index(after: index)
            }
            return nil
        }
        if text.first == "$", let close = text.dropFirst().firstIndex(of: "$") {
            let tag = text[text.startIndex...close]
            let body = text[text.index(after: close)...]
            guard let end = body.range(of: tag) else { return nil }
            text = body[end.upperBound...]
            return String(body[..<end.lowerBound])
        }
        return nil
    }

    /// Where the first of `words` starts as a whole word, outside strings and comments.
    private static func firstWord(in text: Substring, of words: [String]) -> Substring.Index? {
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "'" || character == "\"" || character == "$" || character == "-" || character == "/" {
                let skipped = skipQuoted(text, from: index)
                if skipped != index { index = skipped; continue }
            }
            if character.isLetter, index == text.startIndex || !isWordCharacter(text[text.index(before: index)]) {
                var end = index
                while end < text.endIndex && isWordCharacter(text[end]) { end = text.index(after: end) }
                if words.contains(text[index..<end].lowercased()) { return index }
                index = end
                continue
            }
            index = text.index(after: index)
        }
        return nil
    }

    private static func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "$"
    }

    /// Past a string, quoted identifier, dollar-quoted string or comment starting at `index`;
    /// `index` itself when none starts there.
    private static func skipQuoted(_ text: Substring, from index: Substring.Index) -> Substring.Index {
        let rest = text[index...]
        switch text[index] {
        case "'", "\"":
            let quote = text[index]
            var position = text.index(after: index)
            while position < text.endIndex {
                if text[position] == quote {
                    let next = text.index(after: position)
                    if next < text.endIndex && text[next] == quote { position = text.index(after: next); continue }
                    return next
                }
                position = text.index(after: position)
            }
            return text.endIndex
        case "$":
            guard let close = rest.dropFirst().firstIndex(of: "$"),
                  rest[rest.index(after: rest.startIndex)..<close].allSatisfy({ $0.isLetter || $0 == "_" }) else { return index }
            let tag = rest[rest.startIndex...close]
            let body = text[text.index(after: close)...]
            return body.range(of: tag)?.upperBound ?? text.endIndex
        case "-":
            guard rest.hasPrefix("--") else { return index }
            return rest.firstIndex(of: "\n") ?? text.endIndex
        case "/":
            guard rest.hasPrefix("/*") else { return index }
            return rest.range(of: "*/")?.upperBound ?? text.endIndex
        default:
            return index
        }
    }

    /// The body split at semicolons outside strings and comments.
    package static func segments(_ body: String) -> [Substring] {
        let text = body[...]
        var segments: [Substring] = []
        var start = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let skipped = skipQuoted(text, from: index)
            if skipped != index { index = skipped; continue }
            if text[index] == ";" {
                segments.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        segments.append(text[start...])
        return segments
    }
}
