/// The columns and constraints of a CREATE TABLE.
public struct TableDefinition: Hashable, Sendable, Codable {
    public var columns: [ColumnDefinition]
    /// Table-level constraints; inline ones are in each column's `constraints`.
    public var constraints: [ConstraintDefinition]
    /// `PARTITION OF parent`.
    public var partitionOf: QualifiedName?
    /// `INHERITS (…)`.
    public var inherits: [QualifiedName]
    /// `PARTITION BY …`.
    public var isPartitioned: Bool

    public init(columns: [ColumnDefinition] = [], constraints: [ConstraintDefinition] = [],
                partitionOf: QualifiedName? = nil, inherits: [QualifiedName] = [], isPartitioned: Bool = false) {
        self.columns = columns
        self.constraints = constraints
        self.partitionOf = partitionOf
        self.inherits = inherits
        self.isPartitioned = isPartitioned
    }

    /// Every foreign key, inline and table-level.
    public var foreignKeys: [ForeignKey] {
        columns.flatMap(\.foreignKeys) + constraints.compactMap(\.foreignKey)
    }

    /// Every constraint, inline and table-level.
    public var allConstraints: [ConstraintDefinition] {
        columns.flatMap(\.constraints) + constraints
    }

    /// The primary key's columns, nil when the table declares none.
    public var primaryKey: [String]? {
        allConstraints.first { $0.kind == .primaryKey }?.columns
    }
}

/// A column of CREATE TABLE or ALTER TABLE … ADD COLUMN.
public struct ColumnDefinition: Hashable, Sendable, Codable {
    public var name: String
    /// nil where the SQL gives none (a partition's column options).
    public var type: TypeName?
    /// NOT NULL, explicitly or through PRIMARY KEY.
    public var notNull: Bool
    public var defaultValue: DefaultValue?
    /// GENERATED … AS IDENTITY.
    public var isIdentity: Bool
    /// GENERATED ALWAYS AS (…) STORED: computed for every row.
    public var isGenerated: Bool
    /// Inline PRIMARY KEY, UNIQUE, CHECK, REFERENCES, EXCLUDE constraints; `columns` is this column.
    public var constraints: [ConstraintDefinition]

    public init(name: String, type: TypeName?, notNull: Bool = false, defaultValue: DefaultValue? = nil,
                isIdentity: Bool = false, isGenerated: Bool = false, constraints: [ConstraintDefinition] = []) {
        self.name = name
        self.type = type
        self.notNull = notNull
        self.defaultValue = defaultValue
        self.isIdentity = isIdentity
        self.isGenerated = isGenerated
        self.constraints = constraints
    }

    public var hasDefault: Bool { defaultValue != nil }
    public var isPrimaryKey: Bool { constraints.contains { $0.kind == .primaryKey } }
    public var isUnique: Bool { constraints.contains { $0.kind == .unique } }
    public var foreignKeys: [ForeignKey] { constraints.compactMap(\.foreignKey) }
}

/// A column default: what the linter needs to judge whether adding it rewrites the table.
public struct DefaultValue: Hashable, Sendable, Codable {
    /// How often the expression may change its result, as PostgreSQL's function
    /// volatility: a volatile default (random(), gen_random_uuid(), clock_timestamp(),
    /// nextval()) is computed per row, so adding it rewrites the table.
    public enum Volatility: Int, Hashable, Sendable, Comparable, Codable {
        case immutable, stable
        /// Calls a function this module does not know.
        case unknown
        case volatile

        public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    }

    /// A literal, NULL, or a cast of one.
    public var isConstant: Bool
    /// The functions the expression calls, as written (lower case unless quoted), e.g. `["now"]`.
    public var functions: [String]
    public var volatility: Volatility

    public init(isConstant: Bool, functions: [String], volatility: Volatility) {
        self.isConstant = isConstant
        self.functions = functions
        self.volatility = volatility
    }
}

/// A PRIMARY KEY, UNIQUE, CHECK, FOREIGN KEY, or EXCLUDE constraint.
public struct ConstraintDefinition: Hashable, Sendable, Codable {
    public enum Kind: String, Hashable, Sendable, Codable {
        case primaryKey = "primary key", unique, check, foreignKey = "foreign key", exclusion
    }

