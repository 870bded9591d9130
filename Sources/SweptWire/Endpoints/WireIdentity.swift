import Synchronization

/// Who a process is on the wire: its id, this run's incarnation, and the counter that numbers its requests.
public final class WireIdentity: Sendable {
    /// The sender id (≤ 255 UTF-8 bytes): stable across restarts of the same worker or coordinator.
    public let senderID: String
    /// This run's incarnation: new on every process start.
    public let incarnation: UInt64
    private let counter = Atomic<UInt64>(0)

    /// Creates an identity; the default incarnation is random, so two runs never share one.
    public init(senderID: String, incarnation: UInt64 = UInt64.random(in: 1...UInt64.max)) {
        self.senderID = senderID
        self.incarnation = incarnation
    }

    /// A fresh request id (1, 2, 3, … per incarnation). Retry a request with the id it first had.
    public func nextRequestID() -> UInt64 {
        counter.add(1, ordering: .relaxed).newValue
    }

    /// A header for a request (or, on the replying side, for the reply to `requestID`).
    public func header(requestID: UInt64) -> WireHeader {
        WireHeader(senderID: senderID, incarnation: incarnation, requestID: requestID)
    }
}
