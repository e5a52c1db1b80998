/// One thing a statement does to the database: an action on an object, with the
/// facts the catalog check and the linter need. Code inside function bodies and
/// DO blocks, strings, and comments never produces an effect.
public struct Effect: Hashable, Sendable, Codable {
    public enum Action: Hashable, Sendable, Codable {
        case create
        case createIfNotExists
        case createOrReplace
        case alter
        case drop
        /// The object is renamed to this name (same schema, same table for a column).
        case rename(to: String)
        /// COMMENT ON; the text is in `detail` as `.comment`.
        case comment
        case insertRows
        case updateRows(whereClause: Bool)
        case deleteRows(whereClause: Bool)
        case truncate
        case grant
        case revoke
        case other
    }

    /// What else the statement says about the object.
    public enum Detail: Hashable, Sendable, Codable {
        case none
        /// CREATE TABLE.
        case table(TableDefinition)
        /// ALTER TABLE … ADD COLUMN.
        case column(ColumnDefinition)
        /// ALTER TABLE … ADD CONSTRAINT (or ADD PRIMARY KEY, …).
        case constraint(ConstraintDefinition)
        /// CREATE INDEX.
        case index(IndexDefinition)
        /// ALTER TABLE … ALTER COLUMN ….
        case columnChange(ColumnChange)
        /// ALTER TABLE … VALIDATE CONSTRAINT.
        case validateConstraint
        /// CREATE TYPE … AS ENUM (values).
        case enumValues([String])
        /// ALTER TYPE … ADD VALUE.
        case addEnumValue(String, ifNotExists: Bool)
        /// ALTER TYPE … RENAME VALUE.
        case renameEnumValue(from: String, to: String)
        /// COMMENT ON … IS 'text'; nil for IS NULL.
        case comment(String?)
        /// ALTER … SET SCHEMA.
        case setSchema(String)
        /// GRANT / REVOKE: privileges (`select`, …; empty for ALL) and grantees (`public` for PUBLIC).
        case privileges([String], grantees: [String])
        /// CREATE FUNCTION / PROCEDURE; `body` is the one `AS '…'` string (what pg_proc.prosrc
        /// keeps), nil for `BEGIN ATOMIC` bodies and `AS 'file', 'symbol'`.
        case routine(language: String?, isProcedure: Bool, body: String? = nil)
        /// Any other ALTER TABLE subcommand, by PostgreSQL's name without `AT_`, e.g. `SetTableSpace`.
        case tableCommand(String)
        /// INSERT … VALUES: the rows, with the values that are literals.
        case rows(InsertedRows)
    }

    public enum ColumnChange: Hashable, Sendable, Codable {
        /// ALTER COLUMN … TYPE; `using` when a USING expression is given.
        case type(TypeName, using: Bool)
        case setNotNull
        case dropNotNull
        case setDefault(DefaultValue)
        case dropDefault
    }

    public var action: Action
    public var object: DatabaseObject
    public var detail: Detail
    /// DROP … IF EXISTS, ALTER … IF EXISTS, DROP COLUMN IF EXISTS.
    public var ifExists: Bool
    /// DROP … CASCADE, TRUNCATE … CASCADE.
    public var cascade: Bool
    /// CREATE/DROP INDEX CONCURRENTLY, REINDEX CONCURRENTLY, DETACH PARTITION CONCURRENTLY.
    public var concurrently: Bool
    /// A TEMP table, view, or sequence: gone at the end of the session.
    public var temporary: Bool

    public init(_ action: Action, _ object: DatabaseObject, detail: Detail = .none, ifExists: Bool = false,
                cascade: Bool = false, concurrently: Bool = false, temporary: Bool = false) {
        self.action = action
        self.object = object
        self.detail = detail
        self.ifExists = ifExists
        self.cascade = cascade
        self.concurrently = concurrently
        self.temporary = temporary
    }

    /// True for CREATE, CREATE IF NOT EXISTS, and CREATE OR REPLACE.
    public var creates: Bool {
        switch action {
        case .create, .createIfNotExists, .createOrReplace: return true
        default: return false
        }
    }

    /// The foreign keys this effect adds: a table's, an added column's, or an added constraint's.
    public var foreignKeys: [ForeignKey] {
        switch detail {
        case .table(let table): return table.foreignKeys
        case .column(let column): return column.foreignKeys
        case .constraint(let constraint): return constraint.foreignKey.map { [$0] } ?? []
        default: return []
        }
    }
}
