/// `reportIntermediate`: one intermediate value of a running trial. Answered with a `TrialVerdict`.
public struct IntermediateReport: Sendable, Equatable, Codable, WireCodable {
    /// The trial's id.
    public var trialID: Int64
    /// The lease epoch from the assignment.
    public var leaseEpoch: UInt64
    /// The step (epoch, iteration) the value belongs to.
    public var step: Int64
    /// The value.
    public var value: Double

    /// Creates a report.
    public init(trialID: Int64, leaseEpoch: UInt64, step: Int64, value: Double) {
        self.trialID = trialID
        self.leaseEpoch = leaseEpoch
        self.step = step
        self.value = value
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(trialID)
        writer.u64(leaseEpoch)
        writer.i64(step)
        writer.f64(value)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        trialID = try reader.i64("report.trialID")
        leaseEpoch = try reader.u64("report.leaseEpoch")
        step = try reader.i64("report.step")
        value = try reader.f64("report.value")
    }
}

/// What a worker must do with a trial.
public enum TrialDecision: UInt8, Sendable, Codable, CaseIterable {
    /// Keep going.
    case `continue` = 0
    /// The pruner stopped it: end the trial and finish it as PRUNED.
    case prune = 1
    /// The study stopped or reached its budget: end the trial and finish it (COMPLETE with what it has, or
    /// release it).
    case stop = 2
    /// The lease is no longer this worker's (expired or reassigned): drop the trial, report nothing more.
    case revoked = 3
}

/// A decision about one trial: the reply to a report, and to a finish or release with a stale lease.
public struct TrialVerdict: Sendable, Equatable, Codable, WireCodable {
    /// The trial's id.
    public var trialID: Int64
    /// What to do.
    public var decision: TrialDecision

    /// Creates a verdict.
    public init(trialID: Int64, decision: TrialDecision) {
        self.trialID = trialID
        self.decision = decision
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(trialID)
        writer.u8(decision.rawValue)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        trialID = try reader.i64("verdict.trialID")
        decision = try reader.rawEnum("verdict.decision", TrialDecision.self)
    }
}

/// How a trial ended.
public enum TrialOutcome: Sendable, Equatable, Codable {
    /// Finished with one value per study direction.
    case complete(values: [Double])
    /// Failed; the reason is stored with the trial.
    case fail(reason: String)
    /// Stopped after a `prune` decision.
    case pruned
}

/// `finishTrial`: the end of a trial. Answered with `acknowledged`, or a `revoked` verdict for a stale lease.
public struct TrialFinish: Sendable, Equatable, Codable, WireCodable {
    /// The trial's id.
    public var trialID: Int64
    /// The lease epoch from the assignment.
    public var leaseEpoch: UInt64
    /// The result.
    public var outcome: TrialOutcome
    /// User attributes to store with the trial.
    public var attributes: [TrialAttribute]

    /// Creates a finish request.
    public init(trialID: Int64, leaseEpoch: UInt64, outcome: TrialOutcome, attributes: [TrialAttribute] = []) {
        self.trialID = trialID
        self.leaseEpoch = leaseEpoch
        self.outcome = outcome
        self.attributes = attributes
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(trialID)
        writer.u64(leaseEpoch)
        switch outcome {
        case .complete(let values):
            writer.u8(0)
            writer.doubles(values)
        case .fail(let reason):
            writer.u8(1)
            writer.string(reason)
        case .pruned: writer.u8(2)
        }
        attributes.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        trialID = try reader.i64("finish.trialID")
        leaseEpoch = try reader.u64("finish.leaseEpoch")
        switch try reader.u8("finish.outcome") {
        case 0: outcome = .complete(values: try reader.doubles("finish.values"))
        case 1: outcome = .fail(reason: try reader.string("finish.reason"))
        case 2: outcome = .pruned
        case let other:
            throw .invalidValue(field: "finish.outcome", expected: "0 complete, 1 fail or 2 pruned (got \(other))")
        }
        attributes = try [TrialAttribute](from: &reader, "finish.attributes", minimumElementSize: 8)
    }
}

/// A lease a worker holds: which trial, which epoch.
public struct TrialLease: Sendable, Equatable, Hashable, Codable, WireCodable {
    /// The trial's id.
    public var trialID: Int64
    /// The lease epoch from the assignment.
    public var leaseEpoch: UInt64

    /// Creates a lease reference.
    public init(trialID: Int64, leaseEpoch: UInt64) {
        self.trialID = trialID
        self.leaseEpoch = leaseEpoch
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(trialID)
        writer.u64(leaseEpoch)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        trialID = try reader.i64("lease.trialID")
        leaseEpoch = try reader.u64("lease.leaseEpoch")
    }
}

/// `heartbeat`: the worker is alive and holds these leases (possibly none).
public struct Heartbeat: Sendable, Equatable, Codable, WireCodable {
    /// Every lease the worker holds.
    public var leases: [TrialLease]

    /// Creates a heartbeat.
    public init(leases: [TrialLease]) {
        self.leases = leases
    }

    public func encode(to writer: inout WireWriter) {
        leases.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        leases = try [TrialLease](from: &reader, "heartbeat.leases", minimumElementSize: 16)
    }
}

/// Reply to `heartbeat`: one verdict per lease (`continue` extends it) and the lease lifetime.
public struct HeartbeatAck: Sendable, Equatable, Codable, WireCodable {
    /// How long each extended lease now lives, in milliseconds.
    public var leaseTTLMillis: UInt32
    /// One verdict per lease in the heartbeat, same order.
    public var verdicts: [TrialVerdict]

    /// Creates a heartbeat reply.
    public init(leaseTTLMillis: UInt32, verdicts: [TrialVerdict]) {
        self.leaseTTLMillis = leaseTTLMillis
        self.verdicts = verdicts
    }

    public func encode(to writer: inout WireWriter) {
        writer.u32(leaseTTLMillis)
        verdicts.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        leaseTTLMillis = try reader.u32("heartbeatAck.leaseTTLMillis")
        verdicts = try [TrialVerdict](from: &reader, "heartbeatAck.verdicts", minimumElementSize: 9)
    }
}

/// `releaseTrial`: give a running trial back unfinished (e.g. on SIGTERM); it is re-enqueued, not failed.
public struct TrialRelease: Sendable, Equatable, Codable, WireCodable {
    /// The trial's id.
    public var trialID: Int64
    /// The lease epoch from the assignment.
    public var leaseEpoch: UInt64
    /// Why, for the log.
    public var reason: String

    /// Creates a release request.
    public init(trialID: Int64, leaseEpoch: UInt64, reason: String) {
        self.trialID = trialID
        self.leaseEpoch = leaseEpoch
        self.reason = reason
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(trialID)
        writer.u64(leaseEpoch)
        writer.string(reason)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        trialID = try reader.i64("release.trialID")
        leaseEpoch = try reader.u64("release.leaseEpoch")
        reason = try reader.string("release.reason")
    }
}
