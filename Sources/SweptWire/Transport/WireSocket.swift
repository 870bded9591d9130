import CNNG
import Synchronization

/// The messaging pattern of a socket.
public enum SocketPattern: Sendable {
    /// REQ: sends requests and gets one reply each; resends on reconnect.
    case request
    /// REP: receives requests and answers each.
    case reply
}

/// An nng REQ or REP socket. Work happens on contexts (`makeContext()`), each with one operation in flight,
/// so many requests can be outstanding on one socket. Closing the socket ends every context's operation
/// with `TransportError.isClosed`.
public final class WireSocket: Sendable {
    /// The pattern this socket speaks.
    public let pattern: SocketPattern
    /// The settings it was opened with.
    public let options: SocketOptions
    let socket: nng_socket
    private let closed = Mutex(false)
    /// Keeps `nng_close` from running while a context operation is being started (see `CallGuard`).
    let calls = CallGuard()

    /// Opens a socket and applies `options`.
    public init(_ pattern: SocketPattern, options: SocketOptions = SocketOptions()) throws(TransportError) {
        var socket = nng_socket()
        switch pattern {
        case .request: try check(nng_req0_open(&socket), "open a REQ socket")
        case .reply: try check(nng_rep0_open(&socket), "open a REP socket")
        }
        self.socket = socket
        self.pattern = pattern
        self.options = options
        do {
            try check(
                nng_socket_set_size(socket, NNG_OPT_RECVMAXSZ, options.maxReceiveSize),
                "set \(NNG_OPT_RECVMAXSZ)=\(options.maxReceiveSize)")
            let send = options.sendTimeout.map(\.nngMilliseconds) ?? Int32(NNG_DURATION_INFINITE)
            let receive = options.receiveTimeout.map(\.nngMilliseconds) ?? Int32(NNG_DURATION_INFINITE)
            try check(nng_socket_set_ms(socket, NNG_OPT_SENDTIMEO, send), "set \(NNG_OPT_SENDTIMEO)")
            try check(nng_socket_set_ms(socket, NNG_OPT_RECVTIMEO, receive), "set \(NNG_OPT_RECVTIMEO)")
            if pattern == .request, let resend = options.resendInterval {
                try check(
                    nng_socket_set_ms(socket, NNG_OPT_REQ_RESENDTIME, resend.nngMilliseconds),
                    "set \(NNG_OPT_REQ_RESENDTIME)")
            }
        } catch {
            nng_close(socket)
            throw error
        }
    }

    deinit {
        if !closed.withLock({ $0 }) { nng_close(socket) }
    }

    /// Closes the socket; pending operations on its contexts end with a closed error. Safe to call twice.
    ///
    /// Operations being started on a context at this moment finish starting first; later ones fail with a
    /// closed error without reaching nng (nng 1.5.2 was seen to abort in `nng_ctx_send` racing `nng_close`).
    public func close() {
        let wasClosed = closed.withLock { state -> Bool in
            defer { state = true }
            return state
        }
        if !wasClosed {
            calls.close()
            nng_close(socket)
        }
    }

    /// Connects to `url` (`tcp://host:port`, `tls+tcp://host:port`, `ipc://path`, `inproc://name`).
    ///
    /// With `options.nonBlocking` (the default) this returns at once and nng keeps connecting in the background
    /// with the configured backoff; after a lost connection it reconnects the same way.
    public func dial(_ url: String, options: DialOptions = DialOptions()) throws {
        var dialer = nng_dialer()
        try check(nng_dialer_create(&dialer, socket, url), "dial \(url)")
        do {
            try check(
                nng_dialer_set_ms(dialer, NNG_OPT_RECONNMINT, options.reconnectMinimum.nngMilliseconds),
                "set \(NNG_OPT_RECONNMINT) on \(url)")
            try check(
                nng_dialer_set_ms(dialer, NNG_OPT_RECONNMAXT, options.reconnectMaximum.nngMilliseconds),
                "set \(NNG_OPT_RECONNMAXT) on \(url)")
            if Self.isTCP(url) {
                try check(
                    nng_dialer_set_bool(dialer, NNG_OPT_TCP_KEEPALIVE, options.keepAlive),
                    "set \(NNG_OPT_TCP_KEEPALIVE) on \(url)")
            }
            if url.hasPrefix("tls+") {
                let config = try (options.tls ?? TLSFiles()).makeConfig(server: false)
                defer { nng_tls_config_free(config) }
                try check(
                    nng_dialer_set_ptr(dialer, NNG_OPT_TLS_CONFIG, UnsafeMutableRawPointer(config)),
                    "set TLS configuration on \(url)")
            }
            let flags: Int32 = options.nonBlocking ? Int32(NNG_FLAG_NONBLOCK) : 0
            try check(nng_dialer_start(dialer, flags), "dial \(url)")
        } catch {
            nng_dialer_close(dialer)
            throw error
        }
    }

    /// Listens on `url`; `tcp://127.0.0.1:0` picks a free port, read it from the returned `boundPort`.
    @discardableResult
    public func listen(_ url: String, options: ListenOptions = ListenOptions()) throws -> WireListener {
        var listener = nng_listener()
        try check(nng_listener_create(&listener, socket, url), "listen on \(url)")
        do {
            if Self.isTCP(url) {
                try check(
                    nng_listener_set_bool(listener, NNG_OPT_TCP_KEEPALIVE, options.keepAlive),
                    "set \(NNG_OPT_TCP_KEEPALIVE) on \(url)")
            }
            if url.hasPrefix("tls+") {
                guard let tls = options.tls else {
                    throw TLSFilesError(
                        field: "tls", path: url, reason: "a tls+tcp:// listener needs certificate files")
                }
                let config = try tls.makeConfig(server: true)
                defer { nng_tls_config_free(config) }
                try check(
                    nng_listener_set_ptr(listener, NNG_OPT_TLS_CONFIG, UnsafeMutableRawPointer(config)),
                    "set TLS configuration on \(url)")
            }
            try check(nng_listener_start(listener, 0), "listen on \(url)")
        } catch {
            nng_listener_close(listener)
            throw error
        }
        var port: Int32 = 0
        if Self.isTCP(url) { _ = nng_listener_get_int(listener, NNG_OPT_TCP_BOUND_PORT, &port) }
        return WireListener(url: url, boundPort: Int(port), listener: listener)
    }

    /// Opens a context: an independent request/reply state machine on this socket.
    public func makeContext() throws(TransportError) -> WireContext {
        try WireContext(socket: self)
    }

    private static func isTCP(_ url: String) -> Bool {
        url.hasPrefix("tcp") || url.hasPrefix("tls+tcp")
    }
}

/// A started listener.
public struct WireListener: Sendable {
    /// The address it listens on, as given.
    public let url: String
    /// The TCP port actually bound (the free port chosen for `:0`); 0 for non-TCP transports.
    public let boundPort: Int
    let listener: nng_listener

    /// Stops listening; connections already accepted stay open.
    public func close() {
        nng_listener_close(listener)
    }
}
