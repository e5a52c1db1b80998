import Foundation
import SQL

// The parse cache's payload: a `ParsedFile` written field by field in a compact binary form.
// JSONDecoder reading entries back cost more than parsing the files again (BENCHMARKS.md,
// issue 19); this reads one without a keyed container or a dictionary in sight. Each type writes
// its fields in declaration order and reads them back in the same order through its public
// initialiser, so a field added to a type must be added here too (its initialiser call fails to
// compile otherwise, or, for a defaulted parameter, ParseCacheTests' round trip of every rule
// example fails). Bump `ParseCache.format` whenever this layout changes.

/// Appends values to a byte array: integers as zigzag varints, strings as length and UTF-8.
package struct CacheWriter {
    package fileprivate(set) var bytes: [UInt8] = []

    package init() {}

    package mutating func write<T: CacheCodable>(_ value: T) { value.write(to: &self) }

    fileprivate mutating func varint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    fileprivate mutating func tag(_ value: UInt8) { bytes.append(value) }
}

/// Reads what `CacheWriter` wrote; any byte out of place throws (the entry is then ignored).
package struct CacheReader {
    package struct Malformed: Error {}

    private let bytes: UnsafeRawBufferPointer
    private var index = 0

    package init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    package var isAtEnd: Bool { index == bytes.count }

    package mutating func read<T: CacheCodable>(_ type: T.Type = T.self) throws -> T { try T(from: &self) }

    fileprivate mutating func varint() throws -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        throw Malformed()
    }

    fileprivate mutating func tag() throws -> UInt8 {
        guard index < bytes.count else { throw Malformed() }
        defer { index += 1 }
        return bytes[index]
    }

    fileprivate mutating func utf8(count: Int) throws -> String {
        guard count >= 0, count <= bytes.count - index else { throw Malformed() }
        defer { index += count }
        return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[index..<(index + count)]), as: UTF8.self)
    }
}

/// A value the parse cache stores.
package protocol CacheCodable {
    func write(to writer: inout CacheWriter)
    init(from reader: inout CacheReader) throws
}

// MARK: Standard types

extension Int: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.varint(UInt64(bitPattern: Int64((self << 1) ^ (self >> (Int.bitWidth - 1)))))
    }

    package init(from reader: inout CacheReader) throws {
        let raw = try reader.varint()
        self = Int(truncatingIfNeeded: Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1))))
    }
}

extension Bool: CacheCodable {
    package func write(to writer: inout CacheWriter) { writer.tag(self ? 1 : 0) }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = false
        case 1: self = true
        default: throw CacheReader.Malformed()
        }
    }
}

extension String: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        var text = self
        text.withUTF8 { utf8 in
            writer.varint(UInt64(utf8.count))
            writer.bytes.append(contentsOf: utf8)
        }
    }

    package init(from reader: inout CacheReader) throws {
        self = try reader.utf8(count: Int(truncatingIfNeeded: try reader.varint()))
    }
}

extension Optional: CacheCodable where Wrapped: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case nil: writer.tag(0)
        case let value?:
            writer.tag(1)
            value.write(to: &writer)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = nil
        case 1: self = try Wrapped(from: &reader)
        default: throw CacheReader.Malformed()
        }
    }
}

extension Array: CacheCodable where Element: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.varint(UInt64(count))
        for element in self { element.write(to: &writer) }
    }

    package init(from reader: inout CacheReader) throws {
        let count = Int(truncatingIfNeeded: try reader.varint())
        guard count >= 0, count < 1 << 24 else { throw CacheReader.Malformed() }
        self = []
        reserveCapacity(count)
        for _ in 0..<count { append(try Element(from: &reader)) }
    }
}

// MARK: The SQL module's types

extension QualifiedName: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(schema)
        writer.write(name)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(schema: try reader.read(), name: try reader.read())
    }
}

extension TypeName: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(schema)
        writer.write(name)
        writer.write(modifiers)
        writer.write(isArray)
        writer.write(isSetOf)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(schema: try reader.read(), name: try reader.read(), modifiers: try reader.read(),
                  isArray: try reader.read(), isSetOf: try reader.read())
    }
}

extension DefaultValue: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(isConstant)
        writer.write(functions)
        writer.write(volatility.rawValue)
    }

    package init(from reader: inout CacheReader) throws {
        let isConstant: Bool = try reader.read()
        let functions: [String] = try reader.read()
        guard let volatility = Volatility(rawValue: try reader.read()) else { throw CacheReader.Malformed() }
        self.init(isConstant: isConstant, functions: functions, volatility: volatility)
    }
}

