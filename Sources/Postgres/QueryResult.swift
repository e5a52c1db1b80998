/// The rows and columns of one statement's result, as text (PostgreSQL's text format).
public struct QueryResult: Sendable, Equatable {
    public let columns: [String]
    public let rows: [[String?]]
    /// The command tag: `SELECT 3`, `INSERT 0 1`, `CREATE TABLE`.
    public let command: String
    /// Rows affected by INSERT/UPDATE/DELETE/SELECT/…; nil for other commands.
    public let affectedRows: Int?

    public init(columns: [String], rows: [[String?]], command: String = "", affectedRows: Int? = nil) {
        self.columns = columns
        self.rows = rows
        self.command = command
        self.affectedRows = affectedRows
    }

    public var count: Int { rows.count }
    public var isEmpty: Bool { rows.isEmpty }

    /// The value at `row` in the first column named `column`; nil for SQL NULL.
    /// Asking for a column the result does not have is a programming error.
    public subscript(row: Int, column: String) -> String? {
        guard let index = columns.firstIndex(of: column) else {
            preconditionFailure("no column \"\(column)\" in result columns \(columns)")
        }
        return rows[row][index]
    }

    public func string(row: Int, column: String) -> String? { self[row, column] }

    /// nil for NULL or for text that is not an integer.
    public func int(row: Int, column: String) -> Int? { self[row, column].flatMap { Int($0) } }

    /// PostgreSQL's `t` / `f`; nil for NULL or anything else.
    public func bool(row: Int, column: String) -> Bool? {
        switch self[row, column] {
        case "t": true
        case "f": false
        default: nil
        }
    }
}
