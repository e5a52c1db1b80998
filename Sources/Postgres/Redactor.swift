import Foundation

/// Removes passwords from text that libpq or the server produced about a connection string.
///
/// libpq echoes pieces of the connection string in its errors (`invalid percent-encoded
/// token: "<raw password>"`, a whole malformed URI, `invalid sslmode value: "password=…"`),
/// so every message that leaves this module goes through here.
public enum Redactor {
    /// What stands in for a removed secret.
    public static let mask = "***"

    /// `message` with every form of the password in `conninfo` (raw, percent-decoded,
    /// unquoted; PGPASSWORD from `environment`), the full connection string, and any quoted
    /// fragment of it that overlaps the password replaced.
    public static func redact(
        _ message: String, conninfo: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        Secrets(conninfo: conninfo, environment: environment).redact(message)
    }
}

/// The secrets of one connection string, worked out once per connection.
struct Secrets: Sendable {
    let conninfo: String
    /// Where the password is (or, for malformed strings, might be) in `conninfo`; conservative.
    private let spans: [Range<Int>]
    /// Every textual form of the password, longest first.
    private let values: [String]
    /// `user@host:port/db`, or the masked string when libpq cannot parse it.
    let described: String

    init(conninfo: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
        self.conninfo = conninfo
        let parsed = try? Conninfo.parse(conninfo).get()
        let found = Self.passwordSpans(in: conninfo)
        spans = found.map(\.offsets)

        var forms = found.flatMap(\.forms)
        if let password = parsed?["password"] { forms.append(password) }
        if let password = environment["PGPASSWORD"] { forms.append(password) }
        values = Array(Set(forms.filter { !$0.isEmpty })).sorted { $0.count > $1.count }

        var describedText: String
        if let parsed {
            describedText = Self.describe(parsed)
        } else {
            describedText = conninfo
            for span in spans.sorted(by: { $0.lowerBound > $1.lowerBound }) {
                describedText.replaceSubrange(Self.range(span, in: describedText), with: Redactor.mask)
            }
        }
        described = Self.replacing(values, in: describedText)
    }

