import CNNG
import Synchronization

/// Answers one decoded request: calls `reply` exactly once, from any thread, now or later.
public typealias WireResponder = @Sendable (WireRequest, _ reply: @escaping @Sendable (ReplyBody) -> Void) -> Void

/// Answers one raw request (its bytes are valid only during the call): calls `reply` exactly once, from any
/// thread, now or later.
public typealias RawResponder =
    @Sendable (UnsafeRawBufferPointer, _ reply: @escaping @Sendable ([UInt8]) -> Void) -> Void

extension WireServer {
    /// Serves requests on `contexts` contexts driven directly by nng's aio callbacks, until the socket closes
    /// (or the task is cancelled, which closes it).
    ///
    /// Each context is a small state machine — receive, decode, `respond`, encode, send, receive — that runs on
    /// nng's own threads: a request that `respond` answers at once costs no task or thread hop at all, and one
    /// answered later (after a group commit, say) costs only the hop to whichever thread calls `reply`. The
    /// `async` `run(contexts:handler:)` instead resumes a task per receive and per send, two trips through the
    /// cooperative pool per request. `respond` runs on an nng thread: it must not block for long.
    public func serve(contexts: Int, respond: @escaping WireResponder) async throws {
        try await serveRaw(contexts: contexts) { [codec, identity] bytes, reply in
            let request: WireRequest
            do {
                request = try codec.decodeRequest(bytes)
            } catch {
                let answer = Self.errorReply(for: error, bytes: Array(bytes), codec: codec, identity: identity)
                reply(Self.encodeReply(answer, codec: codec))
                return
            }
            let header = identity.header(requestID: request.header.requestID)
            respond(request) { body in reply(Self.encodeReply(WireReply(header: header, body: body), codec: codec)) }
        }
    }

    /// `serve` without the codec: raw bytes in, raw bytes out (for transport measurements).
    public func serveRaw(contexts: Int, respond: @escaping RawResponder) async throws {
        let finished = ServeCompletion(count: max(contexts, 1))
        let pool = try (0..<max(contexts, 1)).map { _ in
            try ServingContext(socket: socket, respond: respond, finished: finished)
        }
        await withTaskCancellationHandler {
            for context in pool { context.start() }
            await finished.wait()
        } onCancel: { [socket] in
            socket.close()
        }
        // Every context saw the close; stop their aios from here (the owner), never from a callback.
        for context in pool { context.stop() }
    }

    /// The encoded reply to a request, or an `internal` error reply when the body cannot be encoded.
    static func encodeReply(_ reply: WireReply, codec: WireCodec) -> [UInt8] {
        do {
            return try codec.encode(reply)
        } catch {
            let fallback = ReplyBody.error(ErrorReply(code: .internal, message: "reply not encodable: \(error)"))
            return (try? codec.encode(WireReply(header: reply.header, body: fallback))) ?? []
        }
    }
}

/// Counts down the contexts still serving; `wait` returns when none is.
final class ServeCompletion: Sendable {
    private struct State {
        var left: Int
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state: Mutex<State>

    init(count: Int) {
        state = Mutex(State(left: count))
    }

    func contextFinished() {
        let waiter = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.left -= 1
            guard s.left == 0 else { return nil }
            defer { s.waiter = nil }
            return s.waiter
        }
        waiter?.resume()
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let done = state.withLock { s -> Bool in
                if s.left == 0 { return true }
                s.waiter = continuation
                return false
            }
            if done { continuation.resume() }
        }
    }
}

/// One REP context served from its aio callback.
///
/// Lifetime: `serve` holds every context until it has stopped their aios, so a callback never holds the last
/// reference (the deadlock in the platform notes); a `reply` closure that outlives `serve` may hold the last one,
/// and then the aio is freed from that thread — never from the aio's own callback.
final class ServingContext: @unchecked Sendable {
    private enum Phase {
        case receiving
        case handling
        case sending
    }

