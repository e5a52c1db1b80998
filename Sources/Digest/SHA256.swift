internal import CCrypto
import Foundation

/// SHA-256, as the ledger records it: the checksum of a migration file's bytes.
public enum SHA256 {
    /// The lowercase hex digest of `data`.
    public static func hex(_ data: some DataProtocol) -> String {
        digest(data, length: Int(SHA256_DIGEST_LENGTH)) { CCrypto.SHA256($0, $1, $2) }
    }

    public static func hex(_ string: String) -> String { hex(Data(string.utf8)) }
}

/// SHA-1, only to compare with ledgers that record it (sqitch's script_hash).
public enum SHA1 {
    public static func hex(_ data: some DataProtocol) -> String {
        digest(data, length: Int(SHA_DIGEST_LENGTH)) { CCrypto.SHA1($0, $1, $2) }
    }
}

/// Runs one of OpenSSL's one-shot digest functions (they cannot fail for in-memory input).
private func digest(_ data: some DataProtocol, length: Int,
                    _ function: (UnsafePointer<UInt8>?, Int, UnsafeMutablePointer<UInt8>?) -> UnsafeMutablePointer<UInt8>?) -> String {
    var output = [UInt8](repeating: 0, count: length)
    let bytes = Array(data)
    bytes.withUnsafeBufferPointer { input in
        output.withUnsafeMutableBufferPointer { out in _ = function(input.baseAddress, input.count, out.baseAddress) }
    }
    let digits = Array("0123456789abcdef".utf8)
    var hex = [UInt8]()
    hex.reserveCapacity(length * 2)
    for byte in output {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: hex, as: UTF8.self)
}

/// A SHA-256 fed piece by piece whose digest so far can be read at any point: Atlas's
/// `atlas.sum` records the running digest after each file.
public struct RunningSHA256: Sendable {
    private var context = SHA256_CTX()

    public init() { SHA256_Init(&context) }

    public mutating func update(_ data: some DataProtocol) {
        let bytes = Array(data)
        bytes.withUnsafeBufferPointer { _ = SHA256_Update(&context, $0.baseAddress, $0.count) }
    }

    /// The digest of everything fed so far; feeding may go on.
    public func digest() -> [UInt8] {
        var copy = context
        var output = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        output.withUnsafeMutableBufferPointer { _ = SHA256_Final($0.baseAddress, &copy) }
        return output
    }
}
