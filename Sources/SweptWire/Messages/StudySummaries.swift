/// Whether a study is still handing out trials.
public enum StudyState: UInt8, Sendable, Codable, CaseIterable {
    /// Handing out trials.
    case running = 0
    /// Stopped by a user; running trials are told to stop.
    case stopped = 1
    /// Budget reached.
    case completed = 2
}

/// An optimization direction.
public enum StudyDirection: UInt8, Sendable, Codable, CaseIterable {
    /// Smaller is better.
    case minimize = 0
    /// Larger is better.
    case maximize = 1
}

/// Trial counts per state.
public struct TrialCounts: Sendable, Equatable, Codable, WireCodable {
    /// Trials leased and running.
    public var running: UInt32
    /// Trials finished with values.
    public var complete: UInt32
    /// Trials stopped by the pruner.
    public var pruned: UInt32
    /// Trials that failed (including lost leases).
    public var fail: UInt32
    /// Trials enqueued, not yet handed out.
    public var waiting: UInt32

    /// Creates counts.
    public init(running: UInt32 = 0, complete: UInt32 = 0, pruned: UInt32 = 0, fail: UInt32 = 0, waiting: UInt32 = 0) {
        self.running = running
        self.complete = complete
        self.pruned = pruned
        self.fail = fail
        self.waiting = waiting
    }

    public func encode(to writer: inout WireWriter) {
        for count in [running, complete, pruned, fail, waiting] { writer.u32(count) }
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        running = try reader.u32("counts.running")
        complete = try reader.u32("counts.complete")
        pruned = try reader.u32("counts.pruned")
        fail = try reader.u32("counts.fail")
        waiting = try reader.u32("counts.waiting")
    }
}

/// One study in a status reply.
public struct StudySummary: Sendable, Equatable, Codable, WireCodable {
    /// The study's id in the store.
    public var studyID: Int64
    /// The study's name.
    public var name: String
    /// Whether it still hands out trials.
    public var state: StudyState
    /// One direction per objective.
    public var directions: [StudyDirection]
    /// Trials per state.
    public var counts: TrialCounts
    /// The best trial's number, when one is COMPLETE (single objective).
    public var bestTrialNumber: Int64?
    /// The best trial's values; empty when none.
    public var bestValues: [Double]

    /// Creates a study summary.
    public init(
        studyID: Int64, name: String, state: StudyState, directions: [StudyDirection], counts: TrialCounts,
        bestTrialNumber: Int64? = nil, bestValues: [Double] = []
    ) {
        self.studyID = studyID
        self.name = name
        self.state = state
        self.directions = directions
        self.counts = counts
        self.bestTrialNumber = bestTrialNumber
        self.bestValues = bestValues
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(studyID)
        writer.string(name)
        writer.u8(state.rawValue)
        writer.array(directions) { $0.u8($1.rawValue) }
        counts.encode(to: &writer)
        writer.optional(bestTrialNumber) { $0.i64($1) }
        writer.doubles(bestValues)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        studyID = try reader.i64("study.studyID")
        name = try reader.string("study.name")
        state = try reader.rawEnum("study.state", StudyState.self)
        directions = try reader.array("study.directions") { reader throws(WireDecodeError) in
            try reader.rawEnum("study.directions", StudyDirection.self)
        }
        counts = try TrialCounts(from: &reader)
        bestTrialNumber = try reader.optionalI64("study.bestTrialNumber")
        bestValues = try reader.doubles("study.bestValues")
    }
}

/// One worker in a status reply.
public struct WorkerSummary: Sendable, Equatable, Codable, WireCodable {
    /// The worker's sender id.
    public var workerID: String
    /// The worker's current incarnation.
    public var incarnation: UInt64
    /// The worker's host.
    public var hostname: String
    /// Trials it runs at once.
    public var slots: UInt32
    /// Slots running a trial now.
    public var busySlots: UInt32
    /// Milliseconds since the worker was last heard from.
    public var lastSeenMillisAgo: UInt64
    /// Whether it is refused work for failing too often.
    public var quarantined: Bool

    /// Creates a worker summary.
    public init(
        workerID: String, incarnation: UInt64, hostname: String, slots: UInt32, busySlots: UInt32,
        lastSeenMillisAgo: UInt64, quarantined: Bool
    ) {
        self.workerID = workerID
        self.incarnation = incarnation
        self.hostname = hostname
        self.slots = slots
        self.busySlots = busySlots
        self.lastSeenMillisAgo = lastSeenMillisAgo
        self.quarantined = quarantined
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(workerID)
        writer.u64(incarnation)
        writer.string(hostname)
        writer.u32(slots)
        writer.u32(busySlots)
        writer.u64(lastSeenMillisAgo)
        writer.bool(quarantined)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        workerID = try reader.string("worker.workerID")
        incarnation = try reader.u64("worker.incarnation")
        hostname = try reader.string("worker.hostname")
        slots = try reader.u32("worker.slots")
        busySlots = try reader.u32("worker.busySlots")
        lastSeenMillisAgo = try reader.u64("worker.lastSeenMillisAgo")
        quarantined = try reader.bool("worker.quarantined")
    }
}

/// Reply to `status`.
public struct ClusterStatus: Sendable, Equatable, Codable, WireCodable {
    /// The studies asked for (all when no name was given).
    public var studies: [StudySummary]
    /// Registered workers.
    public var workers: [WorkerSummary]

    /// Creates a status reply.
    public init(studies: [StudySummary], workers: [WorkerSummary]) {
        self.studies = studies
        self.workers = workers
    }

