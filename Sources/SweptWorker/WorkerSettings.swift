import SweptWire

/// What a worker does when the coordinator has no work for it.
public enum IdlePolicy: Sendable, Equatable {
    /// Keep asking forever.
    case wait
    /// Exit once every study is finished, or after `idleSeconds` without any study to work on.
    case exit(idleSeconds: Double)
}

/// How a worker connects and runs.
public struct WorkerSettings: Sendable {
    /// The coordinator's address (`tcp://head:7600`, `tls+tcp://…`).
    public var coordinatorURL: String
    /// The worker's stable id (the sender id on the wire).
    public var workerID: String
    /// Trials run at once.
    public var slots: Int
    /// OpenBLAS threads per slot.
    public var blasThreads: Int
    /// Labels studies may require.
    public var tags: [String]
    /// Only trials of this study; `nil` takes any.
    public var study: String?
    /// How long an acquire may wait at the coordinator, in milliseconds.
    public var acquireWaitMillis: UInt32
    /// What to do when there is no work.
    public var idle: IdlePolicy
    /// Per-attempt request timeout.
    public var requestTimeout: Duration
    /// First retry delay after a failed request; doubles up to `backoffMaximum`, with ±50 % jitter.
    public var backoffMinimum: Duration
    /// The cap of the retry delay.
    public var backoffMaximum: Duration
    /// On SIGTERM, how long running trials may take to finish before they are released.
    public var terminationGrace: Duration
    /// TLS files for `tls+tcp://`.
    public var tls: TLSFiles?

    /// Creates settings.
    public init(coordinatorURL: String, workerID: String, slots: Int = 1, blasThreads: Int = 1, tags: [String] = [],
                study: String? = nil, acquireWaitMillis: UInt32 = 1_000, idle: IdlePolicy = .wait,
                requestTimeout: Duration = .seconds(5), backoffMinimum: Duration = .milliseconds(100),
                backoffMaximum: Duration = .seconds(5), terminationGrace: Duration = .seconds(10),
                tls: TLSFiles? = nil) {
        self.coordinatorURL = coordinatorURL
        self.workerID = workerID
        self.slots = max(slots, 1)
        self.blasThreads = max(blasThreads, 1)
        self.tags = tags
        self.study = study
        self.acquireWaitMillis = acquireWaitMillis
        self.idle = idle
        self.requestTimeout = requestTimeout
        self.backoffMinimum = backoffMinimum
        self.backoffMaximum = backoffMaximum
        self.terminationGrace = terminationGrace
        self.tls = tls
    }
}
