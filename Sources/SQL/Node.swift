/// A node of libpg_query's parse tree, as its JSON output shapes it.
///
/// A typed node is an object with one key, its tag: `{"RangeVar": {"relname": "t", …}}`.
/// Fields holding a known node type are untagged (`relation: {"relname": …}`); lists are
/// arrays of tagged nodes. Fields at their default value (false, 0, empty) are absent.
public enum Node: Hashable, Sendable {
    /// A field of an object.
    public struct Field: Hashable, Sendable {
        public let key: String
        public let value: Node

        public init(_ key: String, _ value: Node) {
            self.key = key
            self.value = value
        }
    }

    /// An object's fields in document order (objects are small: a linear lookup beats hashing).
    case object([Field])
    case array([Node])
    case string(String)
    case int(Int)
    case double(Double)
    case bool(Bool)
    case null

    /// The field `key` of an object.
    public subscript(key: String) -> Node? {
        if case .object(let fields) = self {
            for field in fields where field.key == key { return field.value }
        }
        return nil
    }

    /// The element at `index` of an array, nil when out of range.
    public subscript(index: Int) -> Node? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    public var int: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    public var double: Double? {
        switch self {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }

    public var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    public var array: [Node]? {
        if case .array(let items) = self { return items }
        return nil
    }

    public var object: [Field]? {
        if case .object(let fields) = self { return fields }
        return nil
    }

    /// An object's keys in document order.
    public var keys: [String] {
        object?.map(\.key) ?? []
    }

    /// The tag of a typed node (`"RangeVar"` for `{"RangeVar": {…}}`), else nil.
    public var tag: String? {
        guard case .object(let fields) = self, fields.count == 1, let first = fields[0].key.utf8.first,
              first >= UInt8(ascii: "A"), first <= UInt8(ascii: "Z")
        else { return nil }
        return fields[0].key
    }

    /// The fields of a typed node (`{…}` of `{"RangeVar": {…}}`); an untagged node is returned as is.
    public var fields: Node {
        if tag != nil, case .object(let fields) = self { return fields[0].value }
        return self
    }

    /// True when a boolean field is present and true (libpg_query omits false ones).
    public func flag(_ key: String) -> Bool {
        self[key]?.bool ?? false
    }

    /// The text of a `String` node (`{"String": {"sval": "x"}}`), or of a plain string.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return self["String"]?["sval"]?.string
    }

    /// The texts of a list of `String` nodes (`["s", "t"]` for `[{"String": {"sval": "s"}}, …]`),
    /// e.g. a qualified name's parts; also of a tagged `List` and of a single `String` node.
    public var stringValues: [String] {
        if let single = stringValue { return [single] }
        return (fields["items"]?.array ?? array ?? []).compactMap(\.stringValue)
    }

    /// Visits this node and every node inside it, depth first, in document order.
    public func walk(_ visit: (Node) throws -> Void) rethrows {
        try visit(self)
        switch self {
        case .object(let fields):
            for field in fields { try field.value.walk(visit) }
        case .array(let items):
            for item in items { try item.walk(visit) }
        default:
            break
        }
    }

    /// The fields of every node tagged `tag`, this one included, depth first.
    public func all(_ tag: String) -> [Node] {
        var found: [Node] = []
        walk { node in
            if case .object(let fields) = node, fields.count == 1, fields[0].key == tag {
                found.append(fields[0].value)
            }
        }
        return found
    }

    /// The fields of the first node tagged `tag`, this one included, depth first.
    public func first(_ tag: String) -> Node? {
        if case .object(let fields) = self, fields.count == 1, fields[0].key == tag { return fields[0].value }
        switch self {
        case .object(let fields):
            for field in fields {
                if let found = field.value.first(tag) { return found }
            }
        case .array(let items):
            for item in items {
                if let found = item.first(tag) { return found }
            }
        default:
            break
        }
        return nil
    }
}
