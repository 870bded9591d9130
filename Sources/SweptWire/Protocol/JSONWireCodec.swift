import Foundation

/// The alternative encoding measured against `WireCodec`: the same messages as JSON (Foundation's
/// `JSONEncoder`/`JSONDecoder`) followed by the same HMAC-SHA256 tag. Kept so `swept-bench cluster --raw` can
/// show why the cluster speaks the binary codec (docs/protocol.md); nothing else uses it.
public struct JSONWireCodec: Sendable {
    private let authenticator: MessageAuthenticator
    /// The largest message accepted, in bytes.
    public let maxMessageSize: Int

    /// Creates a JSON codec for a cluster's secret.
    public init(secret: WireSecret, maxMessageSize: Int = 1 << 20) {
        authenticator = MessageAuthenticator(secret: secret)
        self.maxMessageSize = maxMessageSize
    }

    /// Encodes `value` as JSON and appends the tag.
    public func encode(_ value: some Encodable) throws -> [UInt8] {
        var bytes = [UInt8](try JSONEncoder().encode(value))
        authenticator.sign(&bytes)
        return bytes
    }

    /// Checks size and tag, then decodes JSON.
    public func decode<T: Decodable>(_ type: T.Type, from bytes: [UInt8]) throws -> T {
        guard bytes.count <= maxMessageSize else {
            throw WireDecodeError.tooLarge(size: bytes.count, limit: maxMessageSize)
        }
        guard bytes.count >= MessageAuthenticator.tagSize else {
            throw WireDecodeError.tooShort(size: bytes.count, minimum: MessageAuthenticator.tagSize)
        }
        let contentEnd = bytes.count - MessageAuthenticator.tagSize
        let valid = bytes.withUnsafeBytes { buffer in
            authenticator.verify(
                UnsafeRawBufferPointer(rebasing: buffer[0..<contentEnd]),
                tag: UnsafeRawBufferPointer(rebasing: buffer[contentEnd...]))
        }
        guard valid else { throw WireDecodeError.authenticationFailed }
        return try JSONDecoder().decode(type, from: Data(bytes[0..<contentEnd]))
    }
}
