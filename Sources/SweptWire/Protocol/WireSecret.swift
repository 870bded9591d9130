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
            throw WireSecretError(
                source: "secret", reason: "is \(bytes.count) bytes; expected at least \(Self.minimumLength)")
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

/// Computes and checks HMAC-SHA256 tags (RFC 2104) with the key schedule done once: the inner and outer
/// SHA-256 states after the padded key are prepared at start and copied per message, which avoids swift-crypto's
/// generic `HMAC` path (measured slower per message).
struct MessageAuthenticator: @unchecked Sendable {
    static let tagSize = 32
    private static let blockSize = 64
    private let inner: SHA256
    private let outer: SHA256

    init(secret: WireSecret) {
        self.init(key: secret.key.withUnsafeBytes { Array($0) })
    }

    /// Prepares the states for a raw key of any length.
    init(key rawKey: [UInt8]) {
        var key = rawKey
        if key.count > Self.blockSize { key = Array(SHA256.hash(data: key)) }
        key += [UInt8](repeating: 0, count: Self.blockSize - key.count)
        var inner = SHA256()
        inner.update(data: key.map { $0 ^ 0x36 })
        var outer = SHA256()
        outer.update(data: key.map { $0 ^ 0x5C })
        self.inner = inner
        self.outer = outer
    }

    /// The tag of `content`.
    @inline(__always)
    private func tag(_ content: UnsafeRawBufferPointer) -> SHA256.Digest {
        var innerHash = inner
        innerHash.update(bufferPointer: content)
        let innerDigest = innerHash.finalize()
        var outerHash = outer
        innerDigest.withUnsafeBytes { outerHash.update(bufferPointer: $0) }
        return outerHash.finalize()
    }

    /// Appends the tag of `bytes` to `bytes`.
    func sign(_ bytes: inout [UInt8]) {
        let digest = bytes.withUnsafeBytes { tag($0) }
        digest.withUnsafeBytes { bytes.append(contentsOf: $0) }
    }

    /// Whether `tag` is the tag of `content`, compared in constant time.
    func verify(_ content: UnsafeRawBufferPointer, tag expected: UnsafeRawBufferPointer) -> Bool {
        tag(content).withUnsafeBytes { Self.constantTimeEquals($0, expected) }
    }

    /// Compares two buffers in time that depends only on their length, not on where they differ.
    static func constantTimeEquals(_ left: UnsafeRawBufferPointer, _ right: UnsafeRawBufferPointer) -> Bool {
        guard left.count == right.count else { return false }
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