    /// nil when PostgreSQL chooses the name.
    public var name: String?
    public var kind: Kind
    /// The constrained columns (the referencing ones for a foreign key); empty for CHECK.
    public var columns: [String]
    /// NOT VALID: existing rows are not checked now.
    public var notValid: Bool
    /// `… USING INDEX name`: a PRIMARY KEY or UNIQUE adopting an existing index.
    public var usingIndex: String?
    public var foreignKey: ForeignKey?
    public var deferrable: Bool

    public init(name: String?, kind: Kind, columns: [String] = [], notValid: Bool = false,
                usingIndex: String? = nil, foreignKey: ForeignKey? = nil, deferrable: Bool = false) {
        self.name = name
        self.kind = kind
        self.columns = columns
        self.notValid = notValid
        self.usingIndex = usingIndex
        self.foreignKey = foreignKey
        self.deferrable = deferrable
    }
}

/// A FOREIGN KEY or REFERENCES constraint.
public struct ForeignKey: Hashable, Sendable, Codable {
    public enum Action: String, Hashable, Sendable, Codable {
        case noAction = "no action", restrict, cascade, setNull = "set null", setDefault = "set default"
    }

    public var name: String?
    /// The referencing columns.
    public var columns: [String]
    public var references: QualifiedName
    /// Empty when the SQL names none: the referenced table's primary key.
    public var referencedColumns: [String]
    /// NOT VALID: existing rows are not checked now.
    public var notValid: Bool
    public var onDelete: Action
    public var onUpdate: Action

    public init(name: String? = nil, columns: [String], references: QualifiedName, referencedColumns: [String] = [],
                notValid: Bool = false, onDelete: Action = .noAction, onUpdate: Action = .noAction) {
        self.name = name
        self.columns = columns
        self.references = references
        self.referencedColumns = referencedColumns
        self.notValid = notValid
        self.onDelete = onDelete
        self.onUpdate = onUpdate
    }
}

/// A CREATE INDEX.
public struct IndexDefinition: Hashable, Sendable, Codable {
    public var table: QualifiedName
    public var unique: Bool
    public var concurrently: Bool
    /// The plain columns indexed, in order; expressions are left out (see `hasExpressions`).
    public var columns: [String]
    public var hasExpressions: Bool
    /// Has a WHERE clause.
    public var isPartial: Bool
    /// The access method: btree, gin, gist, …
    public var method: String

    public init(table: QualifiedName, unique: Bool = false, concurrently: Bool = false, columns: [String] = [],
                hasExpressions: Bool = false, isPartial: Bool = false, method: String = "btree") {
        self.table = table
        self.unique = unique
        self.concurrently = concurrently
        self.columns = columns
        self.hasExpressions = hasExpressions
        self.isPartial = isPartial
        self.method = method
    }
}

/// The rows of an `INSERT … VALUES`, as far as they are literals: what a lookup by key needs.
///
/// Bounded: the values are kept only for a list of at most `keptRowLimit` rows (the catalog
/// check looks rows up only up to its own, lower limit); a longer list keeps its `count` and no
/// values, so a 150,000-row seed file costs a number, not every literal.
public struct InsertedRows: Hashable, Sendable, Codable {
    public enum Literal: Hashable, Sendable, Codable {
        case string(String)
        /// An integer or decimal number as written, e.g. `-12`, `1.5`.
        case number(String)
        case boolean(Bool)
        case null
    }

    /// The most rows whose values are kept.
    public static let keptRowLimit = 1_000

    /// The column list; nil when the INSERT names none (the values go by position).
    public var columns: [String]?
    /// Each row's values in order; nil where a value is not a literal (an expression, DEFAULT).
    /// Empty when there are more than `keptRowLimit` rows.
    public var rows: [[Literal?]]
    /// How many rows the VALUES list has, kept or not.
    public var count: Int
    /// `ON CONFLICT …`: rows whose key already existed were skipped or updated.
    public var onConflict: Bool

    /// `rows` beyond `keptRowLimit` are dropped; `count` is then how many there were.
    public init(columns: [String]?, rows: [[Literal?]], count: Int? = nil, onConflict: Bool = false) {
        self.columns = columns
        self.count = count ?? rows.count
        self.rows = self.count > Self.keptRowLimit ? [] : rows
        self.onConflict = onConflict
    }

    /// Whether `rows` holds every row's values.
    public var keepsValues: Bool { rows.count == count }

    /// Adds rows read in pieces, dropping every value once the list passes `keptRowLimit`.
    mutating func append(contentsOf more: [[Literal?]]) {
        count += more.count
        if count > Self.keptRowLimit {
            rows = []
        } else {
            rows += more
        }
    }
}
