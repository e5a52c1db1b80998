import Foundation
import SQL
import GitGateConfig
import GitGateLint
import GitGateMigrations
import GitGateRender
import GitGateReview
import GitGateTargets
import GitGateVerdict

/// A migration made ready to run: how (one transaction, or statement by statement) and what
/// exactly is sent, with the means to turn a server error back into a line of the file.
///
/// Transactions: gitgate runs each migration and its ledger row in one transaction, so a file
/// must not manage its own. A file wrapped whole in `BEGIN; … COMMIT;` (written for `psql -f`)
/// runs with that wrapper blanked out: same meaning, and the ledger row joins the transaction.
/// Any other BEGIN, COMMIT, ROLLBACK or PREPARE TRANSACTION is refused, unless the file says
/// `-- gitgate:no-transaction`, in which case it runs as written, statement by statement.
package struct PreparedMigration: Sendable {
    package enum Mode: Sendable, Equatable {
        case transaction
        /// Outside a transaction, each statement on its own; the reason, for the plan.
        case statements(reason: String)
    }

    package static let noTransactionDirective = "gitgate:no-transaction"

    package var migration: Migration
    package var mode: Mode
    /// What runs in transaction mode: the file without a UTF-8 BOM and with a whole-file
    /// BEGIN/COMMIT wrapper blanked (newlines kept, so lines stay the file's).
    package var text: String
    /// The statements that run, in order (the wrapper excluded).
    package var statements: [Statement]
    /// CREATE INDEX CONCURRENTLY and the like: what an interrupted run may leave INVALID.
    package var concurrentIndexes: [ConcurrentIndex]

    /// An index built (or rebuilt) concurrently: its name and table, as far as the SQL says.
    package struct ConcurrentIndex: Sendable, Hashable {
        package var name: QualifiedName?
        package var table: QualifiedName?
    }

    package var isTransactional: Bool { mode == .transaction }

    /// Why the migration cannot be applied as it is, in words for a person.
    package struct Refusal: Error, Sendable {
        package var message: String
    }

    package static func prepare(_ migration: Migration, serverVersion: Int = 150_000) -> Result<PreparedMigration, Refusal> {
        guard let sql = migration.sql else {
            return .failure(Refusal(message: "\(migration.path) is not UTF-8 text; save it as UTF-8"))
        }
        let script: SQLScript
        do {
            script = try SQLScript.parse(sql)
        } catch {
            return .failure(Refusal(message: "\(migration.path):\(error.line): does not parse: \(error.message); fix it (gitgate lint shows where)"))
        }
        let directive = script.comments.contains { $0.content.lowercased().hasPrefix(noTransactionDirective) }
        let controls = script.statements.enumerated().filter { isBoundary($0.element.transactionControl) }

        var bytes = Array(sql.utf8)
        var statements = script.statements
        if !directive && migration.transaction && !controls.isEmpty {
            // Only a wrapper around the whole file is accepted: BEGIN first, COMMIT last, nothing between.
            let wraps = controls.count == 2 && controls[0].offset == 0 && controls[1].offset == script.statements.count - 1
                && controls[0].element.transactionControl == .begin && controls[1].element.transactionControl == .commit
                && (controls[0].element.fields["options"]?.array ?? []).isEmpty
            guard wraps else {
                let first = controls.first { !($0.offset == 0 && $0.element.transactionControl == .begin) } ?? controls[0]
                return .failure(Refusal(message: "\(migration.path):\(first.element.line): \(first.element.text.prefix(40)) manages its own transaction, but gitgate runs each migration in one transaction with its ledger row; remove BEGIN/COMMIT (a whole-file BEGIN … COMMIT wrapper is fine), split the file, or add '-- \(noTransactionDirective)' to run it statement by statement"))
            }
            for control in controls.map(\.element) {
                for index in control.offset..<control.endOffset where bytes[index] != 0x0A && bytes[index] != 0x0D {
                    bytes[index] = 0x20
                }
            }
            statements = Array(script.statements.dropFirst().dropLast())
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }

        var mode = Mode.transaction
        if !migration.transaction {
            mode = .statements(reason: "its migration tool's marker says to run it outside a transaction")
        } else if directive {
            mode = .statements(reason: "'-- \(noTransactionDirective)' in the file")
        } else if let outside = statements.first(where: { !$0.canRunInTransaction(serverVersion: serverVersion) }) {
            mode = .statements(reason: "line \(outside.line): \(summary(of: outside)) cannot run inside a transaction")
        }

        var concurrent: [ConcurrentIndex] = []
        for statement in statements {
            for effect in statement.effects where effect.concurrently {
                if case .index(let name, let table) = effect.object, effect.action != .drop {
                    let qualified = name.map { QualifiedName(schema: $0.schema ?? table?.schema, name: $0.name) }
                    concurrent.append(ConcurrentIndex(name: qualified, table: table))
                } else if case .table(let table) = effect.object {
                    concurrent.append(ConcurrentIndex(name: nil, table: table))
                }
            }
        }
        return .success(PreparedMigration(migration: migration, mode: mode, text: String(decoding: bytes, as: UTF8.self),
                                          statements: statements, concurrentIndexes: concurrent))
    }

    /// Statements that begin or end a transaction (savepoints live inside ours, so they are fine).
    private static func isBoundary(_ control: TransactionControl?) -> Bool {
        switch control {
        case .begin?, .commit?, .rollback?, .prepareTransaction?, .commitPrepared?, .rollbackPrepared?: return true
        default: return false
        }
    }

    /// "CREATE INDEX CONCURRENTLY" for the plan: the statement's leading keywords.
    package static func summary(of statement: Statement) -> String {
        let words = statement.text.split(whereSeparator: \.isWhitespace).map { $0.uppercased() }
        let leading = words.prefix { keywords.contains($0) }.prefix(4)
        return leading.isEmpty ? words.prefix(3).joined(separator: " ") : leading.joined(separator: " ")
    }

    private static let keywords: Set<String> = [
        "CREATE", "UNIQUE", "INDEX", "CONCURRENTLY", "DROP", "REINDEX", "VACUUM", "FULL", "ANALYZE", "ALTER",
        "TABLE", "TYPE", "DATABASE", "SYSTEM", "CLUSTER", "TABLESPACE", "SUBSCRIPTION", "COMMIT", "ROLLBACK", "PREPARED",
    ]

    /// The line of the file an error position points at. `position` is the server's: 1-based,
    /// in characters of `sent`, which starts on line `firstLine` of the file.
    package static func line(ofPosition position: Int, in sent: String, firstLine: Int = 1) -> Int {
        var line = firstLine
        var seen = 1
        for scalar in sent.unicodeScalars {
            if seen >= position { break }
            if scalar == "\n" { line += 1 }
            seen += 1
        }
        return line
    }
}
