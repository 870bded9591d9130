/// Timing and limits of a coordinator. Defaults suit a cluster on a LAN; tests shorten the lease times.
public struct CoordinatorSettings: Sendable, Equatable {
    /// How long a lease lives without a heartbeat or report, in milliseconds.
    public var leaseTTLMillis: UInt32
    /// How often workers should heartbeat, in milliseconds (well under the TTL).
    public var heartbeatIntervalMillis: UInt32
    /// The longest an `acquireTrial` may be held open waiting for a trial, in milliseconds.
    public var maxAcquireWaitMillis: UInt32
    /// How many REP contexts serve requests at once (waiting acquires hold one each).
    public var contexts: Int
    /// A worker that loses or fails this many trials within `flapWindowSeconds` is quarantined.
    public var flapFailures: Int
    /// The window for `flapFailures`, in seconds.
    public var flapWindowSeconds: Double
    /// How long a quarantine lasts, in seconds.
    public var quarantineSeconds: Double
    /// Replies remembered per sender for replaying duplicates.
    public var replyCachePerSender: Int
    /// Whether the commit thread waits briefly (at most one commit's duration, ≤ 1 ms) for requests from other
    /// workers so that they share one commit; see docs/cluster.md.
    public var gatherCommits: Bool
    /// Which thread commits (see `CommitPlacement`); `.automatic` follows the store's `synchronous` setting.
    public var commitPlacement: CommitPlacement
    /// How often the applier commits acknowledged changes from the change log to SQLite, in milliseconds (readers
    /// of the store file see a change at most about this much after it was acknowledged). Longer intervals make
    /// larger transactions, which rewrite each touched SQLite page fewer times per change (docs/cluster.md).
    public var applyIntervalMillis: UInt32

    /// The default `applyIntervalMillis`: measured in docs/cluster.md ("Applying every 100 ms").
    public static let defaultApplyIntervalMillis: UInt32 = 100

    /// The default apply interval in seconds, as `--apply-interval` takes it.
    public static var defaultApplyIntervalSeconds: Double { Double(defaultApplyIntervalMillis) / 1000 }

    /// An apply interval of `seconds` as `applyIntervalMillis`, or `nil` outside 0–60 s (NaN included): what
    /// `--apply-interval` accepts.
    public static func applyIntervalMillis(seconds: Double) -> UInt32? {
        guard seconds >= 0, seconds <= 60 else { return nil }
        return UInt32((seconds * 1000).rounded())
    }

    /// What is wrong with `--apply-interval seconds`, in the words both executables print, or `nil` when
    /// `applyIntervalMillis(seconds:)` accepts it.
    public static func applyIntervalProblem(seconds: Double) -> String? {
        applyIntervalMillis(seconds: seconds) == nil ? "--apply-interval is \(seconds); expected 0 to 60 seconds" : nil
    }

    /// Creates settings.
    public init(leaseTTLMillis: UInt32 = 30_000, heartbeatIntervalMillis: UInt32? = nil,
                maxAcquireWaitMillis: UInt32 = 2_000, contexts: Int = 64, flapFailures: Int = 5,
                flapWindowSeconds: Double = 60, quarantineSeconds: Double = 300, replyCachePerSender: Int = 1024,
                gatherCommits: Bool = true, commitPlacement: CommitPlacement = .automatic,
                applyIntervalMillis: UInt32 = CoordinatorSettings.defaultApplyIntervalMillis) {
        self.leaseTTLMillis = max(leaseTTLMillis, 50)
        self.heartbeatIntervalMillis = heartbeatIntervalMillis ?? max(self.leaseTTLMillis / 3, 10)
        self.maxAcquireWaitMillis = maxAcquireWaitMillis
        self.contexts = max(contexts, 1)
        self.flapFailures = max(flapFailures, 1)
        self.flapWindowSeconds = flapWindowSeconds
        self.quarantineSeconds = quarantineSeconds
        self.replyCachePerSender = max(replyCachePerSender, 16)
        self.gatherCommits = gatherCommits
        self.commitPlacement = commitPlacement
        self.applyIntervalMillis = applyIntervalMillis
    }

    /// The lease time in seconds.
    public var leaseTTL: Double { Double(leaseTTLMillis) / 1000 }
}
