import Foundation
import SweptStore
import SweptTuning
import SweptWire

/// A decision: the reply to send, and the journal ticket that must be durable before it is sent.
struct Decision: Sendable {
    var reply: ReplyBody
    var ticket: StoreJournal.Ticket = .empty

    init(_ reply: ReplyBody, _ ticket: StoreJournal.Ticket = .empty) {
        self.reply = reply
        self.ticket = ticket
    }

    static func error(_ code: WireErrorCode, _ message: String) -> Decision {
        Decision(.error(ErrorReply(code: code, message: message)))
    }
}

/// The coordinator's whole live state, behind one lock.
///
/// Every method is synchronous and runs under the lock (enter through `sync`): it decides, mutates memory, and
/// appends the matching store changes to the journal in one step, so no other request interleaves and the store
/// applies changes in decision order. A lock rather than an actor: each request then costs no executor hop.
final class CoordinatorCore: @unchecked Sendable {
    private let lock = NSLock()
    let settings: CoordinatorSettings
    let journal: StoreJournal
    let clock: @Sendable () -> Double
    var studies: [StudyID: StudyRuntime] = [:]
    var studyOrder: [StudyID] = []
    var studiesByName: [String: StudyID] = [:]
    var pendingLaunches: Set<String> = []
    var trialIndex: [Int64: (study: StudyID, number: Int)] = [:]
    var workers: [String: WorkerState] = [:]
    var nextTrialID: Int64
    /// Every lease granted by this coordinator start has an epoch above this: (generation − 1) · 2²⁴, where the
    /// generation counts coordinator starts on the store. A lease acknowledged just before a power loss that the
    /// store then lost can therefore never match a grant made after the restart, even for a reused trial id.
    let epochFloor: Int
    var roundRobin = 0
    /// Lost leases detected so far (for tests and status).
    var lostLeases = 0

    init(settings: CoordinatorSettings, journal: StoreJournal, nextTrialID: Int64, generation: Int = 1,
         clock: @escaping @Sendable () -> Double) {
        epochFloor = max(generation - 1, 0) << 24
        self.settings = settings
        self.journal = journal
        self.nextTrialID = nextTrialID
        self.clock = clock
    }

    /// Runs `body` with the state locked; every entry point goes through here.
    func sync<T>(_ body: (CoordinatorCore) throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body(self)
    }

    // MARK: - Workers

    func register(_ header: WireHeader, _ capabilities: WorkerCapabilities) -> Decision {
        let now = clock()
        var mutations: [StoreMutation] = []
        var worker = workers[header.senderID] ?? WorkerState(
            id: header.senderID, incarnation: header.incarnation, capabilities: capabilities, firstSeen: now,
            lastSeen: now)
        if worker.incarnation != header.incarnation {
            // A new process under the same id: whatever the old one held is lost now, not at its deadline.
            for (id, runtime) in studies {
                for (number, lease) in runtime.leases where lease.worker == header.senderID {
                    loseLease(study: id, number: number, reason: "lost (worker restarted)", now: now,
                              into: &mutations)
                }
            }
        }
        worker = workers[header.senderID] ?? worker
        worker.incarnation = header.incarnation
        worker.capabilities = capabilities
        worker.lastSeen = now
        workers[header.senderID] = worker
        mutations.append(.worker(WorkerRecord(
            id: worker.id, host: capabilities.hostname, slots: Int(max(capabilities.slots, 1)),
            incarnation: Int(truncatingIfNeeded: header.incarnation), firstSeen: worker.firstSeen, lastSeen: now)))
        let reply = ReplyBody.registered(Registration(
            heartbeatIntervalMillis: settings.heartbeatIntervalMillis, leaseTTLMillis: settings.leaseTTLMillis))
        return Decision(reply, journal.append(mutations))
    }

    /// The registered worker sending `header`, with its last-seen time refreshed; or an error decision.
    func worker(for header: WireHeader, now: Double) -> WorkerState? {
        guard var worker = workers[header.senderID], worker.incarnation == header.incarnation else { return nil }
        worker.lastSeen = now
        workers[header.senderID] = worker
        return worker
    }

    static func notRegistered(_ header: WireHeader) -> Decision {
        .error(.notRegistered, "worker '\(header.senderID)' (incarnation \(header.incarnation)) is not registered; "
            + "send registerWorker first")
    }

    /// Counts a lost or failed trial against `worker`, quarantining it when it flaps.
    func recordFailure(of worker: String, now: Double, into mutations: inout [StoreMutation]) {
        guard var state = workers[worker] else { return }
        if state.recordFailure(at: now, settings: settings) {
            mutations.append(.event(kind: "worker.quarantined", study: nil, trial: nil,
                                    detail: .object(["worker": .string(worker),
                                                     "seconds": .double(settings.quarantineSeconds)])))
        }
        workers[worker] = state
    }

