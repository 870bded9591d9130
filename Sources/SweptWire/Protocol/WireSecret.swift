import Crypto
import Foundation

/// The per-cluster secret that authenticates every message (HMAC-SHA256). At least 16 bytes. Immutable, so
/// sharing it between tasks is safe.
public struct WireSecret: @unchecked Sendable {
    /// The shortest secret accepted, in bytes.
    public static let minimumLength = 16

    let key: SymmetricKey

    /// Uses `bytes` as the secret.
    public init(bytes: [UInt8]) throws(WireSecretError) {
        guard bytes.count >= Self.minimumLength else {
            throw WireSecretError(source: "secret", reason: "is \(bytes.count) bytes; expected at least \(Self.minimumLength)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// Reads the secret from a file (`--secret-file`); trailing spaces and newlines are ignored.
    public init(contentsOfFile path: String) throws(WireSecretError) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw WireSecretError(source: path, reason: "cannot be read; expected a file holding the cluster secret")
        }
        var bytes = [UInt8](data)
        while let last = bytes.last, last == 0x0A || last == 0x0D || last == 0x20 || last == 0x09 { bytes.removeLast() }
        guard bytes.count >= Self.minimumLength else {
            throw WireSecretError(
                source: path, reason: "holds \(bytes.count) bytes; expected at least \(Self.minimumLength)")
        }
        key = SymmetricKey(data: bytes)
    }

    /// A fresh random secret of 32 bytes as lowercase hex text (what `swept` writes to a new secret file).
    public static func generateText() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { bytes in
            bytes.map { byte in
                let text = String(byte, radix: 16)
                return byte < 16 ? "0" + text : text
            }.joined()
        }
    }
}

/// A secret that cannot be used.
public struct WireSecretError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The file path, or `secret` for bytes given directly.
    public let source: String
    /// What is wrong and what was expected.
    public let reason: String

    public var description: String { "cluster secret \(source) \(reason)" }
}

/// Computes and checks HMAC-SHA256 tags with a key prepared once (the key schedule is not redone per message).
struct MessageAuthenticator: @unchecked Sendable {
    static let tagSize = 32
    private let prepared: HMAC<SHA256>

    init(secret: WireSecret) {
        prepared = HMAC<SHA256>(key: secret.key)
    }

    /// Appends the tag of `bytes` to `bytes`.
    func sign(_ bytes: inout [UInt8]) {
        var hmac = prepared
        bytes.withUnsafeBytes { hmac.update(data: $0) }
        let tag = hmac.finalize()
        tag.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    /// Whether `tag` is the tag of `content`, compared in constant time.
    func verify(_ content: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer) -> Bool {
        var hmac = prepared
        hmac.update(data: content)
        let expected = hmac.finalize()
        return expected.withUnsafeBytes { Self.constantTimeEquals($0, tag) }
    }

    /// Compares two buffers in time that depends only on their length, not on where they differ.
    static func constantTimeEquals(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
