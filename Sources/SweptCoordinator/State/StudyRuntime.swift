import SweptStore
import SweptTuning
import SweptWire

/// A lease as the coordinator holds it in memory.
struct HeldLease: Sendable, Equatable {
    /// The worker holding it.
    var worker: String
    /// The fencing epoch.
    var epoch: Int
    /// Seconds since 1970 UTC after which the lease is lost.
    var deadline: Double
}

/// One study's live state: the in-memory ask/tell study plus leases, retries and budget accounting.
///
/// Confined to the coordinator's actor. Every change here is mirrored by a `StoreMutation` appended in the same
/// synchronous step, so memory and store never disagree about order.
final class StudyRuntime {
    /// The study's row id.
    let id: StudyID
    /// What the study runs.
    let spec: StudySpec
    /// The ask/tell study (sampler, pruner, trials).
    let study: Study
    /// Running, stopped or completed.
    var state: SweptWire.StudyState = .running
    /// When the study was launched (or, after a restart, resumed), for the timeout budget.
    var startedAt: Double
    /// Trial row ids by number.
    var trialIDs: [TrialID] = []
    /// Live leases by trial number.
    var leases: [Int: HeldLease] = [:]
    /// The last epoch granted per trial number.
    var epochs: [Int: Int] = [:]
    /// RUNNING trials without a lease (released ones), handed out again first.
    var orphans: [Int] = []
    /// Which trial each retry repeats.
    var retryOf: [Int: Int] = [:]
    /// The worker that ran (or runs) each trial.
    var workerOf: [Int: String] = [:]
    /// Finished trials that count against the trial budget (a lost trial that was retried does not).
    var counted = 0
    /// WAITING trials.
    var waiting = 0

    init(id: StudyID, spec: StudySpec, study: Study, startedAt: Double) {
        self.id = id
        self.spec = spec
        self.study = study
        self.startedAt = startedAt
    }

    /// Trials RUNNING now (leased or orphaned).
    var running: Int { leases.count + orphans.count }

    /// Whether a new trial may be sampled under the trial budget.
    var mayStartNew: Bool {
        guard let limit = spec.budget.trials else { return true }
        return counted + running + waiting < limit
    }

    /// Whether one more trial may run under the budget's `parallel` limit.
    var belowParallelLimit: Bool {
        guard let limit = spec.budget.parallel else { return true }
        return running < limit
    }

    /// Whether the study has used up its `max_failures` budget.
    var failuresExhausted: Bool {
        guard let limit = spec.budget.maxFailures, study.failedTrialCount >= limit else { return false }
        // A lost trial that was retried does not count: its retry carries the outcome. Checked on every finish, so
        // this looks at the retried trials only, not at every trial.
        let trials = study.trials
        let retriedFailures = Set(retryOf.values).filter { $0 < trials.count && trials[$0].state == .fail }.count
        return study.failedTrialCount - retriedFailures >= limit
    }

    /// Whether everything the budget asked for has finished.
    var budgetDone: Bool {
        guard let limit = spec.budget.trials else { return false }
        return counted >= limit && running == 0 && waiting == 0
    }

    /// Whether the timeout budget has run out at `now`.
    func timedOut(at now: Double) -> Bool {
        guard let timeout = spec.budget.timeoutSeconds else { return false }
        return now - startedAt >= timeout
    }

    /// How many times trial `number`'s parameters have been retried before it.
    func retryDepth(of number: Int) -> Int {
        var depth = 0
        var current = number
        while let previous = retryOf[current], depth <= spec.budget.maxRetries + 1 {
            depth += 1
            current = previous
        }
        return depth
    }

    /// Counts per state for status replies.
    var counts: TrialCounts {
        var counts = TrialCounts()
        for trial in study.trials {
            switch trial.state {
            case .running: counts.running += 1
            case .complete: counts.complete += 1
            case .pruned: counts.pruned += 1
            case .fail: counts.fail += 1
            case .waiting: counts.waiting += 1
            }
        }
        return counts
    }

    /// The wire summary of trial `number` (with every intermediate value when `withIntermediate`).
    func summary(of number: Int, now: Double, withIntermediate: Bool = false) -> TrialSummary {
        let trial = study.trials[number]
        var values = trial.values ?? []
        if values.isEmpty, trial.state == .pruned, let last = trial.lastStep, let value = trial.intermediateValues[last] {
            values = [value]
        }
        let end = trial.completedAt ?? now
        let duration = trial.startedAt.map { UInt64(max(0, (end - $0) * 1000)) } ?? 0
        var failReason: String?
        if case .string(let reason)? = trial.systemAttributes["fail_reason"] { failReason = reason }
        let intermediate = withIntermediate
            ? trial.intermediateValues.keys.sorted().map { StepValue(step: Int64($0), value: trial.intermediateValues[$0] ?? .nan) }
            : []
        return TrialSummary(
            trialID: trialIDs[number].rawValue, number: Int64(number), state: SweptWire.TrialState(trial.state),
            values: values, parameters: wireParameters(trial.params), lastStep: trial.lastStep.map(Int64.init),
            durationMillis: duration, worker: workerOf[number], retryOf: retryOf[number].map(Int64.init),
            startedAt: trial.startedAt, completedAt: trial.completedAt, failReason: failReason,
            intermediate: intermediate)
    }
}
