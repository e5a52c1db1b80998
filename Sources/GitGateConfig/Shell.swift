import Foundation
import GitGateLint

/// `path` as one shell word: unchanged when it holds only safe characters, else in single quotes.
package func shellQuoted(_ path: String) -> String {
    let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./,:@%+=")
    if !path.isEmpty, path.unicodeScalars.allSatisfy(safe.contains) { return path }
    return "'" + path.replacingOccurrences(of: "'", with: "'\\''") + "'"
}
