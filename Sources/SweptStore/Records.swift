import SweptTuning

/// A study's row id (`studies.study_id`), the handle the store's API takes.
public struct StudyID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The integer primary key.
    public let rawValue: Int64
    /// Wraps a primary key.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: StudyID, b: StudyID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "study \(rawValue)" }
}

/// A trial's row id (`trials.trial_id`), unique across studies; `number` is per study.
public struct TrialID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The integer primary key.
    public let rawValue: Int64
    /// Wraps a primary key.
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public static func < (a: TrialID, b: TrialID) -> Bool { a.rawValue < b.rawValue }
    public var description: String { "trial id \(rawValue)" }
}

/// A study: unique name and one direction per objective.
public struct StudyRecord: Hashable, Sendable {
    /// Row id.
    public let id: StudyID
    /// The unique study name.
    public let name: String
    /// One direction per objective, objective 0 first.
    public let directions: [StudyDirection]

    /// Creates a study record (readers other than the store, e.g. a coordinator client, build these).
    public init(id: StudyID, name: String, directions: [StudyDirection]) {
        self.id = id
        self.name = name
        self.directions = directions
    }
}

/// Where a trial lives: its row id, its study and its per-study number.
public struct TrialRef: Hashable, Sendable {
    /// Row id.
    public let id: TrialID
    /// The owning study.
    public let study: StudyID
    /// The per-study trial number (0, 1, 2, … in creation order).
    public let number: Int

    /// Creates a trial reference.
    public init(id: TrialID, study: StudyID, number: Int) {
        self.id = id
        self.study = study
        self.number = number
    }
}

/// A trial read from the store: its ids plus the frozen trial samplers and pruners see.
public struct StoredTrial: Hashable, Sendable {
    /// Row id and study.
    public let ref: TrialRef
    /// Everything recorded about the trial.
    public var trial: FrozenTrial

    /// Creates a stored trial.
    public init(ref: TrialRef, trial: FrozenTrial) {
        self.ref = ref
        self.trial = trial
    }
}

/// A worker as the coordinator registered it.
public struct WorkerRecord: Hashable, Sendable {
    /// Liveness as the coordinator last judged it.
    public enum State: String, Hashable, Sendable, CaseIterable {
        case alive = "ALIVE", lost = "LOST", stopped = "STOPPED"
    }
    /// The worker's unique id.
    public var id: String
    /// The host it runs on.
    public var host: String
    /// Its process id, when known.
    public var pid: Int?
    /// Trial slots.
    public var slots: Int
    /// Bumped each time the worker restarts.
    public var incarnation: Int
    /// First registration, seconds since 1970 UTC.
    public var firstSeen: Double
    /// Last contact, seconds since 1970 UTC.
    public var lastSeen: Double
    /// Liveness.
    public var state: State

    /// Makes a worker record.
    public init(id: String, host: String, pid: Int? = nil, slots: Int = 1, incarnation: Int = 0,
                firstSeen: Double, lastSeen: Double, state: State = .alive) {
        self.id = id
        self.host = host
        self.pid = pid
        self.slots = slots
        self.incarnation = incarnation
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.state = state
    }
}

/// A trial's lease: which worker runs it, under which fencing epoch, until when.
public struct Lease: Hashable, Sendable {
    /// Lease lifecycle.
    public enum State: String, Hashable, Sendable, CaseIterable {
        /// Held by the worker until `deadline`.
        case active = "ACTIVE"
        /// The deadline passed; reports under this epoch are refused.
        case expired = "EXPIRED"
        /// Given back (the trial finished or was handed elsewhere).
        case released = "RELEASED"
    }
    /// The leased trial.
    public let trial: TrialID
    /// The worker holding (or last holding) it.
    public let worker: String
    /// Fencing epoch: grows with every grant of this trial — by one within a coordinator start, and past
    /// (generation − 1) · 2²⁴ after the store's n-th coordinator start (see `StudyStore.beginCoordinatorGeneration`).
    public let epoch: Int
    /// Seconds since 1970 UTC after which the lease is void.
    public let deadline: Double
    /// When the lease was granted.
    public let grantedAt: Double
    /// Lifecycle state.
    public let state: State
}

/// One entry of the append-only event log.
public struct StoreEvent: Hashable, Sendable {
    /// Increasing id: read the log incrementally with `events(after:)`.
    public let id: Int64
    /// Seconds since 1970 UTC.
    public let at: Double
    /// What happened, e.g. `trial.finished`.
    public let kind: String
    /// The study concerned, if any.
    public let study: StudyID?
    /// The trial concerned, if any.
    public let trial: TrialID?
    /// Details (JSON object) when the kind carries any.
    public let detail: AttributeValue?
}

/// What a study's list entry shows.
public struct StudySummary: Hashable, Sendable {
    /// The study.
    public let study: StudyRecord
    /// Trials per state (states with no trial are absent).
    public let counts: [TrialState: Int]
    /// The best trial (single objective) if any trial completed.
    public let bestTrial: StoredTrial?
    /// The earliest trial start, seconds since 1970 UTC.
    public let startedAt: Double?
    /// The study's user attributes.
    public let userAttributes: [String: AttributeValue]

    /// Creates a summary.
    public init(study: StudyRecord, counts: [TrialState: Int], bestTrial: StoredTrial?, startedAt: Double?,
                userAttributes: [String: AttributeValue] = [:]) {
        self.study = study
        self.counts = counts
        self.bestTrial = bestTrial
        self.startedAt = startedAt
        self.userAttributes = userAttributes
    }

    /// Trials in all states.
    public var trialCount: Int { counts.values.reduce(0, +) }
}

/// A whole study read at once: what a coordinator needs to rebuild its in-memory state.
public struct LoadedStudy: Sendable {
    /// The study.
    public let study: StudyRecord
    /// Study user attributes.
    public let userAttributes: [String: AttributeValue]
    /// Study system attributes.
    public let systemAttributes: [String: AttributeValue]
    /// Every trial, ordered by number (`trials[i].number == i` for a study swept wrote).
    public let trials: [FrozenTrial]
    /// Row ids parallel to `trials`.
    public let trialIDs: [TrialID]
    /// Current leases of the study's trials (active or expired, not released).
    public let leases: [Lease]
}
