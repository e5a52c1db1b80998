internal import CCrypto
import Foundation

/// SHA-256, as the ledger records it: the checksum of a migration file's bytes.
public enum SHA256 {
    /// The lowercase hex digest of `data`.
    public static func hex(_ data: some DataProtocol) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA256_DIGEST_LENGTH))
        let bytes = Array(data)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                // The one-shot function cannot fail for in-memory input.
                _ = CCrypto.SHA256(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return hexString(digest)
    }

    public static func hex(_ string: String) -> String { hex(Data(string.utf8)) }
}

/// SHA-1, only to compare with ledgers that record it (sqitch's script_hash).
public enum SHA1 {
    public static func hex(_ data: some DataProtocol) -> String {
        var digest = [UInt8](repeating: 0, count: Int(SHA_DIGEST_LENGTH))
        let bytes = Array(data)
        bytes.withUnsafeBufferPointer { input in
            digest.withUnsafeMutableBufferPointer { output in
                _ = CCrypto.SHA1(input.baseAddress, input.count, output.baseAddress)
            }
        }
        return hexString(digest)
    }
}

func hexString(_ bytes: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out = [UInt8]()
    out.reserveCapacity(bytes.count * 2)
    for byte in bytes {
        out.append(digits[Int(byte >> 4)])
        out.append(digits[Int(byte & 0xF)])
    }
    return String(decoding: out, as: UTF8.self)
}
