import Synchronization

/// A REQ endpoint that sends typed, authenticated requests and returns typed replies.
///
/// Any number of tasks may call at once: each call borrows a context from a pool, so requests are pipelined on
/// one connection. nng reconnects in the background and resends requests that were in flight on a lost
/// connection; `call` throws `TransportError.isTimeout` when no reply came within the timeout.
public final class WireClient: Sendable {
    /// The REQ socket (for options and `close`).
    public let socket: WireSocket
    /// The codec (secret and size bound).
    public let codec: WireCodec
    /// This process's identity; it numbers the requests.
    public let identity: WireIdentity
    private let idle = Mutex<[WireContext]>([])

    /// Opens a REQ socket and dials `url` in the background.
    public init(
        url: String, codec: WireCodec, identity: WireIdentity,
        socketOptions: SocketOptions = SocketOptions(), dialOptions: DialOptions = DialOptions()
    ) throws {
        var options = socketOptions
        options.maxReceiveSize = codec.maxMessageSize &+ WireCodec.oversizeAllowance
        socket = try WireSocket(.request, options: options)
        self.codec = codec
        self.identity = identity
        try socket.dial(url, options: dialOptions)
    }

    /// Sends `body` and returns the reply's body. An `error` reply is thrown as `WireRemoteError`.
    ///
    /// Pass the `requestID` of an earlier attempt to retry it: the coordinator replays the cached reply instead
    /// of acting twice. A reply that fails authentication, or answers another request id, throws
    /// `WireClientError`.
    public func call(_ body: RequestBody, requestID: UInt64? = nil, timeout: Duration? = nil) async throws -> ReplyBody
    {
        let reply = try await exchange(body, requestID: requestID, timeout: timeout)
        if case .error(let error) = reply.body { throw WireRemoteError(code: error.code, message: error.message) }
        return reply.body
    }

    /// Sends `body`, retrying up to `attempts` times on timeouts with the **same request id**, so the coordinator
    /// replays its cached reply if an earlier attempt got through. Other errors are thrown at once.
    public func call(_ body: RequestBody, attempts: Int, timeout: Duration) async throws -> ReplyBody {
        let id = identity.nextRequestID()
        var attempt = 1
        while true {
            do {
                return try await call(body, requestID: id, timeout: timeout)
            } catch let error as TransportError where error.isTimeout && attempt < attempts {
                attempt += 1
            }
        }
    }

    /// Sends `body` and returns the whole reply (header included), `error` replies included.
    public func exchange(_ body: RequestBody, requestID: UInt64? = nil, timeout: Duration? = nil) async throws
        -> WireReply
    {
        let id = requestID ?? identity.nextRequestID()
        let request = try codec.encode(WireRequest(header: identity.header(requestID: id), body: body))
        let context = try borrowContext()
        let replyMessage: WireMessage
        do {
            try await context.send(WireMessage(bytes: request), timeout: timeout)
            replyMessage = try await context.receive(timeout: timeout)
        } catch {
            // A context left mid-exchange is closed, not reused.
            context.close()
            throw error
        }
        giveBack(context)
        let reply: WireReply
        do {
            reply = try replyMessage.withUnsafeBytes { buffer throws(WireDecodeError) in try codec.decodeReply(buffer) }
        } catch {
            throw WireClientError.undecodableReply(error)
        }
        guard reply.header.requestID == id else {
            throw WireClientError.mismatchedReply(expected: id, received: reply.header.requestID)
        }
        return reply
    }

    /// Closes the socket; calls in flight throw `TransportError.isClosed`.
    public func close() {
        idle.withLock { $0.removeAll() }
        socket.close()
    }

    private func borrowContext() throws -> WireContext {
        if let context = idle.withLock({ $0.popLast() }) { return context }
        return try socket.makeContext()
    }

    private func giveBack(_ context: WireContext) {
        idle.withLock { $0.append(context) }
    }
}

/// An error reply from the peer.
public struct WireRemoteError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reply's error code.
    public let code: WireErrorCode
    /// The reply's message.
    public let message: String

    /// Creates a remote error.
    public init(code: WireErrorCode, message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { "coordinator replied \(code): \(message)" }
}

/// A reply the client could not accept.
public enum WireClientError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The reply failed to decode or authenticate (a wrong secret shows up here).
    case undecodableReply(WireDecodeError)
    /// The reply answers another request.
    case mismatchedReply(expected: UInt64, received: UInt64)

    public var description: String {
        switch self {
        case .undecodableReply(let error): "reply could not be decoded: \(error)"
        case .mismatchedReply(let expected, let received):
            "reply answers request \(received), expected \(expected)"
        }
    }
}