    func redact(_ message: String) -> String {
        var text = message
        if !conninfo.isEmpty {
            text = text.replacingOccurrences(of: conninfo, with: described)
        }
        text = text.replacing(/"([^"\n]*)"/) { match in
            let fragment = String(match.output.1)
            return overlapsPassword(fragment) ? "\"\(Redactor.mask)\"" : String(match.output.0)
        }
        text = Self.replacing(values, in: text)
        // Whatever else looks like a password, in case the string was too broken to locate it.
        text = text.replacing(/(?i)(password\s*=\s*)(?:'(?:[^'\\]|\\.)*'?|[^\s"&]+)/) { "\($0.output.1)\(Redactor.mask)" }
        text = text.replacing(/(postgres(?:ql)?:\/\/[^:\/@\s"]*):[^@\s"]*@/) { "\($0.output.1):\(Redactor.mask)@" }
        return text
    }

    /// Whether some occurrence of `fragment` in the connection string touches a password span.
    private func overlapsPassword(_ fragment: String) -> Bool {
        guard fragment.count > 1, !spans.isEmpty else { return false }
        let haystack = Array(conninfo)
        let needle = Array(fragment)
        guard needle.count <= haystack.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start..<start + needle.count].elementsEqual(needle) {
            let occurrence = start..<start + needle.count
            if spans.contains(where: { $0.overlaps(occurrence) }) { return true }
        }
        return false
    }

    private static func replacing(_ values: [String], in text: String) -> String {
        values.reduce(text) { $0.replacingOccurrences(of: $1, with: Redactor.mask) }
    }

    private static func range(_ offsets: Range<Int>, in text: String) -> Range<String.Index> {
        let lower = text.index(text.startIndex, offsetBy: offsets.lowerBound)
        return lower..<text.index(lower, offsetBy: offsets.count)
    }

    // MARK: Finding the password

    struct Found {
        var offsets: Range<Int>
        var forms: [String]
    }

    /// Password spans, found by text rather than by libpq so that strings libpq rejects are covered.
    static func passwordSpans(in conninfo: String) -> [Found] {
        let text = Array(conninfo)
        var found: [Found] = []
        if Conninfo.isURI(conninfo) {
            found += uriSpans(text, 0..<text.count)
        } else {
            found += keywordSpans(text)
            for match in conninfo.matches(of: /postgres(?:ql)?:\/\/\S*/) {
                let lower = conninfo.distance(from: conninfo.startIndex, to: match.range.lowerBound)
                let upper = conninfo.distance(from: conninfo.startIndex, to: match.range.upperBound)
                found += uriSpans(text, lower..<upper)
            }
        }
        return found
    }

    /// In a URI: from the first ":" after "//" to the LAST "@" (libpq itself stops at "/", but a
    /// user who put "/" in a password meant it as part of it), and every `password=` query value.
    private static func uriSpans(_ text: [Character], _ uri: Range<Int>) -> [Found] {
        var found: [Found] = []
        guard let slashes = firstIndex(of: ["/", "/"], in: text, within: uri) else { return [] }
        let authority = slashes + 2..<uri.upperBound
        if let at = text[authority].lastIndex(of: "@"), let colon = text[authority.lowerBound..<at].firstIndex(of: ":"),
           colon + 1 < at
        {
            found.append(uriValue(text, colon + 1..<at))
        }
        var index = authority.lowerBound
        let key = Array("password=")
        while index + key.count <= uri.upperBound {
            if (text[index - 1] == "?" || text[index - 1] == "&"),
               text[index..<index + key.count].elementsEqual(key)
            {
                let start = index + key.count
                var end = start
                while end < uri.upperBound && text[end] != "&" { end += 1 }
                if end > start { found.append(uriValue(text, start..<end)) }
                index = end
            } else {
                index += 1
            }
        }
        return found
    }

    private static func uriValue(_ text: [Character], _ span: Range<Int>) -> Found {
        let raw = String(text[span])
        var forms = [raw]
        if let decoded = raw.removingPercentEncoding { forms.append(decoded) }
        return Found(offsets: span, forms: forms)
    }

    /// In key=value form: a quoted value up to its closing quote, an unquoted one up to the
    /// next `keyword=` (an unquoted password with a space is still the user's password).
    private static func keywordSpans(_ text: [Character]) -> [Found] {
        let string = String(text)
        var found: [Found] = []
        for match in string.matches(of: /(?:^|\s)password\s*=\s*/) {
            let start = string.distance(from: string.startIndex, to: match.range.upperBound)
            guard start < text.count else { continue }
            if text[start] == "'" {
                var end = start + 1
                var unescaped = ""
                while end < text.count && text[end] != "'" {
                    if text[end] == "\\" && end + 1 < text.count { end += 1 }
                    unescaped.append(text[end])
                    end += 1
                }
                let span = start + 1..<end
                found.append(Found(offsets: span, forms: [String(text[span]), unescaped]))
            } else {
                let rest = String(text[start...])
                let length = rest.firstMatch(of: /\s+[A-Za-z_]+\s*=/).map { rest.distance(from: rest.startIndex, to: $0.range.lowerBound) }
                    ?? text.count - start
                let span = start..<start + length
                let raw = String(text[span])
                let words = raw.split(whereSeparator: \.isWhitespace).map(String.init).filter { $0.count > 1 }
                if !span.isEmpty { found.append(Found(offsets: span, forms: [raw] + words)) }
            }
        }
        return found
    }

    private static func firstIndex(of needle: [Character], in text: [Character], within range: Range<Int>) -> Int? {
        var index = range.lowerBound
        while index + needle.count <= range.upperBound {
            if text[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    // MARK: Describing

    /// `user@host:port/db` from parsed keywords; never the password.
    static func describe(_ values: [String: String]) -> String {
        func value(_ key: String) -> String? { values[key].flatMap { $0.isEmpty ? nil : $0 } }
        var text = ""
        if let user = value("user") { text += user + "@" }
        text += value("host") ?? value("hostaddr") ?? "[local]"
        if let port = value("port") { text += ":" + port }
        if let database = value("dbname") { text += "/" + database }
        guard let service = value("service") else { return text }
        let onlyService = values.keys.allSatisfy { $0 == "service" || value($0) == nil }
        return onlyService ? "service=\(service)" : "service=\(service) (\(text))"
    }
}
