/// Encodes and decodes authenticated messages.
///
/// Layout: `"SW"` magic, version `u8`, kind `u8`, total length `u32`, incarnation `u64`, request id `u64`, sender
/// id (`u8` length + UTF-8), the body's fields, then a 32-byte HMAC-SHA256 tag over everything before it.
/// Decoding checks, in order: size bound, minimum size, magic, length field, tag (constant time), version, kind,
/// body fields, no trailing bytes.
public struct WireCodec: Sendable {
    /// Magic bytes at the start of every message: `S` `W`.
    public static let magic: (UInt8, UInt8) = (0x53, 0x57)
    /// Fixed header bytes before the sender id: magic, version, kind, length, incarnation, request id, sender
    /// length.
    static let fixedHeaderSize = 25
    /// The smallest possible message: fixed header plus tag.
    public static let minimumMessageSize = fixedHeaderSize + MessageAuthenticator.tagSize

    /// Endpoints let nng deliver messages up to this much over the bound, so a moderately oversized message gets
    /// a `tooLarge` error reply instead of a dropped connection (which REQ would answer by resending forever).
    public static let oversizeAllowance = 64 * 1024

    /// The largest message accepted or produced, in bytes.
    public let maxMessageSize: Int
    private let authenticator: MessageAuthenticator

    /// Creates a codec for a cluster's secret; messages above `maxMessageSize` bytes are refused unread.
    public init(secret: WireSecret, maxMessageSize: Int = 1 << 20) {
        self.maxMessageSize = max(maxMessageSize, Self.minimumMessageSize)
        authenticator = MessageAuthenticator(secret: secret)
    }

    /// Encodes and signs a request.
    public func encode(_ request: WireRequest) throws(WireEncodeError) -> [UInt8] {
        try encode(header: request.header, kind: request.body.kind) { request.body.encode(to: &$0) }
    }

    /// Encodes and signs a reply.
    public func encode(_ reply: WireReply) throws(WireEncodeError) -> [UInt8] {
        try encode(header: reply.header, kind: reply.body.kind) { reply.body.encode(to: &$0) }
    }

    /// Authenticates and decodes a request.
    public func decodeRequest(_ bytes: UnsafeRawBufferPointer) throws(WireDecodeError) -> WireRequest {
        var reader = try open(bytes)
        let (header, kind) = try Self.readHeader(&reader)
        let body = try RequestBody(kind: kind, from: &reader)
        try Self.finish(reader)
        return WireRequest(header: header, body: body)
    }

    /// Authenticates and decodes a request.
    public func decodeRequest(_ bytes: [UInt8]) throws(WireDecodeError) -> WireRequest {
        try withBuffer(bytes) { buffer throws(WireDecodeError) in try decodeRequest(buffer) }
    }

    /// Authenticates and decodes a reply.
    public func decodeReply(_ bytes: UnsafeRawBufferPointer) throws(WireDecodeError) -> WireReply {
        var reader = try open(bytes)
        let (header, kind) = try Self.readHeader(&reader)
        let body = try ReplyBody(kind: kind, from: &reader)
        try Self.finish(reader)
        return WireReply(header: header, body: body)
    }

    /// Authenticates and decodes a reply.
    public func decodeReply(_ bytes: [UInt8]) throws(WireDecodeError) -> WireReply {
        try withBuffer(bytes) { buffer throws(WireDecodeError) in try decodeReply(buffer) }
    }

    /// Reads the header without authenticating it — only to address an error reply to a message that failed
    /// to decode. Never trust these fields for anything else.
    public func peekHeader(_ bytes: UnsafeRawBufferPointer) -> WireHeader? {
        guard bytes.count >= Self.minimumMessageSize, bytes.count <= maxMessageSize else { return nil }
        var reader = WireReader(
            UnsafeRawBufferPointer(rebasing: bytes[0..<(bytes.count - MessageAuthenticator.tagSize)]))
        guard (try? Self.readMagic(&reader)) != nil, let (header, _) = try? Self.readHeader(&reader) else { return nil }
        return header
    }

    // MARK: - Internals

