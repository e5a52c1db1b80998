import Foundation

/// The one JSON encoder: sorted keys, so output and stored records are stable byte for byte.
package func encodeJSON(_ value: some Encodable) -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    guard let data = try? encoder.encode(value), let text = String(data: data, encoding: .utf8) else { return "{}" }
    return text
}

extension String {
    package func trimmingSuffix(_ suffix: String) -> String {
        var result = self
        while result.count > 1 && result.hasSuffix(suffix) { result.removeLast(suffix.count) }
        return result
    }
}