/// An enum stored by its raw value.
private func rawCase<T: RawRepresentable>(_ reader: inout CacheReader) throws -> T where T.RawValue == String {
    guard let value = T(rawValue: try reader.read()) else { throw CacheReader.Malformed() }
    return value
}

extension ForeignKey: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(name)
        writer.write(columns)
        writer.write(references)
        writer.write(referencedColumns)
        writer.write(notValid)
        writer.write(onDelete.rawValue)
        writer.write(onUpdate.rawValue)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(name: try reader.read(), columns: try reader.read(), references: try reader.read(),
                  referencedColumns: try reader.read(), notValid: try reader.read(),
                  onDelete: try rawCase(&reader), onUpdate: try rawCase(&reader))
    }
}

extension ConstraintDefinition: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(name)
        writer.write(kind.rawValue)
        writer.write(columns)
        writer.write(notValid)
        writer.write(usingIndex)
        writer.write(foreignKey)
        writer.write(deferrable)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(name: try reader.read(), kind: try rawCase(&reader), columns: try reader.read(), notValid: try reader.read(),
                  usingIndex: try reader.read(), foreignKey: try reader.read(), deferrable: try reader.read())
    }
}

extension ColumnDefinition: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(name)
        writer.write(type)
        writer.write(notNull)
        writer.write(defaultValue)
        writer.write(isIdentity)
        writer.write(isGenerated)
        writer.write(constraints)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(name: try reader.read(), type: try reader.read(), notNull: try reader.read(), defaultValue: try reader.read(),
                  isIdentity: try reader.read(), isGenerated: try reader.read(), constraints: try reader.read())
    }
}

extension TableDefinition: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(columns)
        writer.write(constraints)
        writer.write(partitionOf)
        writer.write(inherits)
        writer.write(isPartitioned)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(columns: try reader.read(), constraints: try reader.read(), partitionOf: try reader.read(),
                  inherits: try reader.read(), isPartitioned: try reader.read())
    }
}

extension IndexDefinition: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(table)
        writer.write(unique)
        writer.write(concurrently)
        writer.write(columns)
        writer.write(hasExpressions)
        writer.write(isPartial)
        writer.write(method)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(table: try reader.read(), unique: try reader.read(), concurrently: try reader.read(), columns: try reader.read(),
                  hasExpressions: try reader.read(), isPartial: try reader.read(), method: try reader.read())
    }
}

extension InsertedRows.Literal: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .string(let text): writer.tag(0); writer.write(text)
        case .number(let text): writer.tag(1); writer.write(text)
        case .boolean(let value): writer.tag(2); writer.write(value)
        case .null: writer.tag(3)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .string(try reader.read())
        case 1: self = .number(try reader.read())
        case 2: self = .boolean(try reader.read())
        case 3: self = .null
        default: throw CacheReader.Malformed()
        }
    }
}

extension InsertedRows: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(columns)
        writer.write(rows)
        // The row count, which exceeds `rows` when a long VALUES list kept only its first rows.
        writer.write(count)
        writer.write(onConflict)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(columns: try reader.read(), rows: try reader.read(), count: try reader.read() as Int, onConflict: try reader.read())
    }
}

extension DatabaseObject: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .schema(let name): writer.tag(0); writer.write(name)
        case .table(let name): writer.tag(1); writer.write(name)
        case .column(let table, let name): writer.tag(2); writer.write(table); writer.write(name)
        case .index(let name, let table): writer.tag(3); writer.write(name); writer.write(table)
        case .constraint(let table, let name): writer.tag(4); writer.write(table); writer.write(name)
        case .view(let name): writer.tag(5); writer.write(name)
        case .materializedView(let name): writer.tag(6); writer.write(name)
        case .sequence(let name): writer.tag(7); writer.write(name)
        case .type(let name): writer.tag(8); writer.write(name)
        case .function(let name, let arguments): writer.tag(9); writer.write(name); writer.write(arguments)
        case .extension(let name): writer.tag(10); writer.write(name)
        case .trigger(let name, let table): writer.tag(11); writer.write(name); writer.write(table)
        case .database(let name): writer.tag(12); writer.write(name)
        case .role(let name): writer.tag(13); writer.write(name)
        case .other(let words): writer.tag(14); writer.write(words)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .schema(try reader.read())
        case 1: self = .table(try reader.read())
        case 2: self = .column(table: try reader.read(), name: try reader.read())
        case 3: self = .index(try reader.read(), table: try reader.read())
        case 4: self = .constraint(table: try reader.read(), name: try reader.read())
        case 5: self = .view(try reader.read())
        case 6: self = .materializedView(try reader.read())
        case 7: self = .sequence(try reader.read())
        case 8: self = .type(try reader.read())
        case 9: self = .function(try reader.read(), arguments: try reader.read())
        case 10: self = .extension(try reader.read())
        case 11: self = .trigger(name: try reader.read(), table: try reader.read())
        case 12: self = .database(try reader.read())
        case 13: self = .role(try reader.read())
        case 14: self = .other(try reader.read())
        default: throw CacheReader.Malformed()
        }
    }
}

