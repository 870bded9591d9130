/// A REP endpoint served by a pool of contexts, each receiving a request, calling the handler, sending the reply.
///
/// Requests that fail to decode (too large, wrong secret, malformed, unknown kind or version) never reach the
/// handler: they get an `error` reply with the matching `WireErrorCode`. Sending a reply does not mean it was
/// delivered (REP drops replies to departed peers): handlers must be idempotent per request id.
public final class WireServer: Sendable {
    /// The REP socket (for `listen` and `close`).
    public let socket: WireSocket
    /// The codec (secret and size bound).
    public let codec: WireCodec
    /// The replier's identity, put in every reply header.
    public let identity: WireIdentity

    /// Opens a REP socket; call `listen` then `run`.
    public init(codec: WireCodec, identity: WireIdentity, socketOptions: SocketOptions = SocketOptions()) throws {
        var options = socketOptions
        // Receive waits forever; replies must not block long.
        options.receiveTimeout = nil
        options.maxReceiveSize = codec.maxMessageSize &+ WireCodec.oversizeAllowance
        socket = try WireSocket(.reply, options: options)
        self.codec = codec
        self.identity = identity
    }

    /// Listens on `url` (several listeners may serve one server).
    @discardableResult
    public func listen(_ url: String, options: ListenOptions = ListenOptions()) throws -> WireListener {
        try socket.listen(url, options: options)
    }

    /// Serves requests on `contexts` contexts until the task is cancelled or the socket is closed.
    public func run(contexts: Int, handler: @escaping @Sendable (WireRequest) async -> ReplyBody) async throws {
        try await runRaw(contexts: contexts) { [codec, identity] bytes in
            let reply: WireReply
            do {
                let request = try codec.decodeRequest(bytes)
                let body = await handler(request)
                reply = WireReply(header: identity.header(requestID: request.header.requestID), body: body)
            } catch {
                reply = Self.errorReply(for: error, bytes: bytes, codec: codec, identity: identity)
            }
            do {
                return try codec.encode(reply)
            } catch {
                let fallback = ReplyBody.error(ErrorReply(code: .internal, message: "reply not encodable: \(error)"))
                return (try? codec.encode(WireReply(header: reply.header, body: fallback))) ?? []
            }
        }
    }

    /// Serves raw byte requests (no codec) on `contexts` contexts; for transport measurements.
    public func runRaw(contexts: Int, handler: @escaping @Sendable ([UInt8]) async -> [UInt8]) async throws {
        let pool = try (0..<max(contexts, 1)).map { _ in try socket.makeContext() }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for context in pool {
                group.addTask { try await Self.serve(context, handler: handler) }
            }
            try await group.waitForAll()
        }
    }

    /// Closes the socket; `run` returns.
    public func close() {
        socket.close()
    }

    private static func serve(
        _ context: WireContext, handler: @Sendable ([UInt8]) async -> [UInt8]
    ) async throws {
        while !Task.isCancelled {
            let request: [UInt8]
            do {
                request = try await context.receive(timeout: nil).bytes
            } catch let error as TransportError where !error.isClosed {
                continue  // a failed receive on one pipe; the context keeps serving
            } catch {
                return  // closed or cancelled
            }
            let reply = await handler(request)
            do {
                try await context.send(bytes: reply)
            } catch let error as TransportError where !error.isClosed {
                continue  // the requester left or the send timed out: the reply is lost, the requester retries
            } catch {
                return
            }
        }
    }

    static func errorReply(for error: any Error, bytes: [UInt8], codec: WireCodec, identity: WireIdentity) -> WireReply
    {
        let requestID = bytes.withUnsafeBytes { codec.peekHeader($0)?.requestID } ?? 0
        let body: ErrorReply
        if let decodeError = error as? WireDecodeError {
            body = ErrorReply(code: decodeError.code, message: decodeError.description)
        } else {
            body = ErrorReply(code: .internal, message: "\(error)")
        }
        return WireReply(header: identity.header(requestID: requestID), body: .error(body))
    }
}
