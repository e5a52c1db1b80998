/// The review's rules. The raw value is the stable name users write in
/// `-- gitgate:allow RULE because …` and scripts read in the JSON.
public enum Rule: String, Sendable, CaseIterable, Codable {
    // Data loss: errors.
    case destructiveDrop = "destructive-drop"
    case destructiveDelete = "destructive-delete"
    case destructiveTruncate = "destructive-truncate"
    case deleteWithoutWhere = "delete-without-where"
    case updateWithoutWhere = "update-without-where"

    // The checklist's review.
    case missingIfNotExists = "missing-if-not-exists"
    case foreignKeyUnknownTable = "foreign-key-unknown-table"
    case foreignKeyWithoutIndex = "foreign-key-without-index"
    case tableWithoutComment = "table-without-comment"

    // Locks on tables that already hold rows: warnings, errors on large tables.
    case indexWithoutConcurrently = "index-without-concurrently"
    case notNullColumnWithoutDefault = "not-null-column-without-default"
    case volatileDefault = "volatile-default"
    case setNotNull = "set-not-null"
    case columnTypeChange = "column-type-change"
    case constraintWithoutNotValid = "constraint-without-not-valid"
    case renameTable = "rename-table"
    case renameColumn = "rename-column"

    // PostgreSQL refuses it: CREATE INDEX CONCURRENTLY … after BEGIN.
    case concurrentlyInTransaction = "concurrently-in-transaction"

    // The file itself.
    case syntaxError = "syntax-error"
    case notText = "not-text"

    // Suppressions.
    case allowWithoutReason = "allow-without-reason"
    case allowUnknownRule = "allow-unknown-rule"

    /// The severity before production sizes are known.
    public var severity: Finding.Severity {
        switch self {
        case .missingIfNotExists, .foreignKeyWithoutIndex, .tableWithoutComment, .allowUnknownRule:
            return .warning
        case _ where isLockRule:
            return .warning
        default:
            return .error
        }
    }

    /// Rules about a lock held on an existing table: raised to errors when the table is large.
    public var isLockRule: Bool {
        switch self {
        case .indexWithoutConcurrently, .notNullColumnWithoutDefault, .volatileDefault, .setNotNull,
             .columnTypeChange, .constraintWithoutNotValid, .renameTable, .renameColumn:
            return true
        default:
            return false
        }
    }

    /// Whether `-- gitgate:allow` can silence it (not the file-level and suppression rules).
    public var canBeAllowed: Bool {
        switch self {
        case .syntaxError, .notText, .allowWithoutReason, .allowUnknownRule: return false
        default: return true
        }
    }

    /// One line for `gitgate lint --rules` and the README.
    public var summary: String {
        switch self {
        case .destructiveDrop: return "DROP of a table, column, schema, database, view, type or sequence (or any DROP … CASCADE)"
        case .destructiveDelete: return "DELETE … WHERE removes rows"
        case .destructiveTruncate: return "TRUNCATE removes every row"
        case .deleteWithoutWhere: return "DELETE without WHERE removes every row"
        case .updateWithoutWhere: return "UPDATE without WHERE rewrites every row"
        case .missingIfNotExists: return "CREATE TABLE without IF NOT EXISTS"
        case .foreignKeyUnknownTable: return "a foreign key to a table no earlier migration (nor the --target catalog) has"
        case .foreignKeyWithoutIndex: return "a foreign-key column with no index"
        case .tableWithoutComment: return "a new table with no COMMENT ON TABLE"
        case .indexWithoutConcurrently: return "CREATE INDEX (or ADD UNIQUE/PRIMARY KEY) on an existing table without CONCURRENTLY"
        case .notNullColumnWithoutDefault: return "ADD COLUMN … NOT NULL without a default on an existing table"
        case .volatileDefault: return "ADD COLUMN with a volatile default (or GENERATED … STORED): rewrites the table"
        case .setNotNull: return "ALTER COLUMN … SET NOT NULL scans the table under an exclusive lock"
        case .columnTypeChange: return "ALTER COLUMN … TYPE on an existing table"
        case .constraintWithoutNotValid: return "ADD FOREIGN KEY or CHECK on an existing table without NOT VALID"
        case .renameTable: return "renaming an existing table"
        case .renameColumn: return "renaming a column of an existing table"
        case .concurrentlyInTransaction: return "CONCURRENTLY (or another statement PostgreSQL refuses there) inside BEGIN … COMMIT"
        case .syntaxError: return "the file does not parse as PostgreSQL"
        case .notText: return "the file is not UTF-8 text"
        case .allowWithoutReason: return "a gitgate:allow comment without `because <reason>`"
        case .allowUnknownRule: return "a gitgate:allow comment naming no rule gitgate has"
        }
    }
}