extension Effect.Action: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .create: writer.tag(0)
        case .createIfNotExists: writer.tag(1)
        case .createOrReplace: writer.tag(2)
        case .alter: writer.tag(3)
        case .drop: writer.tag(4)
        case .rename(let name): writer.tag(5); writer.write(name)
        case .comment: writer.tag(6)
        case .insertRows: writer.tag(7)
        case .updateRows(let whereClause): writer.tag(8); writer.write(whereClause)
        case .deleteRows(let whereClause): writer.tag(9); writer.write(whereClause)
        case .truncate: writer.tag(10)
        case .grant: writer.tag(11)
        case .revoke: writer.tag(12)
        case .other: writer.tag(13)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .create
        case 1: self = .createIfNotExists
        case 2: self = .createOrReplace
        case 3: self = .alter
        case 4: self = .drop
        case 5: self = .rename(to: try reader.read())
        case 6: self = .comment
        case 7: self = .insertRows
        case 8: self = .updateRows(whereClause: try reader.read())
        case 9: self = .deleteRows(whereClause: try reader.read())
        case 10: self = .truncate
        case 11: self = .grant
        case 12: self = .revoke
        case 13: self = .other
        default: throw CacheReader.Malformed()
        }
    }
}

extension Effect.ColumnChange: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .type(let type, let using): writer.tag(0); writer.write(type); writer.write(using)
        case .setNotNull: writer.tag(1)
        case .dropNotNull: writer.tag(2)
        case .setDefault(let value): writer.tag(3); writer.write(value)
        case .dropDefault: writer.tag(4)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .type(try reader.read(), using: try reader.read())
        case 1: self = .setNotNull
        case 2: self = .dropNotNull
        case 3: self = .setDefault(try reader.read())
        case 4: self = .dropDefault
        default: throw CacheReader.Malformed()
        }
    }
}

extension Effect.Detail: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .none: writer.tag(0)
        case .table(let table): writer.tag(1); writer.write(table)
        case .column(let column): writer.tag(2); writer.write(column)
        case .constraint(let constraint): writer.tag(3); writer.write(constraint)
        case .index(let index): writer.tag(4); writer.write(index)
        case .columnChange(let change): writer.tag(5); writer.write(change)
        case .validateConstraint: writer.tag(6)
        case .enumValues(let values): writer.tag(7); writer.write(values)
        case .addEnumValue(let value, let ifNotExists): writer.tag(8); writer.write(value); writer.write(ifNotExists)
        case .renameEnumValue(let from, let to): writer.tag(9); writer.write(from); writer.write(to)
        case .comment(let text): writer.tag(10); writer.write(text)
        case .setSchema(let schema): writer.tag(11); writer.write(schema)
        case .privileges(let privileges, let grantees): writer.tag(12); writer.write(privileges); writer.write(grantees)
        case .routine(let language, let isProcedure, let body):
            writer.tag(13); writer.write(language); writer.write(isProcedure); writer.write(body)
        case .tableCommand(let name): writer.tag(14); writer.write(name)
        case .rows(let rows): writer.tag(15); writer.write(rows)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .none
        case 1: self = .table(try reader.read())
        case 2: self = .column(try reader.read())
        case 3: self = .constraint(try reader.read())
        case 4: self = .index(try reader.read())
        case 5: self = .columnChange(try reader.read())
        case 6: self = .validateConstraint
        case 7: self = .enumValues(try reader.read())
        case 8: self = .addEnumValue(try reader.read(), ifNotExists: try reader.read())
        case 9: self = .renameEnumValue(from: try reader.read(), to: try reader.read())
        case 10: self = .comment(try reader.read())
        case 11: self = .setSchema(try reader.read())
        case 12: self = .privileges(try reader.read(), grantees: try reader.read())
        case 13: self = .routine(language: try reader.read(), isProcedure: try reader.read(), body: try reader.read())
        case 14: self = .tableCommand(try reader.read())
        case 15: self = .rows(try reader.read())
        default: throw CacheReader.Malformed()
        }
    }
}

extension Effect: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(action)
        writer.write(object)
        writer.write(detail)
        writer.write(ifExists)
        writer.write(cascade)
        writer.write(concurrently)
        writer.write(temporary)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(try reader.read(), try reader.read(), detail: try reader.read(), ifExists: try reader.read(),
                  cascade: try reader.read(), concurrently: try reader.read(), temporary: try reader.read())
    }
}