    // MARK: - Leases

    /// Marks trial `number` lost: FAIL with `reason`, and re-enqueues its parameters within the retry budget.
    func loseLease(study id: StudyID, number: Int, reason: String, now: Double,
                   into mutations: inout [StoreMutation]) {
        guard let runtime = studies[id], let lease = runtime.leases.removeValue(forKey: number) else { return }
        lostLeases += 1
        let trialID = runtime.trialIDs[number]
        let system: [String: AttributeValue] = ["fail_reason": .string(reason), "swept_worker": .string(lease.worker)]
        for (key, value) in system { try? runtime.study.setSystemAttribute(trial: number, key: key, value: value) }
        _ = try? runtime.study.tell(number, state: .fail)
        mutations.append(.finishTrial(trial: trialID, state: .fail, values: nil, systemAttributes: system,
                                      userAttributes: [:]))
        mutations.append(.event(kind: "lease.lost", study: id, trial: trialID,
                                detail: .object(["worker": .string(lease.worker), "epoch": .int(lease.epoch)])))
        recordFailure(of: lease.worker, now: now, into: &mutations)
        let frozen = runtime.study.trials[number]
        if runtime.state == .running, runtime.retryDepth(of: number) < runtime.spec.budget.maxRetries,
           let retry = try? runtime.study.enqueue(params: frozen.params) {
            let retryID = allocateTrialID()
            runtime.trialIDs.append(retryID)
            trialIndex[retryID.rawValue] = (id, retry)
            runtime.retryOf[retry] = number
            runtime.waiting += 1
            let history = retryHistory(runtime, number)
            let system: [String: AttributeValue] = [
                "retry_of": .int(number), "failed_trial": .int(number),
                "retry_history": .array(history.map { .int($0) }),
            ]
            mutations.append(.enqueueTrial(study: id, id: retryID, number: retry, params: frozen.params,
                                           systemAttributes: system, userAttributes: [:]))
        } else {
            runtime.counted += 1
        }
        updateCompletion(runtime, now: now, into: &mutations)
    }

    private func retryHistory(_ runtime: StudyRuntime, _ number: Int) -> [Int] {
        var history = [number]
        var current = number
        while let previous = runtime.retryOf[current], history.count < 64 {
            history.insert(previous, at: 0)
            current = previous
        }
        return history
    }

    /// Expires every lease whose deadline passed and stops studies whose time budget ran out.
    func sweep() -> StoreJournal.Ticket {
        let now = clock()
        var mutations: [StoreMutation] = []
        for id in studyOrder {
            guard let runtime = studies[id] else { continue }
            for (number, lease) in runtime.leases where lease.deadline < now {
                loseLease(study: id, number: number, reason: "lost", now: now, into: &mutations)
            }
            if runtime.state == .running, runtime.timedOut(at: now) {
                setState(runtime, .stopped, reason: "timeout", into: &mutations)
            }
        }
        return journal.append(mutations)
    }

    func setState(_ runtime: StudyRuntime, _ state: SweptWire.StudyState, reason: String,
                  into mutations: inout [StoreMutation]) {
        guard runtime.state != state else { return }
        runtime.state = state
        let name = state == .running ? "running" : state == .stopped ? "stopped" : "completed"
        mutations.append(.studySystemAttribute(study: runtime.id, key: StudyAttributes.state, value: .string(name)))
        mutations.append(.event(kind: "study.\(name)", study: runtime.id, trial: nil,
                                detail: .object(["reason": .string(reason)])))
    }

    /// Marks the study completed once its trial budget is used up and nothing runs.
    func updateCompletion(_ runtime: StudyRuntime, now: Double, into mutations: inout [StoreMutation]) {
        if runtime.state == .running, runtime.budgetDone {
            setState(runtime, .completed, reason: "budget", into: &mutations)
        } else if runtime.state == .running, runtime.failuresExhausted {
            setState(runtime, .stopped, reason: "max_failures", into: &mutations)
        }
    }

    func allocateTrialID() -> TrialID {
        defer { nextTrialID += 1 }
        return TrialID(rawValue: nextTrialID)
    }

    /// Lost leases so far.
    func lostLeaseCount() -> Int { lostLeases }
}

/// Keys of the study system attributes the coordinator keeps.
enum StudyAttributes {
    /// The study spec as JSON text.
    static let spec = "swept:spec"
    /// `running`, `stopped` or `completed`.
    static let state = "swept:state"
    /// When the study was launched, seconds since 1970 UTC (for the timeout budget).
    static let launchedAt = "swept:launched_at"
}