    private let socket: WireSocket
    private let respond: RawResponder
    private let finished: ServeCompletion
    private let context: nng_ctx
    private let aio: OpaquePointer
    /// Touched by one thread at a time: each phase hands over to the next through nng or the responder.
    private var phase = Phase.receiving

    init(socket: WireSocket, respond: @escaping RawResponder, finished: ServeCompletion) throws(TransportError) {
        self.socket = socket
        self.respond = respond
        self.finished = finished
        var context = nng_ctx()
        try check(nng_ctx_open(&context, socket.socket), "open a context")
        self.context = context
        let holder = CallbackTarget()
        var raw: OpaquePointer?
        let result = nng_aio_alloc(
            &raw,
            { argument in
                guard let argument else { return }
                Unmanaged<CallbackTarget>.fromOpaque(argument).takeUnretainedValue().target?.completed()
            }, Unmanaged.passUnretained(holder).toOpaque())
        guard result == 0, let raw else {
            nng_ctx_close(context)
            throw TransportError(code: result == 0 ? Int32(NNG_ENOMEM.rawValue) : result, operation: "allocate an aio")
        }
        aio = raw
        target = holder
        holder.target = self
    }

    /// Holds the context weakly for the callback; owned by the context, so it lives exactly as long as the aio.
    private let target: CallbackTarget

    deinit {
        nng_aio_stop(aio)
        if let leftover = nng_aio_get_msg(aio) { nng_msg_free(leftover) }
        nng_aio_free(aio)
        nng_ctx_close(context)
    }

    func start() {
        receive()
    }

    /// Stops the aio: waits for a callback in progress; none runs afterwards.
    func stop() {
        nng_aio_stop(aio)
    }

    private func receive() {
        phase = .receiving
        nng_aio_set_timeout(aio, Int32(NNG_DURATION_INFINITE))
        if !socket.calls.perform({ nng_ctx_recv(context, aio) }) { finished.contextFinished() }
    }

    private func send(_ bytes: [UInt8]) {
        guard let message = try? WireMessage(bytes: bytes) else {
            receive()  // out of memory: the requester times out and retries
            return
        }
        phase = .sending
        nng_aio_set_timeout(aio, socket.options.sendTimeout.map(\.nngMilliseconds) ?? Int32(NNG_DURATION_INFINITE))
        nng_aio_set_msg(aio, message.take())
        if !socket.calls.perform({ nng_ctx_send(context, aio) }) {
            freeMessage()
            finished.contextFinished()
        }
    }

    private func freeMessage() {
        if let message = nng_aio_get_msg(aio) {
            nng_aio_set_msg(aio, nil)
            nng_msg_free(message)
        }
    }

    /// The aio finished (on an nng thread).
    fileprivate func completed() {
        let result = nng_aio_result(aio)
        switch phase {
        case .receiving:
            guard result == 0, let message = nng_aio_get_msg(aio) else {
                freeMessage()
                if result == Int32(NNG_ECLOSED.rawValue) || socket.calls.isClosed {
                    finished.contextFinished()
                } else {
                    receive()  // a failed receive on one pipe; keep serving
                }
                return
            }
            nng_aio_set_msg(aio, nil)
            phase = .handling
            handle(WireMessage(taking: message))
        case .sending:
            if result != 0 { freeMessage() }  // the requester left or the send timed out; it retries
            if result == Int32(NNG_ECLOSED.rawValue) || socket.calls.isClosed {
                finished.contextFinished()
            } else {
                receive()
            }
        case .handling:
            break  // no operation is started while handling
        }
    }

    private func handle(_ message: consuming WireMessage) {
        message.withUnsafeBytes { bytes in
            respond(bytes) { reply in self.send(reply) }
        }
    }
}

/// The callback's way to its context (set right after the aio is allocated). The load makes a temporary strong
/// reference, which is never the last: `serve` holds every context until `stop()` has waited out its callbacks.
private final class CallbackTarget: @unchecked Sendable {
    weak var target: ServingContext?
}
