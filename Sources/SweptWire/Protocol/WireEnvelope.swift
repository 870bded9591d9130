/// The fields every message carries besides its body.
public struct WireHeader: Sendable, Equatable, Codable {
    /// The protocol version this build speaks.
    public static let currentVersion: UInt8 = 1
    /// The longest sender id, in UTF-8 bytes.
    public static let maxSenderIDLength = 255

    /// The protocol version of the message.
    public var version: UInt8
    /// Who sent it: a worker's id (stable across restarts), a client's name, or the coordinator's id.
    public var senderID: String
    /// Which run of that sender: changes on every process start, so a restarted peer is recognised.
    public var incarnation: UInt64
    /// The request's id, unique per (sender, incarnation); a reply carries its request's id. A retry reuses
    /// the id so the coordinator replays the cached reply instead of acting twice.
    public var requestID: UInt64

    /// Creates a header for the current protocol version.
    public init(senderID: String, incarnation: UInt64, requestID: UInt64, version: UInt8 = WireHeader.currentVersion) {
        self.version = version
        self.senderID = senderID
        self.incarnation = incarnation
        self.requestID = requestID
    }
}

/// A request with its header.
public struct WireRequest: Sendable, Equatable, Codable {
    /// Version, sender, incarnation, request id.
    public var header: WireHeader
    /// What is asked.
    public var body: RequestBody

    /// Creates a request.
    public init(header: WireHeader, body: RequestBody) {
        self.header = header
        self.body = body
    }
}

/// A reply with its header.
public struct WireReply: Sendable, Equatable, Codable {
    /// Version, the replier's id and incarnation, and the request id answered.
    public var header: WireHeader
    /// The answer.
    public var body: ReplyBody

    /// Creates a reply.
    public init(header: WireHeader, body: ReplyBody) {
        self.header = header
        self.body = body
    }
}
