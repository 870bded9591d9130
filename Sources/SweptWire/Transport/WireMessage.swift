import CNNG

/// The single owner of an nng message: freed exactly once, when the owner goes away without sending it.
///
/// Sending consumes the message (nng then owns it); a failed send frees it.
public struct WireMessage: ~Copyable, @unchecked Sendable {
    let pointer: OpaquePointer

    /// Allocates a message whose body is a copy of `bytes`.
    public init(bytes: [UInt8]) throws(TransportError) {
        var raw: OpaquePointer?
        try check(nng_msg_alloc(&raw, bytes.count), "allocate a \(bytes.count)-byte message")
        guard let raw else { throw TransportError(code: Int32(NNG_ENOMEM.rawValue), operation: "allocate a message") }
        if !bytes.isEmpty, let body = nng_msg_body(raw) {
            bytes.withUnsafeBytes { source in
                if let base = source.baseAddress { body.copyMemory(from: base, byteCount: source.count) }
            }
        }
        pointer = raw
    }

    /// Takes ownership of a message nng handed over.
    init(taking pointer: OpaquePointer) {
        self.pointer = pointer
    }

    /// The number of body bytes.
    public var count: Int { nng_msg_len(pointer) }

    /// Calls `body` with the message body; the buffer is valid only inside the call.
    public func withUnsafeBytes<R, E: Error>(_ body: (UnsafeRawBufferPointer) throws(E) -> R) throws(E) -> R {
        let length = nng_msg_len(pointer)
        guard length > 0, let base = nng_msg_body(pointer) else {
            return try body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        return try body(UnsafeRawBufferPointer(start: base, count: length))
    }

    /// A copy of the body.
    public var bytes: [UInt8] {
        withUnsafeBytes { Array($0) }
    }

    /// Gives the pointer away without freeing it (nng now owns it).
    consuming func take() -> OpaquePointer {
        let raw = pointer
        discard self
        return raw
    }

    deinit {
        nng_msg_free(pointer)
    }
}
