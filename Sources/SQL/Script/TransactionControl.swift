/// A statement that controls transactions: apply runs a migration inside one
/// transaction unless the file manages its own.
public enum TransactionControl: Hashable, Sendable, Codable {
    /// BEGIN, START TRANSACTION.
    case begin
    /// COMMIT, END.
    case commit
    /// ROLLBACK, ABORT.
    case rollback
    case savepoint(String)
    case releaseSavepoint(String)
    case rollbackToSavepoint(String)
    case prepareTransaction(String)
    case commitPrepared(String)
    case rollbackPrepared(String)

    init?(_ fields: Node) {
        let savepoint = fields["savepoint_name"]?.string ?? ""
        let gid = fields["gid"]?.string ?? ""
        switch fields["kind"]?.string {
        case "TRANS_STMT_BEGIN", "TRANS_STMT_START": self = .begin
        case "TRANS_STMT_COMMIT": self = .commit
        case "TRANS_STMT_ROLLBACK": self = .rollback
        case "TRANS_STMT_SAVEPOINT": self = .savepoint(savepoint)
        case "TRANS_STMT_RELEASE": self = .releaseSavepoint(savepoint)
        case "TRANS_STMT_ROLLBACK_TO": self = .rollbackToSavepoint(savepoint)
        case "TRANS_STMT_PREPARE": self = .prepareTransaction(gid)
        case "TRANS_STMT_COMMIT_PREPARED": self = .commitPrepared(gid)
        case "TRANS_STMT_ROLLBACK_PREPARED": self = .rollbackPrepared(gid)
        default: return nil
        }
    }
}

/// A SET or RESET of a run-time parameter, e.g. `SET lock_timeout = '5s'`.
public struct Setting: Hashable, Sendable, Codable {
    /// The parameter, e.g. `lock_timeout`; nil for RESET ALL.
    public let name: String?
    /// The value as written (`5s`, `a, b` for a list); nil for RESET, SET … TO DEFAULT.
    public let value: String?
    /// SET LOCAL: until the end of the transaction.
    public let isLocal: Bool

    public init(name: String?, value: String?, isLocal: Bool) {
        self.name = name
        self.value = value
        self.isLocal = isLocal
    }

    init?(_ fields: Node) {
        let kind = fields["kind"]?.string ?? ""
        let name = fields["name"]?.string
        if kind == "VAR_SET_MULTI" { return nil }  // SET TRANSACTION …, SET SESSION CHARACTERISTICS …
        let value: String? = kind == "VAR_SET_VALUE"
            ? (fields["args"]?.array ?? []).map(Read.constantText).joined(separator: ", ")
            : kind == "VAR_SET_CURRENT" ? "FROM CURRENT" : nil
        self.init(name: name, value: value, isLocal: fields.flag("is_local"))
    }
}