extension TransactionControl: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .begin: writer.tag(0)
        case .commit: writer.tag(1)
        case .rollback: writer.tag(2)
        case .savepoint(let name): writer.tag(3); writer.write(name)
        case .releaseSavepoint(let name): writer.tag(4); writer.write(name)
        case .rollbackToSavepoint(let name): writer.tag(5); writer.write(name)
        case .prepareTransaction(let id): writer.tag(6); writer.write(id)
        case .commitPrepared(let id): writer.tag(7); writer.write(id)
        case .rollbackPrepared(let id): writer.tag(8); writer.write(id)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .begin
        case 1: self = .commit
        case 2: self = .rollback
        case 3: self = .savepoint(try reader.read())
        case 4: self = .releaseSavepoint(try reader.read())
        case 5: self = .rollbackToSavepoint(try reader.read())
        case 6: self = .prepareTransaction(try reader.read())
        case 7: self = .commitPrepared(try reader.read())
        case 8: self = .rollbackPrepared(try reader.read())
        default: throw CacheReader.Malformed()
        }
    }
}

extension Setting: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(name)
        writer.write(value)
        writer.write(isLocal)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(name: try reader.read(), value: try reader.read(), isLocal: try reader.read())
    }
}

extension SQLError: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(message)
        writer.write(line)
        writer.write(column)
        writer.write(offset)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(message: try reader.read(), line: try reader.read(), column: try reader.read(), offset: try reader.read())
    }
}

// MARK: This module's types

extension Allow: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(rules)
        writer.write(reason)
        writer.write(line)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(rules: try reader.read(), reason: try reader.read(), line: try reader.read())
    }
}

extension StatementDetails: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .reindex(let object, let concurrently): writer.tag(0); writer.write(object); writer.write(concurrently)
        case .vacuumFull(let tables): writer.tag(1); writer.write(tables)
        case .cluster(let table): writer.tag(2); writer.write(table)
        case .doBlock(let body, let language): writer.tag(3); writer.write(body); writer.write(language)
        case .domainWithConstraints(let domain): writer.tag(4); writer.write(domain)
        case .domainConstraint(let domain, let notValid): writer.tag(5); writer.write(domain); writer.write(notValid)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .reindex(object: try reader.read(), concurrently: try reader.read())
        case 1: self = .vacuumFull(tables: try reader.read())
        case 2: self = .cluster(table: try reader.read())
        case 3: self = .doBlock(body: try reader.read(), language: try reader.read())
        case 4: self = .domainWithConstraints(domain: try reader.read())
        case 5: self = .domainConstraint(domain: try reader.read(), notValid: try reader.read())
        default: throw CacheReader.Malformed()
        }
    }
}

extension ReviewScript.Statement: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(line)
        writer.write(kind)
        writer.write(effects)
        writer.write(transactionControl)
        writer.write(refusedInTransaction)
        writer.write(allows)
        writer.write(setting)
        writer.write(details)
        writer.write(checkExpressions)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(line: try reader.read(), kind: try reader.read(), effects: try reader.read(),
                  transactionControl: try reader.read(), refusedInTransaction: try reader.read(), allows: try reader.read(),
                  setting: try reader.read(), details: try reader.read(), checkExpressions: try reader.read())
    }
}

extension ReviewScript.AllowComment: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(allow)
        writer.write(text)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(allow: try reader.read(), text: try reader.read())
    }
}

extension ReviewScript: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        writer.write(statements)
        writer.write(allowComments)
    }

    package init(from reader: inout CacheReader) throws {
        self.init(statements: try reader.read(), allowComments: try reader.read())
    }
}

extension ParsedFile: CacheCodable {
    package func write(to writer: inout CacheWriter) {
        switch self {
        case .script(let script): writer.tag(0); writer.write(script)
        case .notText(let line, let reason): writer.tag(1); writer.write(line); writer.write(reason)
        case .syntaxError(let error): writer.tag(2); writer.write(error)
        }
    }

    package init(from reader: inout CacheReader) throws {
        switch try reader.tag() {
        case 0: self = .script(try reader.read())
        case 1: self = .notText(line: try reader.read(), reason: try reader.read())
        case 2: self = .syntaxError(try reader.read())
        default: throw CacheReader.Malformed()
        }
    }

    /// The entry payload for this parse.
    package var cacheBytes: [UInt8] {
        var writer = CacheWriter()
        writer.write(self)
        return writer.bytes
    }

    /// The parse stored as `bytes`; throws unless they are exactly one whole value.
    package init(cacheBytes bytes: UnsafeRawBufferPointer) throws {
        var reader = CacheReader(bytes)
        self = try reader.read()
        guard reader.isAtEnd else { throw CacheReader.Malformed() }
    }
}
