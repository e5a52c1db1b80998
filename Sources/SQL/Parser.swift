internal import CPgQuery

/// Facts about the SQL parser gitgate embeds.
public enum Parser {
    /// The libpg_query release this module wraps (its header carries no version macro).
    public static let version = "15-4.0"
    /// The PostgreSQL release whose grammar libpg_query contains (its PG_VERSION).
    public static let postgresVersion: String = PG_VERSION
    /// PG_VERSION_NUM, e.g. 150001.
    public static let postgresVersionNumber = Int(PG_VERSION_NUM)
}
