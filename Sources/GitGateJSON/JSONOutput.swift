import Foundation

/// JSON that gitgate stores for itself (the skip log, the verified-merge record): one compact
/// line, sorted keys, so it is stable byte for byte.
package func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return "{}" }
    return text
}

/// Every command's `--format json`: one encoder, one contract (docs/json.md). Keys are sorted,
/// absent values are `null` (see `Nullable`), and the top-level object carries `schemaVersion`,
/// raised whenever a key changes meaning or goes away.
public enum JSONOutput {
    public static let schemaVersion = 1

    public static func render(_ value: some Encodable) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(Versioned(payload: value)) else {
            // Encoding our own value types cannot fail; if it ever did, say so in JSON.
            return "{\"error\": \"gitgate could not encode its output\", \"schemaVersion\": \(schemaVersion)}"
        }
        return String(decoding: data, as: UTF8.self)
    }

    /// The payload's keys and `schemaVersion`, in one object.
    private struct Versioned<Payload: Encodable>: Encodable {
        var payload: Payload

        func encode(to encoder: Encoder) throws {
            try payload.encode(to: encoder)
            var container = encoder.container(keyedBy: Key.self)
            try container.encode(JSONOutput.schemaVersion, forKey: .schemaVersion)
        }

        enum Key: String, CodingKey { case schemaVersion }
    }
}

/// An optional that encodes as `null` when absent instead of leaving its key out, so every
/// object of one kind has the same keys. Decoding accepts a missing key as nil (older records).
@propertyWrapper
public struct Nullable<Value> {
    public var wrappedValue: Value?

    public init(wrappedValue: Value?) { self.wrappedValue = wrappedValue }
}

extension Nullable: Sendable where Value: Sendable {}
extension Nullable: Equatable where Value: Equatable {}
extension Nullable: Hashable where Value: Hashable {}

extension Nullable: Encodable where Value: Encodable {
    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        if let wrappedValue { try container.encode(wrappedValue) } else { try container.encodeNil() }
    }
}

extension Nullable: Decodable where Value: Decodable {
    public init(from decoder: Decoder) throws {
        let container = try decoder.singleValueContainer()
        wrappedValue = container.decodeNil() ? nil : try container.decode(Value.self)
    }
}

extension KeyedDecodingContainer {
    /// A missing key is nil, as it was before the key was written as null.
    public func decode<Value: Decodable>(_ type: Nullable<Value>.Type, forKey key: Key) throws -> Nullable<Value> {
        try decodeIfPresent(type, forKey: key) ?? Nullable(wrappedValue: nil)
    }
}

extension String {
    package func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.count > 1 && result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}