    public func encode(to writer: inout WireWriter) {
        studies.encode(to: &writer)
        workers.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        studies = try [StudySummary](from: &reader, "status.studies", minimumElementSize: 42)
        workers = try [WorkerSummary](from: &reader, "status.workers", minimumElementSize: 33)
    }
}

/// One trial in a `trials` or `best` reply.
public struct TrialSummary: Sendable, Equatable, Codable, WireCodable {
    /// The trial's id in the store.
    public var trialID: Int64
    /// The trial's number within its study.
    public var number: Int64
    /// The trial's state.
    public var state: TrialState
    /// The objective values (COMPLETE), or the last intermediate value (PRUNED); empty otherwise.
    public var values: [Double]
    /// The trial's hyperparameters.
    public var parameters: [TrialParameter]
    /// The last reported step, if any.
    public var lastStep: Int64?
    /// Wall time from start to finish (or to now while running), in milliseconds.
    public var durationMillis: UInt64
    /// The worker that ran (or runs) it.
    public var worker: String?
    /// The trial this one retries, when it was re-enqueued after a lost lease.
    public var retryOf: Int64?
    /// When it started, seconds since 1970 UTC.
    public var startedAt: Double?
    /// When it finished, seconds since 1970 UTC.
    public var completedAt: Double?
    /// Why it failed, for FAIL trials.
    public var failReason: String?
    /// Every intermediate value by step, when the query asked for them (`TrialsQuery.withIntermediate`).
    public var intermediate: [StepValue]

    /// Creates a trial summary.
    public init(
        trialID: Int64, number: Int64, state: TrialState, values: [Double], parameters: [TrialParameter],
        lastStep: Int64? = nil, durationMillis: UInt64 = 0, worker: String? = nil, retryOf: Int64? = nil,
        startedAt: Double? = nil, completedAt: Double? = nil, failReason: String? = nil, intermediate: [StepValue] = []
    ) {
        self.trialID = trialID
        self.number = number
        self.state = state
        self.values = values
        self.parameters = parameters
        self.lastStep = lastStep
        self.durationMillis = durationMillis
        self.worker = worker
        self.retryOf = retryOf
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.failReason = failReason
        self.intermediate = intermediate
    }

    public func encode(to writer: inout WireWriter) {
        writer.i64(trialID)
        writer.i64(number)
        writer.u8(state.rawValue)
        writer.doubles(values)
        parameters.encode(to: &writer)
        writer.optional(lastStep) { $0.i64($1) }
        writer.u64(durationMillis)
        writer.optional(worker) { $0.string($1) }
        writer.optional(retryOf) { $0.i64($1) }
        writer.optional(startedAt) { $0.f64($1) }
        writer.optional(completedAt) { $0.f64($1) }
        writer.optional(failReason) { $0.string($1) }
        writer.array(intermediate) { writer, item in
            writer.i64(item.step)
            writer.f64(item.value)
        }
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        trialID = try reader.i64("trial.trialID")
        number = try reader.i64("trial.number")
        state = try reader.rawEnum("trial.state", TrialState.self)
        values = try reader.doubles("trial.values")
        parameters = try [TrialParameter](from: &reader, "trial.parameters", minimumElementSize: 6)
        lastStep = try reader.optionalI64("trial.lastStep")
        durationMillis = try reader.u64("trial.durationMillis")
        worker = try reader.optionalString("trial.worker")
        retryOf = try reader.optionalI64("trial.retryOf")
        startedAt = try reader.optionalF64("trial.startedAt")
        completedAt = try reader.optionalF64("trial.completedAt")
        failReason = try reader.optionalString("trial.failReason")
        intermediate = try reader.array("trial.intermediate", minimumElementSize: 16) { reader throws(WireDecodeError) in
            StepValue(step: try reader.i64("trial.intermediate.step"), value: try reader.f64("trial.intermediate.value"))
        }
    }
}

/// An intermediate value at a step.
public struct StepValue: Sendable, Equatable, Codable {
    /// The step (epoch) it was reported at.
    public var step: Int64
    /// The value.
    public var value: Double

    /// Creates a step value.
    public init(step: Int64, value: Double) {
        self.step = step
        self.value = value
    }
}

/// Reply to `trials` and `best`.
public struct TrialPage: Sendable, Equatable, Codable, WireCodable {
    /// Trials matching the query in all (for paging).
    public var total: UInt64
    /// This page.
    public var trials: [TrialSummary]

    /// Creates a page.
    public init(total: UInt64, trials: [TrialSummary]) {
        self.total = total
        self.trials = trials
    }

    public func encode(to writer: inout WireWriter) {
        writer.u64(total)
        trials.encode(to: &writer)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        total = try reader.u64("page.total")
        trials = try [TrialSummary](from: &reader, "page.trials", minimumElementSize: 36)
    }
}

extension TrialPage {
    /// The largest encoded page a coordinator sends, leaving room under the default message bound (1 MiB).
    public static let defaultByteBudget = 768 * 1024

    /// A page holding `trials` in order until the next one would pass `byteBudget` encoded bytes (always at least
    /// one trial, when there is one). Clients page on with `offset` += the page's count.
    public static func filling(
        total: UInt64, byteBudget: Int = defaultByteBudget, _ trials: some Sequence<TrialSummary>
    ) -> TrialPage {
        var kept: [TrialSummary] = []
        var used = 0
        for trial in trials {
            var writer = WireWriter(capacity: 256)
            trial.encode(to: &writer)
            used += writer.bytes.count
            if used > byteBudget, !kept.isEmpty { break }
            kept.append(trial)
        }
        return TrialPage(total: total, trials: kept)
    }
}
