
/// Every rule, in the order `gitgate lint --rules` and docs/rules.md list them. A new rule is one
/// file under Rules/ and one line here.
public enum Rules {
    public static let all: [Rule] = [
        // Data loss
        .destructiveDrop, .destructiveDelete, .destructiveTruncate, .deleteWithoutWhere, .updateWithoutWhere,
        .banTruncateCascade, .hiddenDestructiveStatement,
        // The checklist
        .missingIfNotExists, .foreignKeyUnknownTable, .foreignKeyWithoutIndex, .tableWithoutComment,
        .createWithoutIfNotExists, .banDropNotNull, .dynamicSQL,
        // Locks on existing tables
        .indexWithoutConcurrently, .notNullColumnWithoutDefault, .volatileDefault, .setNotNull,
        .columnTypeChange, .constraintWithoutNotValid, .renameTable, .renameColumn,
        .requireConcurrentIndexDeletion, .reindexWithoutConcurrently, .detachPartitionWithoutConcurrently,
        .vacuumFullOrCluster, .requireLockTimeout,
        // Transactions
        .concurrentlyInTransaction, .addEnumValueInTransaction, .transactionNesting,
        // Column types
        .preferBigintKeys, .preferIdentity, .preferText, .preferTimestamptz,
        // The file
        .syntaxError, .notText,
        // Suppressions
        .allowWithoutReason, .allowUnknownRule,
    ]

    package static let byName: [String: Rule] = Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0) })

    /// Rules whose check lives in their own file.
    package static let withChecks: [Rule] = all.filter { $0.check != nil }
}
