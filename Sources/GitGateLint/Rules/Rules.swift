
/// Every rule, in the order `gitgate lint --rules` and docs/rules.md list them. A new rule is one
/// file under Rules/ and one line here.
public enum Rules {
    public static let all: [Rule] = [
        // Data loss
        .destructiveDrop, .destructiveDelete, .destructiveTruncate, .deleteWithoutWhere, .updateWithoutWhere,
        .banTruncateCascade, .hiddenDestructiveStatement,
        // The checklist
        .missingIfNotExists, .foreignKeyUnknownTable, .foreignKeyWithoutIndex, .tableWithoutComment,
        .createWithoutIfNotExists, .dropWithoutIfExists, .banDropNotNull, .dynamicSQL,
        // Locks on existing tables
        .indexWithoutConcurrently, .notNullColumnWithoutDefault, .volatileDefault, .setNotNull,
        .columnTypeChange, .constraintWithoutNotValid, .renameTable, .renameColumn,
        .requireConcurrentIndexDeletion, .reindexWithoutConcurrently, .detachPartitionWithoutConcurrently,
        .vacuumFullOrCluster, .requireLockTimeout, .domainConstraintWithoutNotValid, .enableTriggerOrRowSecurity,
        // Transactions
        .concurrentlyInTransaction, .addEnumValueInTransaction, .transactionNesting, .uncommittedBegin,
        // Column types
        .preferBigintKeys, .preferIdentity, .preferText, .preferTimestamptz, .domainWithConstraint,
        // The file
        .syntaxError, .notText,
        // Suppressions
        .allowWithoutReason, .allowUnknownRule,
        // Production's rows (preflight)
        .preflightDuplicates, .preflightNulls, .preflightOrphans, .preflightCheckViolations, .preflightTypeMismatch,
        .preflightEnumValueExists, .preflightTimeout, .preflightUnreadable, .preflightNotRun,
        // Expand and contract
        .contractStillUsed,
    ]

    package static let byName: [String: Rule] = Dictionary(uniqueKeysWithValues: all.map { ($0.rawValue, $0) })

    /// Rules whose check lives in their own file.
    package static let withChecks: [Rule] = all.filter { $0.check != nil }
}
