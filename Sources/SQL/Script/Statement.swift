/// One statement of a script, located in the file, with what it does.
public struct Statement: Sendable {
    /// From the first token to the last, without the semicolon and comments around it.
    public let text: String
    /// 1-based line of the first token.
    public let line: Int
    /// 1-based column of the first token, in Unicode scalars.
    public let column: Int
    /// 0-based byte offset of the first token.
    public let offset: Int
    /// Byte offset just past the last token.
    public let endOffset: Int
    /// The line of the last token.
    public let endLine: Int
    /// The parse tree's node tag, e.g. `CreateStmt`, `IndexStmt`, `AlterTableStmt`, `DropStmt`, `TransactionStmt`.
    public let kind: String
    /// The parse tree, tagged: `{kind: {…fields…}}`. An `INSERT … VALUES` of a large file whose
    /// rows were read in pieces (see `ScriptBuilder`) has only its first row here; `effects`
    /// has them all, as `InsertedRows` keeps them.
    public let node: Node
    /// What the statement does to the schema and its rows.
    public let effects: [Effect]
    /// The comments between the previous statement's last token and this statement's first,
    /// e.g. `-- gitgate:allow ban-drop-table because …`.
    public let leadingComments: [Comment]
    /// BEGIN, COMMIT, … when the statement controls transactions.
    public let transactionControl: TransactionControl?
    /// SET / RESET of a run-time parameter.
    public let setting: Setting?
    private let minimumTransactionServerVersion: Int

    /// `insertedRows`: the rows of an INSERT read in pieces (`BulkValues`), whose `node` holds
    /// only its first row.
    init(text: String, start: SourceLocation, endOffset: Int, endLine: Int, node: Node, kind: String,
         leadingComments: [Comment], insertedRows: InsertedRows? = nil) {
        self.text = text
        line = start.line
        column = start.column
        offset = start.offset
        self.endOffset = endOffset
        self.endLine = endLine
        self.kind = kind
        self.node = node
        self.leadingComments = leadingComments
        let fields = node.fields
        var effects = Effects.derive(kind: kind, fields: fields)
        if let insertedRows {
            for index in effects.indices where effects[index].action == .insertRows {
                if case .rows = effects[index].detail { effects[index].detail = .rows(insertedRows) }
            }
        }
        self.effects = effects
        transactionControl = kind == "TransactionStmt" ? TransactionControl(fields) : nil
        setting = kind == "VariableSetStmt" ? Setting(fields) : nil
        minimumTransactionServerVersion = TransactionRules.minimumServerVersion(kind: kind, fields: fields)
    }

    /// The statement's fields: `node[kind]`.
    public var fields: Node { node.fields }

    /// False for statements PostgreSQL refuses inside a transaction block (CREATE INDEX
    /// CONCURRENTLY, VACUUM, CREATE DATABASE, …), judged for PostgreSQL 12 and later.
    public var canRunInTransaction: Bool {
        minimumTransactionServerVersion <= 120_000
    }

    /// As `canRunInTransaction`, for a server of this version (server_version_num, e.g. 110005):
    /// before 12, ALTER TYPE … ADD VALUE cannot run in a transaction block either.
    public func canRunInTransaction(serverVersion: Int) -> Bool {
        minimumTransactionServerVersion <= serverVersion
    }
}
