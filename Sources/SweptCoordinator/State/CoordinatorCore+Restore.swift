import SweptStore
import SweptTuning
import SweptWire

extension CoordinatorCore {
    /// Rebuilds the live state from the store after a start or a crash: studies with their trials, leases
    /// (live ones get a fresh deadline), retries and budget counts, and the registered workers.
    ///
    /// - Returns: studies that could not be resumed, with the reason (they stay in the store untouched).
    func restore(from store: StudyStore) throws -> [String] {
        let now = clock()
        var skipped: [String] = []
        for record in try store.allStudies() {
            let loaded = try store.loadStudy(record.id)
            guard case .string(let specText)? = loaded.systemAttributes[StudyAttributes.spec] else {
                skipped.append("\(record.name): no coordinator spec (not launched through a coordinator)")
                continue
            }
            let spec: StudySpec
            let study: Study
            do {
                spec = try StudySpec.parseJSON(Array(specText.utf8), source: "study '\(record.name)' spec")
                study = try spec.makeStudy(clock: clock)
                try study.restore(loaded.trials)
            } catch {
                skipped.append("\(record.name): \(error)")
                continue
            }
            var launchedAt = now
            if case .double(let at)? = loaded.systemAttributes[StudyAttributes.launchedAt] { launchedAt = at }
            let runtime = StudyRuntime(id: record.id, spec: spec, study: study, startedAt: launchedAt)
            runtime.trialIDs = loaded.trialIDs
            switch loaded.systemAttributes[StudyAttributes.state] {
            case .string("stopped")?: runtime.state = .stopped
            case .string("completed")?: runtime.state = .completed
            default: runtime.state = .running
            }
            var leaseByTrial: [TrialID: Lease] = [:]
            for lease in loaded.leases { leaseByTrial[lease.trial] = lease }
            var retried: Set<Int> = []
            for trial in loaded.trials {
                if case .int(let previous)? = trial.systemAttributes["retry_of"] {
                    runtime.retryOf[trial.number] = previous
                    retried.insert(previous)
                }
                if case .string(let worker)? = trial.systemAttributes["swept_worker"] {
                    runtime.workerOf[trial.number] = worker
                }
            }
            for trial in loaded.trials {
                let id = runtime.trialIDs[trial.number]
                switch trial.state {
                case .waiting:
                    runtime.waiting += 1
                case .running:
                    if let lease = leaseByTrial[id] {
                        runtime.epochs[trial.number] = lease.epoch
                        if lease.state == .active {
                            runtime.leases[trial.number] = HeldLease(
                                worker: lease.worker, epoch: lease.epoch, deadline: now + settings.leaseTTL)
                            runtime.workerOf[trial.number] = lease.worker
                            continue
                        }
                    }
                    runtime.orphans.append(trial.number)
                case .fail where retried.contains(trial.number):
                    break
                case .complete, .pruned, .fail:
                    runtime.counted += 1
                }
            }
            // Released leases have no row in `loaded.leases` but keep their epoch in the store; a re-lease must
            // go above it.
            for number in runtime.orphans {
                if let lease = try store.lease(of: runtime.trialIDs[number]) {
                    runtime.epochs[number] = max(runtime.epochs[number] ?? 0, lease.epoch)
                }
            }
            install(runtime)
        }
        for record in try store.workers() {
            workers[record.id] = WorkerState(
                id: record.id, incarnation: UInt64(bitPattern: Int64(record.incarnation)),
                capabilities: WorkerCapabilities(slots: UInt32(max(record.slots, 1)), cores: 0, blasThreads: 0,
                                                 hostname: record.host),
                firstSeen: record.firstSeen, lastSeen: now)
        }
        return skipped
    }

    /// Summary counts for logs.
    func restoredCounts() -> (studies: Int, leases: Int, workers: Int) {
        (studies.count, studies.values.reduce(0) { $0 + $1.leases.count }, workers.count)
    }
}
