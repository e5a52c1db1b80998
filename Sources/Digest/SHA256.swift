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
        return digest.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }

    public static func hex(_ string: String) -> String { hex(Data(string.utf8)) }
}
