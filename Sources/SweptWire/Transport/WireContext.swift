import CNNG
import Synchronization

/// One request/reply exchange at a time on a socket (an `nng_ctx`), bridged to async/await.
///
/// On a REQ socket: `send` a request, then `receive` its reply (or use `request`). On a REP socket: `receive` a
/// request, then `send` its reply. Cancelling the calling task cancels the pending operation. A context is
/// used by one task at a time; a second concurrent call throws `busy`.
public final class WireContext: Sendable {
    /// The socket this context belongs to (kept alive by the context).
    public let socket: WireSocket
    let context: nng_ctx
    private let operation: AsyncOperation
    private let busy = Mutex(false)

    init(socket: WireSocket) throws(TransportError) {
        var context = nng_ctx()
        try check(nng_ctx_open(&context, socket.socket), "open a context")
        do {
            operation = try AsyncOperation()
        } catch {
            nng_ctx_close(context)
            throw error
        }
        self.socket = socket
        self.context = context
    }

    deinit {
        nng_ctx_close(context)
        // `operation` deinitializes after this: it stops and frees the aio from here, never from its callback.
    }

    /// Sends `message`; nng owns it afterwards. A failed send frees it and throws.
    public func send(_ message: consuming WireMessage, timeout: Duration? = nil) async throws {
        let raw = message.take()
        do {
            try await exclusive {
                // The aio holds the message from here on, so every failure path below finds and frees it.
                nng_aio_set_msg(operation.aio, raw)
                let result = await operation.run(timeout: timeout ?? socket.options.sendTimeout) { aio in
                    socket.calls.perform { nng_ctx_send(context, aio) }
                }
                if result != 0 {
                    if let unsent = operation.takeMessage() { nng_msg_free(unsent) }
                    throw Self.error(result, "send")
                }
            }
        } catch WireContextError.busy {
            nng_msg_free(raw)
            throw WireContextError.busy
        }
    }

    /// Sends a copy of `bytes`.
    public func send(bytes: [UInt8], timeout: Duration? = nil) async throws {
        try await send(WireMessage(bytes: bytes), timeout: timeout)
    }

    /// Receives the next message on this context.
    public func receive(timeout: Duration? = nil) async throws -> WireMessage {
        try await exclusive {
            let result = await operation.run(timeout: timeout ?? socket.options.receiveTimeout) { aio in
                socket.calls.perform { nng_ctx_recv(context, aio) }
            }
            guard result == 0 else {
                if let stray = operation.takeMessage() { nng_msg_free(stray) }
                throw Self.error(result, "receive")
            }
            guard let raw = operation.takeMessage() else {
                throw TransportError(code: Int32(NNG_EINTERNAL.rawValue), operation: "receive (no message)")
            }
            return WireMessage(taking: raw)
        }
    }

    /// REQ only: sends `bytes` and returns the reply's bytes.
    public func request(_ bytes: [UInt8], timeout: Duration? = nil) async throws -> [UInt8] {
        try await send(bytes: bytes, timeout: timeout)
        return try await receive(timeout: timeout).bytes
    }

    /// Closes the context; a pending operation ends with a closed error.
    public func close() {
        nng_ctx_close(context)
    }

    private func exclusive<R: ~Copyable>(_ body: () async throws -> R) async throws -> R {
        let wasBusy = busy.withLock { state -> Bool in
            defer { state = true }
            return state
        }
        if wasBusy { throw WireContextError.busy }
        defer { busy.withLock { $0 = false } }
        return try await body()
    }

    private static func error(_ result: Int32, _ operation: String) -> any Error {
        if result == Int32(NNG_ECANCELED.rawValue) { return CancellationError() }
        return TransportError(code: result, operation: operation)
    }
}

/// Misuse of a context.
public enum WireContextError: Error, Equatable, Sendable {
    /// Another task has an operation in flight on this context.
    case busy
}
