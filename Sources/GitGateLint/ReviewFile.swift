import Dispatch
import Foundation
import SQL

/// A migration file to review: its path as the user named it, and its bytes.
public struct ReviewFile: Sendable, Hashable {
    public var path: String
    public var contents: Data

    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }
}

/// What the review needs of a parsed file. Built on the thread that parsed it, so the parse
/// trees are freed there too, in parallel.
package struct ReviewScript: Sendable, Codable {
    package struct Statement: Sendable, Codable {
        package var line: Int
        /// The parse tree's node tag, e.g. `CreateStmt`.
        package var kind: String
        package var effects: [Effect]
        package var transactionControl: TransactionControl?
        /// What PostgreSQL calls it when it refuses it inside a transaction block, else nil.
        package var refusedInTransaction: String?
        /// The `gitgate:allow` comments on its line or above it.
        package var allows: [Allow]
        /// SET / RESET of a run-time parameter.
        package var setting: Setting?
        /// What rules read of the parse tree beyond the effects (the tree is freed after parsing).
        package var details: StatementDetails?
        /// The expressions of the CHECK constraints an ALTER TABLE adds, in order (nil: not read).
        package var checkExpressions: [String?] = []
    }

    package var statements: [Statement]
    /// Every `gitgate:allow` comment of the file, with its text.
    package var allowComments: [AllowComment]

    package struct AllowComment: Sendable, Codable {
        package var allow: Allow
        package var text: String
    }

    package init(statements: [Statement], allowComments: [AllowComment]) {
        self.statements = statements
        self.allowComments = allowComments
    }

    package init(_ script: SQLScript) {
        let attached = CommentAttachment.attach(script)
        statements = script.statements.enumerated().map { index, statement in
            Statement(line: statement.line, kind: statement.kind, effects: statement.effects,
                      transactionControl: statement.transactionControl,
                      refusedInTransaction: statement.canRunInTransaction ? nil : Self.describe(statement),
                      allows: attached[index].compactMap(Allow.init), setting: statement.setting,
                      details: StatementDetails(statement), checkExpressions: CheckExpressions.of(statement))
        }
        allowComments = script.comments.compactMap { comment in Allow(comment).map { AllowComment(allow: $0, text: comment.content) } }
    }

    private static func describe(_ statement: SQL.Statement) -> String {
        switch statement.kind {
        case "IndexStmt": return "CREATE INDEX CONCURRENTLY"
        case "DropStmt": return "DROP INDEX CONCURRENTLY"
        case "ReindexStmt": return "REINDEX CONCURRENTLY"
        case "AlterTableStmt": return "DETACH PARTITION CONCURRENTLY"
        case "VacuumStmt": return "VACUUM"
        default: return statement.text.split(whereSeparator: \.isWhitespace).prefix(3).joined(separator: " ").uppercased()
        }
    }
}

/// A file read and parsed, or why it could not be.
package enum ParsedFile: Sendable, Codable {
    case script(ReviewScript)
    /// Not UTF-8, or binary (a NUL byte): the line of the first offending byte.
    case notText(line: Int, reason: String)
    case syntaxError(SQLError)

    package init(_ contents: Data) {
        self.init(contents, strategy: .standard)
    }

    /// The same, parsed as `strategy` says (tests compare the piecewise and whole-file readings).
    package init(_ contents: Data, strategy: ScriptReading) {
        // Through a buffer: Data's own iteration checks exclusivity on every byte.
        let (nul, valid): (Int?, String?) = contents.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if let nul = bytes.firstIndex(of: 0) { return (nul, nil) }
            return (nil, String(validating: bytes, as: UTF8.self))
        }
        if let nul {
            self = .notText(line: Self.line(of: nul, in: contents), reason: "it contains a NUL byte (a binary file?)")
            return
        }
        guard let text = valid else {
            let bad = Self.firstInvalidUTF8(contents) ?? 0
            self = .notText(line: Self.line(of: bad, in: contents), reason: "it is not valid UTF-8 (byte \(bad + 1))")
            return
        }
        do {
            self = .script(ReviewScript(try SQLScript.parse(text, strategy: strategy)))
        } catch {
            self = .syntaxError(error)
        }
    }

    /// Files parse independently (libpg_query keeps its state per thread), so on all cores.
    /// With a cache, a file whose bytes were parsed before (by any run in this repository) is
    /// read from it instead, and each new parse is stored.
    package static func parse(_ files: [Data], cache: ParseCache? = nil) -> [ParsedFile] {
        guard files.count > 1 else { return files.map { parse($0, cache: cache) } }
        let results = Slots<ParsedFile>(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            results.set(index, parse(files[index], cache: cache))
        }
        return results.values.map { $0! }
    }

    private static func parse(_ contents: Data, cache: ParseCache?) -> ParsedFile {
        guard let cache, contents.count <= ParseCache.maxFileBytes else { return ParsedFile(contents) }
        let key = ParseCache.key(for: contents)
        if let cached = cache.load(key: key) { return cached }
        let parsed = ParsedFile(contents)
        cache.store(parsed, key: key)
        return parsed
    }

    /// What the file's statements do, in order; nil when it does not parse.
    package var effects: [Effect]? {
        guard case .script(let script) = self else { return nil }
        return script.statements.flatMap(\.effects)
    }

    /// The 0-based offset of the first byte that is not part of valid UTF-8, nil for valid text.
    package static func firstInvalidUTF8(_ data: Data) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var bytes = data.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &bytes) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    package static func line(of offset: Int, in data: Data) -> Int {
        1 + data.prefix(offset).reduce(0) { $1 == 0x0A ? $0 + 1 : $0 }
    }
}
