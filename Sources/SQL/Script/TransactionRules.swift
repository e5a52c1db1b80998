// Which statements PostgreSQL refuses inside a transaction block
// ("… cannot run inside a transaction block", PreventInTransactionBlock).

enum TransactionRules {
    /// The first server version (server_version_num) that runs this statement inside
    /// a transaction block: 0 for every version, `Int.max` for none.
    static func minimumServerVersion(kind: String, fields: Node) -> Int {
        switch kind {
        case "IndexStmt":
            return fields.flag("concurrent") ? .max : 0
        case "DropStmt":
            return fields.flag("concurrent") ? .max : 0
        case "ReindexStmt":
            let concurrently = Read.option("concurrently", in: fields["params"]).map(Read.isOn) ?? false
            let wholeDatabase = ["REINDEX_OBJECT_SYSTEM", "REINDEX_OBJECT_DATABASE"].contains(fields["kind"]?.string ?? "")
            return concurrently || wholeDatabase ? .max : 0
        case "VacuumStmt":
            // ANALYZE alone may run in a transaction; VACUUM may not.
            return fields.flag("is_vacuumcmd") ? .max : 0
        case "CreatedbStmt", "DropdbStmt", "CreateTableSpaceStmt", "DropTableSpaceStmt", "AlterSystemStmt",
             "CreateSubscriptionStmt", "DropSubscriptionStmt":
            return .max
        case "AlterDatabaseStmt":
            // Moving a database to another tablespace.
            return Read.option("tablespace", in: fields["options"]) != nil ? .max : 0
        case "AlterSubscriptionStmt":
            let refreshes = ["ALTER_SUBSCRIPTION_REFRESH", "ALTER_SUBSCRIPTION_SET_PUBLICATION",
                             "ALTER_SUBSCRIPTION_ADD_PUBLICATION", "ALTER_SUBSCRIPTION_DROP_PUBLICATION"]
            return refreshes.contains(fields["kind"]?.string ?? "") ? .max : 0
        case "ClusterStmt":
            // CLUSTER without a table reclusters the whole database.
            return fields["relation"] == nil ? .max : 0
        case "AlterTableStmt":
            let detachesConcurrently = (fields["cmds"]?.array ?? []).contains { command in
                command.fields["subtype"]?.string == "AT_DetachPartition"
                    && command.fields["def"]?.fields.flag("concurrent") == true
            }
            return detachesConcurrently ? .max : 0
        case "AlterEnumStmt":
            // ALTER TYPE … ADD VALUE runs in a transaction block from PostgreSQL 12 on.
            return fields["oldVal"] == nil ? 120_000 : 0
        case "TransactionStmt":
            let kind = fields["kind"]?.string
            return kind == "TRANS_STMT_COMMIT_PREPARED" || kind == "TRANS_STMT_ROLLBACK_PREPARED" ? .max : 0
        default:
            return 0
        }
    }
}
