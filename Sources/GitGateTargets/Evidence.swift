import GitGateConfig
import GitGateLint
import GitGateMigrations

/// How the catalog shows that a statement's effect is there.
public enum Proof: String, Sendable, Hashable, Codable, CaseIterable {
    /// The object (table, column, index, type, function, …) exists.
    case objectExists = "object-exists"
    /// The object a DROP or RENAME removed is gone.
    case objectGone = "object-gone"
    /// The column has the declared type, modifiers included (`varchar(20)`, `numeric(10,2)`).
    case columnType = "column-type"
    /// The column's NOT NULL, or whether it has a default (the expression is not compared).
    case columnProperty = "column-property"
    /// ALTER TABLE … ENABLE/DISABLE/FORCE/NO FORCE ROW LEVEL SECURITY (pg_class's flags).
    case tableProperty = "table-property"
    /// The constraint has the declared kind and columns (and is validated, after VALIDATE).
    case constraintDefinition = "constraint-definition"
    /// The index is on the declared table, with its uniqueness, method, partialness and key columns.
    case indexDefinition = "index-definition"
    /// `COMMENT ON` text, as obj_description/col_description return it.
    case commentText = "comment-text"
    /// The enum's labels are there in the declared order.
    case enumLabelOrder = "enum-label-order"
    /// Every row of `INSERT … VALUES` is found by its primary or unique key.
    case rowKeys = "row-keys"
    /// The function's body is the one given (pg_proc.prosrc).
    case functionBody = "function-body"
    /// The grantee holds the privilege (has_table_privilege and its kin).
    case privilege
}

/// Why the catalog cannot show a statement's effect. A migration with one such statement is
/// never taken as applied by hand: only `gitgate record --unverified --reason …` vouches for it.
public enum UnprovableReason: Sendable, Hashable {
    /// UPDATE, DELETE, COPY, MERGE, TRUNCATE, INSERT … SELECT: rows, which the catalog does not hold.
    case dataChange(String)
    /// INSERT … VALUES with more rows than the check looks up.
    case tooManyRows(Int, limit: Int)
    /// INSERT … VALUES without a column list: which value is which column, the catalog decides.
    case noColumnList
    /// INSERT … VALUES where no column holds a literal in every row.
    case noLiteralColumns
    /// The table has no primary or unique key among the literal columns, or the check may not read it.
    case noKeyToLookUp
    /// A DO block: code, which runs once and leaves nothing to look up.
    case doBlock
    /// A SELECT may change data through the functions it calls.
    case select
    /// PostgreSQL names it: an unnamed CHECK or EXCLUDE constraint added to an existing table.
    case unnamed(String)
    /// An effect the check does not compare, in words (`ALTER TABLE … SetTableSpace`, `grant on table t`).
    case notCompared(String)
    /// A kind of statement whose effects gitgate does not derive (the parse tree's tag).
    case notDerived(String)
    /// The file does not parse with the PostgreSQL grammar gitgate embeds.
    case doesNotParse(String)

    /// A stable code for JSON.
    public var code: String {
        switch self {
        case .dataChange: return "data-change"
        case .tooManyRows: return "too-many-rows"
        case .noColumnList: return "no-column-list"
        case .noLiteralColumns: return "no-literal-columns"
        case .noKeyToLookUp: return "no-key-to-look-up"
        case .doBlock: return "do-block"
        case .select: return "select"
        case .unnamed: return "unnamed"
        case .notCompared: return "not-compared"
        case .notDerived: return "not-derived"
        case .doesNotParse: return "does-not-parse"
        }
    }

    public var description: String {
        switch self {
        case .dataChange(let what): return "\(what) changes rows, which the catalog does not show"
        case .tooManyRows(let rows, let limit): return "\(rows) rows, more than the \(limit) the check looks up"
        case .noColumnList: return "INSERT without a column list: name the columns so the rows can be looked up by key"
        case .noLiteralColumns: return "no column has a literal value in every row, so no key can be looked up"
        case .noKeyToLookUp: return "the table has no primary or unique key among the literal columns (or the check may not read it)"
        case .doBlock: return "a DO block runs code, which leaves nothing the catalog can show"
        case .select: return "a SELECT may change data through the functions it calls"
        case .unnamed(let what): return "an unnamed \(what) cannot be found in the catalog: name it"
        case .notCompared(let what): return "\(what) is not compared with the catalog"
        case .notDerived(let kind): return "gitgate does not derive what \(kind) does"
        case .doesNotParse(let why): return "the file does not parse (\(why)), so its statements cannot be checked"
        }
    }
}

