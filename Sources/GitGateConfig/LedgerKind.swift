import GitGateLint

/// The ledger a team's migrations are recorded in: `gitgate.ledger` in `.gitgate`.
public enum LedgerKind: String, Sendable, CaseIterable, Codable {
    case gitgate
    case flyway
    case golangMigrate = "golang-migrate"
    case dbmate
    case sqitch
    case goose
    case diesel
    case prisma
    /// gobuffalo/pop (`soda`) and ory/x popx.
    case pop
    case atlas
    /// Liquibase formatted SQL changelogs.
    case liquibase
    /// No ledger: the catalog alone says whether a migration's objects exist.
    case none
}

extension LedgerKind {
    /// The tool that writes this ledger, for messages: "dbmate", "golang-migrate".
    public var tool: String { self == .none ? "no ledger" : rawValue }
}