    private func encode(
        header: WireHeader, kind: UInt8, _ body: (inout WireWriter) -> Void
    ) throws(WireEncodeError) -> [UInt8] {
        let senderLength = header.senderID.utf8.count
        guard senderLength <= WireHeader.maxSenderIDLength else {
            throw .fieldTooLong(field: "senderID", length: senderLength, limit: WireHeader.maxSenderIDLength)
        }
        // One buffer for the whole message, tag included, in the common case (a body under 256 bytes).
        var writer = WireWriter(capacity: Self.fixedHeaderSize + senderLength + 256 + MessageAuthenticator.tagSize)
        writer.u8(Self.magic.0)
        writer.u8(Self.magic.1)
        writer.u8(header.version)
        writer.u8(kind)
        writer.u32(0)  // total length, patched below
        writer.u64(header.incarnation)
        writer.u64(header.requestID)
        writer.u8(UInt8(truncatingIfNeeded: senderLength))
        writer.append(utf8: header.senderID)
        body(&writer)
        let size = writer.bytes.count &+ MessageAuthenticator.tagSize
        guard size <= maxMessageSize else { throw .tooLarge(size: size, limit: maxMessageSize) }
        writer.patchU32(UInt32(truncatingIfNeeded: size), at: 4)
        var bytes = writer.take()
        authenticator.sign(&bytes)
        return bytes
    }

    /// Checks size, magic and tag; returns a reader positioned after the magic, over the authenticated bytes.
    private func open(_ bytes: UnsafeRawBufferPointer) throws(WireDecodeError) -> WireReader {
        guard bytes.count <= maxMessageSize else { throw .tooLarge(size: bytes.count, limit: maxMessageSize) }
        guard bytes.count >= Self.minimumMessageSize else {
            throw .tooShort(size: bytes.count, minimum: Self.minimumMessageSize)
        }
        let contentEnd = bytes.count &- MessageAuthenticator.tagSize
        let content = UnsafeRawBufferPointer(rebasing: bytes[0..<contentEnd])
        var reader = WireReader(content)
        try Self.readMagic(&reader)
        var lengthReader = WireReader(content, position: 4)
        let length = try lengthReader.u32("length")
        if Int(length) > bytes.count { throw .truncated(field: "message (length field says \(length) bytes)") }
        if Int(length) < bytes.count { throw .trailingBytes(count: bytes.count &- Int(length)) }
        let tag = UnsafeRawBufferPointer(rebasing: bytes[contentEnd...])
        guard authenticator.verify(content, tag: tag) else { throw .authenticationFailed }
        return reader
    }

    private static func readMagic(_ reader: inout WireReader) throws(WireDecodeError) {
        let first = try reader.u8("magic")
        let second = try reader.u8("magic")
        guard first == magic.0, second == magic.1 else { throw .badMagic }
    }

    private static func readHeader(_ reader: inout WireReader) throws(WireDecodeError) -> (WireHeader, UInt8) {
        let version = try reader.u8("version")
        guard version == WireHeader.currentVersion else { throw .unsupportedVersion(version) }
        let kind = try reader.u8("kind")
        _ = try reader.u32("length")
        let incarnation = try reader.u64("incarnation")
        let requestID = try reader.u64("requestID")
        let length = Int(try reader.u8("senderID"))
        try reader.require(length, "senderID")
        let start = reader.position
        let slice = UnsafeRawBufferPointer(rebasing: reader.buffer[start..<(start &+ length)])
        reader = WireReader(reader.buffer, position: start &+ length)
        guard let senderID = String(validating: slice, as: UTF8.self) else {
            throw .invalidValue(field: "senderID", expected: "UTF-8 text")
        }
        let header = WireHeader(senderID: senderID, incarnation: incarnation, requestID: requestID, version: version)
        return (header, kind)
    }

    private static func finish(_ reader: WireReader) throws(WireDecodeError) {
        if reader.remaining != 0 { throw .trailingBytes(count: reader.remaining) }
    }

    private func withBuffer<R>(
        _ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) throws(WireDecodeError) -> R
    ) throws(WireDecodeError) -> R {
        let result: Result<R, WireDecodeError> = bytes.withUnsafeBytes { buffer in
            do throws(WireDecodeError) { return .success(try body(buffer)) } catch { return .failure(error) }
        }
        return try result.get()
    }
}
