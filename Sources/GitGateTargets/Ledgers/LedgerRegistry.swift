import GitGateConfig
import GitGateLint
import GitGateMigrations

extension LedgerKind {
    /// Every ledger's format: the one list a new ledger is added to.
    package var format: any LedgerFormat {
        switch self {
        case .gitgate: GitgateLedger()
        case .flyway: FlywayLedger()
        case .golangMigrate: GolangMigrateLedger()
        case .dbmate: DbmateLedger()
        case .sqitch: SqitchLedger()
        case .goose: GooseLedger()
        case .diesel: DieselLedger()
        case .prisma: PrismaLedger()
        case .pop: PopLedger()
        case .atlas: AtlasLedger()
        case .liquibase: LiquibaseLedger()
        case .none: NoLedger()
        }
    }
}
