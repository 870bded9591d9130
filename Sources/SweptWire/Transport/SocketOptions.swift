/// Settings of a socket, applied when it opens (before any dial or listen).
public struct SocketOptions: Sendable, Equatable {
    /// How long a send may wait; `nil` waits forever.
    public var sendTimeout: Duration?
    /// How long a receive may wait; `nil` waits forever.
    public var receiveTimeout: Duration?
    /// The largest message a peer may send us; bigger ones drop the connection (nng `recv-size-max`).
    public var maxReceiveSize: Int
    /// REQ only: resend an unanswered request after this long (nng's default is 60 s).
    public var resendInterval: Duration?

    /// Creates socket settings; the defaults suit the cluster (1 MiB messages, 10 s send, 30 s receive).
    public init(
        sendTimeout: Duration? = .seconds(10),
        receiveTimeout: Duration? = .seconds(30),
        maxReceiveSize: Int = 1 << 20,
        resendInterval: Duration? = nil
    ) {
        self.sendTimeout = sendTimeout
        self.receiveTimeout = receiveTimeout
        self.maxReceiveSize = maxReceiveSize
        self.resendInterval = resendInterval
    }
}

/// Settings of an outgoing connection.
public struct DialOptions: Sendable, Equatable {
    /// The first wait before reconnecting after a lost or failed connection.
    public var reconnectMinimum: Duration
    /// The cap of the doubling reconnect backoff.
    public var reconnectMaximum: Duration
    /// `true` returns at once and keeps connecting in the background (the peer may start later).
    public var nonBlocking: Bool
    /// TCP keep-alive probes on the connection (on by default; nng's own default is off).
    public var keepAlive: Bool
    /// Certificates for `tls+tcp://` addresses.
    public var tls: TLSFiles?

    /// Creates dial settings: non-blocking, backoff 100 ms doubling to 5 s, keep-alive on.
    public init(
        reconnectMinimum: Duration = .milliseconds(100),
        reconnectMaximum: Duration = .seconds(5),
        nonBlocking: Bool = true,
        keepAlive: Bool = true,
        tls: TLSFiles? = nil
    ) {
        self.reconnectMinimum = reconnectMinimum
        self.reconnectMaximum = reconnectMaximum
        self.nonBlocking = nonBlocking
        self.keepAlive = keepAlive
        self.tls = tls
    }
}

/// Settings of a listening endpoint.
public struct ListenOptions: Sendable, Equatable {
    /// TCP keep-alive probes on accepted connections (on by default).
    public var keepAlive: Bool
    /// Certificates for `tls+tcp://` addresses (the server needs its certificate and key).
    public var tls: TLSFiles?

    /// Creates listen settings: keep-alive on, no TLS.
    public init(keepAlive: Bool = true, tls: TLSFiles? = nil) {
        self.keepAlive = keepAlive
        self.tls = tls
    }
}
