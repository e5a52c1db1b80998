import GitGateConfig
import GitGateLint
import GitGateMigrations

/// `ledger = none`: nothing records a migration; the catalog alone decides.
package struct NoLedger: LedgerFormat {
    package var kind: LedgerKind { .none }
    package var table: String? { nil }

    package func query(for migrations: [Migration]) -> String? { nil }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] { [:] }

    /// gitgate apply writes gitgate's ledger, so it refuses here; psql runs the files as they are.
    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        guard !migrations.isEmpty else { return "psql -v ON_ERROR_STOP=1 -f FILE (gitgate.ledger = none: no tool records it)" }
        // One transaction for all, unless one of them must run outside a transaction.
        let single = migrations.allSatisfy(\.transaction) ? " -1" : ""
        return "psql -v ON_ERROR_STOP=1\(single)" + migrations.map { " -f " + shellWord($0.path) }.joined()
    }

    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        "nothing to record: gitgate.ledger = none keeps no ledger"
    }
}
