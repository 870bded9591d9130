/// Why bytes could not be read as a message. Every decoding failure is one of these; the decoder never traps.
public enum WireDecodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The message is larger than the configured bound (checked before anything is decoded).
    case tooLarge(size: Int, limit: Int)
    /// The message is shorter than the fixed header plus the authentication tag.
    case tooShort(size: Int, minimum: Int)
    /// The first two bytes are not the protocol's magic `SW`.
    case badMagic
    /// The HMAC-SHA256 tag does not match: wrong cluster secret, or the bytes were altered.
    case authenticationFailed
    /// The sender speaks a protocol version this build does not.
    case unsupportedVersion(UInt8)
    /// The kind byte names no message of the expected direction (request or reply).
    case unknownKind(UInt8)
    /// A field ran past the end of the message.
    case truncated(field: String)
    /// A field holds a value outside its domain.
    case invalidValue(field: String, expected: String)
    /// Bytes were left over after the last field.
    case trailingBytes(count: Int)

    /// The error code an error reply carries for this failure.
    public var code: WireErrorCode {
        switch self {
        case .tooLarge: .tooLarge
        case .authenticationFailed: .unauthenticated
        case .unsupportedVersion: .unsupportedVersion
        case .unknownKind: .unknownKind
        case .tooShort, .badMagic, .truncated, .invalidValue, .trailingBytes: .malformed
        }
    }

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "message of \(size) bytes exceeds the limit of \(limit) bytes"
        case .tooShort(let size, let minimum): "message of \(size) bytes is shorter than the minimum \(minimum)"
        case .badMagic: "message does not start with the protocol magic 'SW'"
        case .authenticationFailed: "message authentication failed (HMAC-SHA256 mismatch: check the cluster secret)"
        case .unsupportedVersion(let version):
            "protocol version \(version) is not supported (expected \(WireHeader.currentVersion))"
        case .unknownKind(let kind): "message kind 0x\(String(kind, radix: 16)) is unknown here"
        case .truncated(let field): "field '\(field)' runs past the end of the message"
        case .invalidValue(let field, let expected): "field '\(field)': expected \(expected)"
        case .trailingBytes(let count): "\(count) unexpected bytes after the last field"
        }
    }
}

/// Why a message could not be encoded.
public enum WireEncodeError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The encoded message would exceed the configured bound.
    case tooLarge(size: Int, limit: Int)
    /// A field is longer than its encoding allows.
    case fieldTooLong(field: String, length: Int, limit: Int)

    public var description: String {
        switch self {
        case .tooLarge(let size, let limit): "encoded message of \(size) bytes exceeds the limit of \(limit) bytes"
        case .fieldTooLong(let field, let length, let limit):
            "field '\(field)' is \(length) bytes long; at most \(limit) fit"
        }
    }
}
