/// Every request of the protocol. The kind byte of each case is fixed in `kind`; never renumber.
public enum RequestBody: Sendable, Equatable, Codable {
    /// A worker announces itself; reply `registered`.
    case registerWorker(WorkerCapabilities)
    /// A worker asks for a trial; reply `assigned` or `noTrial`.
    case acquireTrial(AcquireTrial)
    /// An intermediate value; reply `verdict` (continue / prune / stop / revoked).
    case reportIntermediate(IntermediateReport)
    /// A trial's end; reply `acknowledged`, or `verdict(revoked)` for a stale lease.
    case finishTrial(TrialFinish)
    /// Liveness plus held leases; reply `heartbeatAck`.
    case heartbeat(Heartbeat)
    /// Give a trial back unfinished; reply `acknowledged`, or `verdict(revoked)` for a stale lease.
    case releaseTrial(TrialRelease)
    /// Create or resume a study; reply `studyLaunched`.
    case launchStudy(LaunchStudy)
    /// Studies and workers; reply `status`.
    case status(StudyReference)
    /// A page of trials; reply `trials`.
    case trials(TrialsQuery)
    /// The best trials; reply `trials`.
    case best(BestQuery)
    /// Stop a study; reply `acknowledged`.
    case stopStudy(StudyReference)
    /// Enqueue fixed parameters; reply `enqueued`.
    case enqueueTrial(EnqueueTrial)

    /// The kind byte on the wire.
    public var kind: UInt8 {
        switch self {
        case .registerWorker: 0x01
        case .acquireTrial: 0x02
        case .reportIntermediate: 0x03
        case .finishTrial: 0x04
        case .heartbeat: 0x05
        case .releaseTrial: 0x06
        case .launchStudy: 0x10
        case .status: 0x11
        case .trials: 0x12
        case .best: 0x13
        case .stopStudy: 0x14
        case .enqueueTrial: 0x15
        }
    }

    /// A short name for logs (`reportIntermediate`, …).
    public var name: String {
        switch self {
        case .registerWorker: "registerWorker"
        case .acquireTrial: "acquireTrial"
        case .reportIntermediate: "reportIntermediate"
        case .finishTrial: "finishTrial"
        case .heartbeat: "heartbeat"
        case .releaseTrial: "releaseTrial"
        case .launchStudy: "launchStudy"
        case .status: "status"
        case .trials: "trials"
        case .best: "best"
        case .stopStudy: "stopStudy"
        case .enqueueTrial: "enqueueTrial"
        }
    }

    func encode(to writer: inout WireWriter) {
        switch self {
        case .registerWorker(let body): body.encode(to: &writer)
        case .acquireTrial(let body): body.encode(to: &writer)
        case .reportIntermediate(let body): body.encode(to: &writer)
        case .finishTrial(let body): body.encode(to: &writer)
        case .heartbeat(let body): body.encode(to: &writer)
        case .releaseTrial(let body): body.encode(to: &writer)
        case .launchStudy(let body): body.encode(to: &writer)
        case .status(let body): body.encode(to: &writer)
        case .trials(let body): body.encode(to: &writer)
        case .best(let body): body.encode(to: &writer)
        case .stopStudy(let body): body.encode(to: &writer)
        case .enqueueTrial(let body): body.encode(to: &writer)
        }
    }

    init(kind: UInt8, from reader: inout WireReader) throws(WireDecodeError) {
        switch kind {
        case 0x01: self = .registerWorker(try WorkerCapabilities(from: &reader))
        case 0x02: self = .acquireTrial(try AcquireTrial(from: &reader))
        case 0x03: self = .reportIntermediate(try IntermediateReport(from: &reader))
        case 0x04: self = .finishTrial(try TrialFinish(from: &reader))
        case 0x05: self = .heartbeat(try Heartbeat(from: &reader))
        case 0x06: self = .releaseTrial(try TrialRelease(from: &reader))
        case 0x10: self = .launchStudy(try LaunchStudy(from: &reader))
        case 0x11: self = .status(try StudyReference(from: &reader))
        case 0x12: self = .trials(try TrialsQuery(from: &reader))
        case 0x13: self = .best(try BestQuery(from: &reader))
        case 0x14: self = .stopStudy(try StudyReference(from: &reader))
        case 0x15: self = .enqueueTrial(try EnqueueTrial(from: &reader))
        default: throw .unknownKind(kind)
        }
    }
}
