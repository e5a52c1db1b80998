import Digest
import GitGateConfig
import GitGateLint
import GitGateMigrations

/// sqitch (lib/App/Sqitch/Engine/pg.sql): `sqitch.changes`, one row per deployed change, named as in
/// sqitch.plan, with `script_hash` = SHA-1 of the deploy script's bytes (the whole file).
package struct SqitchLedger: LedgerFormat {
    package var kind: LedgerKind { .sqitch }
    package var table: String? { "sqitch.changes" }

    package func query(for migrations: [Migration]) -> String? {
        let names = migrations.flatMap { [$0.name, $0.version + "_" + $0.name] }
        return "SELECT change, script_hash, committed_at::text, committer_name FROM sqitch.changes WHERE change IN (\(sqlList(names))) ORDER BY committed_at"
    }

    package func entries(rows: [[String?]], for migrations: [Migration]) -> [String: LedgerEntry] {
        var result: [String: LedgerEntry] = [:]
        for row in rows {
            guard let change = row[0],
                  let migration = migrations.first(where: { $0.name == change || $0.version + "_" + $0.name == change }) else { continue }
            let recorded = row[1] ?? ""
            result[migration.version] = LedgerEntry(
                checksum: recorded.isEmpty ? .unknown : (recorded == SHA1.hex(migration.file) ? .matches : .differs(recorded: recorded)),
                detail: "deployed by sqitch \(row[2].map { "on " + String($0.prefix(19)) } ?? "")")
        }
        return result
    }

    package func applyCommand(for migrations: [Migration], _ context: LedgerCommandContext) -> String {
        "sqitch deploy"
    }

    /// `--log-only` writes sqitch's rows without running the scripts.
    package func recordCommand(for migration: Migration, _ context: LedgerCommandContext) -> String {
        "sqitch deploy --log-only --to \(shellWord(migration.name.isEmpty ? migration.version : migration.name))"
    }
}
