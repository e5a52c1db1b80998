import SQL

/// A reviewed exception: `-- gitgate:allow RULE[, RULE…] because <reason>` on a statement's line
/// or in the comments just above it.
package struct Allow: Sendable, Hashable, Codable {
    package static let marker = "gitgate:allow"

    package var rules: [String]
    /// nil when the comment gives no `because …`: such an allow is itself a finding and silences nothing.
    package var reason: String?
    package var line: Int

    package init(rules: [String], reason: String?, line: Int) {
        self.rules = rules
        self.reason = reason
        self.line = line
    }

    /// nil unless the comment is an allow.
    package init?(_ comment: Comment) {
        // Most comments are not allows: look for the marker before building the content.
        guard Self.mentionsMarker(comment.text) else { return nil }
        let content = comment.content
        guard content.lowercased().hasPrefix(Self.marker) else { return nil }
        let rest = content.dropFirst(Self.marker.count)
        // `gitgate:allowed…` is some other word.
        if let next = rest.first, !next.isWhitespace, next != ":" { return nil }
        var words = rest.drop(while: { $0 == ":" }).split(whereSeparator: \.isWhitespace)[...]
        var rules: [String] = []
        while let word = words.first, word.lowercased() != "because" {
            rules += word.split(separator: ",").map { String($0).lowercased() }
            words = words.dropFirst()
        }
        let reason = words.dropFirst().joined(separator: " ")
        self.rules = rules
        self.reason = reason.isEmpty ? nil : reason
        line = comment.line
    }

    package func covers(_ rule: String) -> Bool { rules.contains(rule) }

    /// `gitgate:allow` anywhere in `text`, case-insensitively.
    package static func mentionsMarker(_ text: String) -> Bool {
        // Bytes, not Foundation's String.contains: that bridges every comment to NSString.
        let bytes = Array(text.utf8)
        let marker = Array(Self.marker.utf8)
        guard bytes.count >= marker.count else { return false }
        for start in 0...(bytes.count - marker.count) {
            var matches = true
            for (offset, expected) in marker.enumerated() {
                let byte = bytes[start + offset]
                if (byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte) != expected {
                    matches = false
                    break
                }
            }
            if matches { return true }
        }
        return false
    }
}

/// Which comments speak for which statement: its leading comments, those inside it, and one
/// trailing it on its last line (`DROP TABLE t; -- gitgate:allow …`).
package enum CommentAttachment {
    /// The comments attached to each statement, by index.
    package static func attach(_ script: SQLScript) -> [[Comment]] {
        let statements = script.statements
        var attached = [[Comment]](repeating: [], count: statements.count)
        guard !statements.isEmpty else { return attached }
        var index = 0
        for comment in script.comments {
            // The first statement that ends after the comment starts.
            while index < statements.count && statements[index].endOffset <= comment.offset {
                index += 1
            }
            let between = index == statements.count || statements[index].offset > comment.offset
            let trailing = index > 0 && between && statements[index - 1].endLine == comment.line
            if trailing { attached[index - 1].append(comment) }
            // Leading or inside; a comment between two statements on one line speaks for both.
            if index < statements.count && (!trailing || statements[index].line == comment.endLine) {
                attached[index].append(comment)
            }
        }
        return attached
    }
}
