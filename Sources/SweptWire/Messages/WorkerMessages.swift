/// `registerWorker`: what a worker offers. The worker's id is the header's sender id.
public struct WorkerCapabilities: Sendable, Equatable, Codable, WireCodable {
    /// Trials the worker runs at once.
    public var slots: UInt32
    /// CPU cores the worker may use.
    public var cores: UInt32
    /// OpenBLAS threads per slot.
    public var blasThreads: UInt32
    /// Free-form labels a study may require (e.g. `gpu`, `big-memory`).
    public var tags: [String]
    /// The node's host name, for status displays.
    public var hostname: String

    /// Creates a capability set.
    public init(slots: UInt32, cores: UInt32, blasThreads: UInt32, tags: [String] = [], hostname: String = "") {
        self.slots = slots
        self.cores = cores
        self.blasThreads = blasThreads
        self.tags = tags
        self.hostname = hostname
    }

    public func encode(to writer: inout WireWriter) {
        writer.u32(slots)
        writer.u32(cores)
        writer.u32(blasThreads)
        writer.strings(tags)
        writer.string(hostname)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        slots = try reader.u32("capabilities.slots")
        cores = try reader.u32("capabilities.cores")
        blasThreads = try reader.u32("capabilities.blasThreads")
        tags = try reader.strings("capabilities.tags")
        hostname = try reader.string("capabilities.hostname")
    }
}

/// Reply to `registerWorker`: the timing the coordinator expects.
public struct Registration: Sendable, Equatable, Codable, WireCodable {
    /// How often to heartbeat, in milliseconds.
    public var heartbeatIntervalMillis: UInt32
    /// How long a lease lives without a heartbeat, in milliseconds.
    public var leaseTTLMillis: UInt32

    /// Creates a registration reply.
    public init(heartbeatIntervalMillis: UInt32, leaseTTLMillis: UInt32) {
        self.heartbeatIntervalMillis = heartbeatIntervalMillis
        self.leaseTTLMillis = leaseTTLMillis
    }

    public func encode(to writer: inout WireWriter) {
        writer.u32(heartbeatIntervalMillis)
        writer.u32(leaseTTLMillis)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        heartbeatIntervalMillis = try reader.u32("registration.heartbeatIntervalMillis")
        leaseTTLMillis = try reader.u32("registration.leaseTTLMillis")
    }
}

/// `acquireTrial`: ask for a trial for one slot, waiting up to `waitMillis` if none is ready.
public struct AcquireTrial: Sendable, Equatable, Codable, WireCodable {
    /// The worker's slot index that will run the trial.
    public var slot: UInt32
    /// Only trials of this study; `nil` takes any study.
    public var study: String?
    /// How long the coordinator may hold the request open waiting for a trial (bounded by the coordinator).
    public var waitMillis: UInt32

    /// Creates an acquire request.
    public init(slot: UInt32, study: String? = nil, waitMillis: UInt32 = 0) {
        self.slot = slot
        self.study = study
        self.waitMillis = waitMillis
    }

    public func encode(to writer: inout WireWriter) {
        writer.u32(slot)
        writer.optional(study) { $0.string($1) }
        writer.u32(waitMillis)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        slot = try reader.u32("acquire.slot")
        study = try reader.optionalString("acquire.study")
        waitMillis = try reader.u32("acquire.waitMillis")
    }
}

/// Reply to `acquireTrial`: a leased trial.
public struct TrialAssignment: Sendable, Equatable, Codable, WireCodable {
    /// The study's id in the store.
    public var studyID: Int64
    /// The study's name.
    public var studyName: String
    /// The trial's id in the store (global, used in every later request about it).
    public var trialID: Int64
    /// The trial's number within its study (0, 1, 2, …).
    public var number: Int64
    /// The lease epoch: every report about this trial carries it; an older epoch gets `revoked`.
    public var leaseEpoch: UInt64
    /// How long the lease lives without a heartbeat, in milliseconds.
    public var leaseTTLMillis: UInt32
    /// The sampled hyperparameters.
    public var parameters: [TrialParameter]
    /// The study's objective section (config text) that tells the worker what to run.
    public var objective: String

    /// Creates an assignment.
    public init(
        studyID: Int64, studyName: String, trialID: Int64, number: Int64, leaseEpoch: UInt64,
        leaseTTLMillis: UInt32, parameters: [TrialParameter], objective: String
    ) {
        self.studyID = studyID
        self.studyName = studyName
        self.trialID = trialID
        self.number = number
        self.leaseEpoch = leaseEpoch
        self.leaseTTLMillis = leaseTTLMillis
        self.parameters = parameters
        self.objective = objective
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(studyID)
        writer.string(studyName)
        writer.i64(trialID)
        writer.i64(number)
        writer.u64(leaseEpoch)
        writer.u32(leaseTTLMillis)
        parameters.encode(to: &writer)
        writer.string(objective)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        studyID = try reader.i64("assignment.studyID")
        studyName = try reader.string("assignment.studyName")
        trialID = try reader.i64("assignment.trialID")
        number = try reader.i64("assignment.number")
        leaseEpoch = try reader.u64("assignment.leaseEpoch")
        leaseTTLMillis = try reader.u32("assignment.leaseTTLMillis")
        parameters = try [TrialParameter](from: &reader, "assignment.parameters", minimumElementSize: 6)
        objective = try reader.string("assignment.objective")
    }
}

/// Why `acquireTrial` got no trial.
public enum NoTrialReason: UInt8, Sendable, Codable, CaseIterable {
    /// Nothing ready within the wait bound; ask again.
    case noneReady = 0
    /// The requested study is finished or stopped.
    case studyFinished = 1
    /// No study is running at all.
    case noStudies = 2
    /// The worker is quarantined.
    case quarantined = 3
    /// No running study accepts this worker's tags.
    case noMatchingStudy = 4
}

/// Reply to `acquireTrial` when no trial is handed out.
public struct NoTrial: Sendable, Equatable, Codable, WireCodable {
    /// Why nothing was handed out.
    public var reason: NoTrialReason
    /// When to ask again, in milliseconds.
    public var retryAfterMillis: UInt32

    /// Creates a no-trial reply.
    public init(reason: NoTrialReason, retryAfterMillis: UInt32) {
        self.reason = reason
        self.retryAfterMillis = retryAfterMillis
    }

    public func encode(to writer: inout WireWriter) {
        writer.u8(reason.rawValue)
        writer.u32(retryAfterMillis)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        reason = try reader.rawEnum("noTrial.reason", NoTrialReason.self)
        retryAfterMillis = try reader.u32("noTrial.retryAfterMillis")
    }
}
