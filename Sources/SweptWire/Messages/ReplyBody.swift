/// Every reply of the protocol. Reply kinds have the high bit set; never renumber.
public enum ReplyBody: Sendable, Equatable, Codable {
    /// To `registerWorker`.
    case registered(Registration)
    /// To `acquireTrial`: a leased trial.
    case assigned(TrialAssignment)
    /// To `acquireTrial`: nothing now.
    case noTrial(NoTrial)
    /// To `reportIntermediate`; to `finishTrial`/`releaseTrial` only when the lease is stale (`revoked`).
    case verdict(TrialVerdict)
    /// To `heartbeat`.
    case heartbeatAck(HeartbeatAck)
    /// To `finishTrial`, `releaseTrial`, `stopStudy`: done and durable.
    case acknowledged
    /// To `launchStudy`.
    case studyLaunched(StudyLaunched)
    /// To `status`.
    case status(ClusterStatus)
    /// To `trials` and `best`.
    case trials(TrialPage)
    /// To `enqueueTrial`.
    case enqueued(Enqueued)
    /// To any request that failed.
    case error(ErrorReply)

    /// The kind byte on the wire.
    public var kind: UInt8 {
        switch self {
        case .registered: 0x81
        case .assigned: 0x82
        case .noTrial: 0x83
        case .verdict: 0x84
        case .heartbeatAck: 0x85
        case .acknowledged: 0x86
        case .studyLaunched: 0x90
        case .status: 0x91
        case .trials: 0x92
        case .enqueued: 0x95
        case .error: 0xFF
        }
    }

    /// A short name for logs.
    public var name: String {
        switch self {
        case .registered: "registered"
        case .assigned: "assigned"
        case .noTrial: "noTrial"
        case .verdict: "verdict"
        case .heartbeatAck: "heartbeatAck"
        case .acknowledged: "acknowledged"
        case .studyLaunched: "studyLaunched"
        case .status: "status"
        case .trials: "trials"
        case .enqueued: "enqueued"
        case .error: "error"
        }
    }

    func encode(to writer: inout WireWriter) {
        switch self {
        case .registered(let body): body.encode(to: &writer)
        case .assigned(let body): body.encode(to: &writer)
        case .noTrial(let body): body.encode(to: &writer)
        case .verdict(let body): body.encode(to: &writer)
        case .heartbeatAck(let body): body.encode(to: &writer)
        case .acknowledged: break
        case .studyLaunched(let body): body.encode(to: &writer)
        case .status(let body): body.encode(to: &writer)
        case .trials(let body): body.encode(to: &writer)
        case .enqueued(let body): body.encode(to: &writer)
        case .error(let body): body.encode(to: &writer)
        }
    }

    init(kind: UInt8, from reader: inout WireReader) throws(WireDecodeError) {
        switch kind {
        case 0x81: self = .registered(try Registration(from: &reader))
        case 0x82: self = .assigned(try TrialAssignment(from: &reader))
        case 0x83: self = .noTrial(try NoTrial(from: &reader))
        case 0x84: self = .verdict(try TrialVerdict(from: &reader))
        case 0x85: self = .heartbeatAck(try HeartbeatAck(from: &reader))
        case 0x86: self = .acknowledged
        case 0x90: self = .studyLaunched(try StudyLaunched(from: &reader))
        case 0x91: self = .status(try ClusterStatus(from: &reader))
        case 0x92: self = .trials(try TrialPage(from: &reader))
        case 0x95: self = .enqueued(try Enqueued(from: &reader))
        case 0xFF: self = .error(try ErrorReply(from: &reader))
        default: throw .unknownKind(kind)
        }
    }
}