/// One statement of a migration, and what one target's catalog says about it.
public struct StatementEvidence: Sendable, Hashable {
    public enum Status: Sendable, Hashable {
        /// Every effect of the statement is in the catalog, shown these ways.
        case proven([Proof])
        /// The catalog contradicts it: these effects are missing or different, in words.
        case missing([String])
        /// The catalog cannot show its effect.
        case unprovable(UnprovableReason)
        /// BEGIN, SET, a temporary table: nothing is left behind to prove.
        case nothingToProve
        /// A later statement or migration of the branch changes the same objects again; that one is checked.
        case superseded
    }

    /// 1-based line of the statement's first token.
    public var line: Int
    /// The statement's kind, e.g. `CREATE TABLE`, `INSERT`.
    public var statement: String
    public var status: Status

    public init(line: Int, statement: String, status: Status) {
        self.line = line
        self.statement = statement
        self.status = status
    }

    public var isUnprovable: Bool {
        if case .unprovable = status { return true }
        return false
    }

    public var isMissing: Bool {
        if case .missing = status { return true }
        return false
    }

    /// "proven: object-exists, column-type", "unprovable: …", for `status --verbose`.
    public var summary: String {
        switch status {
        case .proven(let proofs): return "proven: " + proofs.map(\.rawValue).joined(separator: ", ")
        case .missing(let what): return "missing: " + what.joined(separator: "; ")
        case .unprovable(let reason): return "unprovable: " + reason.description
        case .nothingToProve: return "nothing to prove"
        case .superseded: return "checked through a later statement that changes the same object"
        }
    }
}

extension StatementEvidence: Codable {
    private enum Keys: String, CodingKey {
        case line, statement, status, proofs, missing, reason, detail
    }

    /// `{"line": 3, "statement": "INSERT", "status": "unprovable", "reason": "data-change", "detail": "…"}`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(line, forKey: .line)
        try container.encode(statement, forKey: .statement)
        switch status {
        case .proven(let proofs):
            try container.encode("proven", forKey: .status)
            try container.encode(proofs, forKey: .proofs)
        case .missing(let what):
            try container.encode("missing", forKey: .status)
            try container.encode(what, forKey: .missing)
        case .unprovable(let reason):
            try container.encode("unprovable", forKey: .status)
            try container.encode(reason.code, forKey: .reason)
            try container.encode(reason.description, forKey: .detail)
        case .nothingToProve:
            try container.encode("nothing-to-prove", forKey: .status)
        case .superseded:
            try container.encode("superseded", forKey: .status)
        }
    }

    /// Decoding keeps the shape; an unprovable reason comes back as `.notCompared(detail)`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Keys.self)
        line = try container.decode(Int.self, forKey: .line)
        statement = try container.decode(String.self, forKey: .statement)
        switch try container.decode(String.self, forKey: .status) {
        case "proven": status = .proven(try container.decode([Proof].self, forKey: .proofs))
        case "missing": status = .missing(try container.decode([String].self, forKey: .missing))
        case "unprovable": status = .unprovable(.notCompared(try container.decode(String.self, forKey: .detail)))
        case "superseded": status = .superseded
        default: status = .nothingToProve
        }
    }
}

/// Why a migration is pending on a target, typed: `gitgate record --unverified` accepts only `.unprovable`.
public enum PendingCause: String, Sendable, Hashable, Codable {
    /// The catalog lacks (or contradicts) an effect it can check: the migration is not applied.
    case missing
    /// Every effect the catalog can check is there, but a statement's effect cannot be checked.
    case unprovable
    /// The ledger records a run that did not finish.
    case failedRun = "failed-run"
}
