import SweptConfig
import SweptStore
import SweptTuning
import SweptWire

extension CoordinatorCore {
    /// Hands out a trial, or says why not. A `noneReady` reply may be retried by the server until the wait bound.
    func acquire(_ header: WireHeader, _ request: AcquireTrial) -> Decision {
        let now = clock()
        guard let worker = worker(for: header, now: now) else { return Self.notRegistered(header) }
        if worker.isQuarantined(at: now) {
            let left = (worker.quarantinedUntil ?? now) - now
            return Decision(.noTrial(NoTrial(reason: .quarantined, retryAfterMillis: UInt32(min(left * 1000, 60_000)))))
        }
        var candidates: [StudyRuntime]
        if let name = request.study {
            guard let id = studiesByName[name], let runtime = studies[id] else {
                return .error(.unknownStudy, "acquireTrial: no study named '\(name)'")
            }
            candidates = [runtime]
        } else {
            candidates = studyOrder.compactMap { studies[$0] }
            if !candidates.isEmpty {
                let start = roundRobin % candidates.count
                candidates = Array(candidates[start...] + candidates[..<start])
                roundRobin &+= 1
            }
        }
        var mutations: [StoreMutation] = []
        var anyRunning = false
        for runtime in candidates where runtime.state == .running {
            if runtime.timedOut(at: now) {
                setState(runtime, .stopped, reason: "timeout", into: &mutations)
                continue
            }
            anyRunning = true
            if let assignment = start(runtime, worker: header.senderID, now: now, into: &mutations) {
                return Decision(.assigned(assignment), journal.append(mutations))
            }
        }
        let retry = UInt32(min(settings.heartbeatIntervalMillis, 500))
        let reason: NoTrialReason
        if anyRunning {
            reason = .noneReady
        } else if request.study != nil {
            reason = .studyFinished
        } else {
            reason = studies.isEmpty ? .noStudies : .studyFinished
        }
        return Decision(.noTrial(NoTrial(reason: reason, retryAfterMillis: retry)), journal.append(mutations))
    }

    /// Starts (or re-leases) one trial of `runtime` for `worker`, or returns nil when none may start now.
    private func start(_ runtime: StudyRuntime, worker: String, now: Double,
                       into mutations: inout [StoreMutation]) -> TrialAssignment? {
        let deadline = now + settings.leaseTTL
        if !runtime.orphans.isEmpty {
            let number = runtime.orphans.removeFirst()
            let epoch = max(runtime.epochs[number] ?? 0, epochFloor) + 1
            runtime.epochs[number] = epoch
            runtime.leases[number] = HeldLease(worker: worker, epoch: epoch, deadline: deadline)
            runtime.workerOf[number] = worker
            mutations.append(.setLease(trial: runtime.trialIDs[number], worker: worker, epoch: epoch,
                                       deadline: deadline, state: .active))
            return assignment(runtime, number: number, epoch: epoch)
        }
        guard runtime.waiting > 0 || runtime.mayStartNew, runtime.belowParallelLimit else { return nil }
        let previousCount = runtime.study.trials.count
        let trial: Trial
        do {
            trial = try runtime.study.ask()
        } catch {
            return nil
        }
        let number = trial.number
        let fresh = number == previousCount
        if fresh {
            let id = allocateTrialID()
            runtime.trialIDs.append(id)
            trialIndex[id.rawValue] = (runtime.id, number)
        } else {
            runtime.waiting -= 1
        }
        var suggested: [String: ParamValue] = [:]
        for parameter in runtime.spec.space where parameter.isActive(given: suggested) {
            do {
                suggested[parameter.name] = try trial.suggest(parameter.name, parameter.distribution)
            } catch {
                // A fixed (enqueued) value that does not fit the space: the trial fails, as in Optuna.
                let reason = "parameter '\(parameter.name)': \(error)"
                _ = try? runtime.study.tell(number, state: .fail)
                runtime.counted += 1
                let id = runtime.trialIDs[number]
                if fresh {
                    mutations.append(.startTrial(StartedTrial(
                        study: runtime.id, id: id, number: number, fresh: true, params: [:], distributions: [:],
                        systemAttributes: [:], startedAt: now, worker: worker, epoch: 1, deadline: deadline)))
                }
                mutations.append(.finishTrial(trial: id, state: .fail, values: nil,
                                              systemAttributes: ["fail_reason": .string(reason)], userAttributes: [:]))
                updateCompletion(runtime, now: now, into: &mutations)
                return nil
            }
        }
        let frozen = runtime.study.trials[number]
        var system = frozen.systemAttributes
        system[FrozenTrial.fixedParamsKey] = nil
        for key in ["retry_of", "failed_trial", "retry_history"] { system[key] = nil }
        let epoch = max(runtime.epochs[number] ?? 0, epochFloor) + 1
        runtime.epochs[number] = epoch
        runtime.leases[number] = HeldLease(worker: worker, epoch: epoch, deadline: deadline)
        runtime.workerOf[number] = worker
        mutations.append(.startTrial(StartedTrial(
            study: runtime.id, id: runtime.trialIDs[number], number: number, fresh: fresh, params: frozen.params,
            distributions: frozen.distributions, systemAttributes: system, startedAt: now, worker: worker,
            epoch: epoch, deadline: deadline)))
        return assignment(runtime, number: number, epoch: epoch)
    }

    private func assignment(_ runtime: StudyRuntime, number: Int, epoch: Int) -> TrialAssignment {
        TrialAssignment(
            studyID: runtime.id.rawValue, studyName: runtime.spec.name, trialID: runtime.trialIDs[number].rawValue,
            number: Int64(number), leaseEpoch: UInt64(epoch), leaseTTLMillis: settings.leaseTTLMillis,
            parameters: wireParameters(runtime.study.trials[number].params), objective: runtime.spec.objective)
    }

    /// The study and number of a trial whose lease `sender` holds under `epoch`, or nil (stale: revoked).
    private func leased(_ trialID: Int64, epoch: UInt64, sender: String) -> (StudyRuntime, Int)? {
        guard let (id, number) = trialIndex[trialID], let runtime = studies[id],
              let lease = runtime.leases[number], lease.worker == sender, UInt64(lease.epoch) == epoch,
              runtime.study.trials[number].state == .running else { return nil }
        return (runtime, number)
    }

    func report(_ header: WireHeader, _ request: IntermediateReport) -> Decision {
        let now = clock()
        guard worker(for: header, now: now) != nil else { return Self.notRegistered(header) }
        guard trialIndex[request.trialID] != nil else {
            return .error(.unknownTrial, "reportIntermediate: no trial with id \(request.trialID)")
        }
        guard let (runtime, number) = leased(request.trialID, epoch: request.leaseEpoch, sender: header.senderID) else {
            return Decision(.verdict(TrialVerdict(trialID: request.trialID, decision: .revoked)))
        }
        guard request.step >= 0, request.step <= Int64(Int32.max) else {
            return .error(.invalidArgument, "reportIntermediate: step must be in 0...\(Int32.max), got \(request.step)")
        }
        runtime.leases[number]?.deadline = now + settings.leaseTTL
        let step = Int(request.step)
        // At most one change: no array is built for it.
        var recorded: StoreMutation?
        if runtime.study.directions.count == 1, (try? runtime.study.report(trial: number, value: request.value,
                                                                            step: step)) == true {
            recorded = .report(trial: runtime.trialIDs[number], step: step, value: request.value)
        }
        let decision: TrialDecision
        if runtime.state != .running {
            decision = .stop
        } else if runtime.study.directions.count == 1, (try? runtime.study.shouldPrune(trial: number)) == true {
            decision = .prune
        } else {
            decision = .continue
        }
        let ticket = recorded.map { journal.append(CollectionOfOne($0)) } ?? .empty
        return Decision(.verdict(TrialVerdict(trialID: request.trialID, decision: decision)), ticket)
    }

    func finish(_ header: WireHeader, _ request: TrialFinish) -> Decision {
        let now = clock()
        guard worker(for: header, now: now) != nil else { return Self.notRegistered(header) }
        guard trialIndex[request.trialID] != nil else {
            return .error(.unknownTrial, "finishTrial: no trial with id \(request.trialID)")
        }
        guard let (runtime, number) = leased(request.trialID, epoch: request.leaseEpoch, sender: header.senderID) else {
            return Decision(.verdict(TrialVerdict(trialID: request.trialID, decision: .revoked)))
        }
        let frozen: FrozenTrial
        var system: [String: AttributeValue] = ["swept_worker": .string(header.senderID)]
        if case .fail(let reason) = request.outcome { system["fail_reason"] = .string(reason) }
        var user: [String: AttributeValue] = [:]
        for attribute in request.attributes { user[attribute.key] = .string(attribute.value) }
        for (key, value) in system { try? runtime.study.setSystemAttribute(trial: number, key: key, value: value) }
        for (key, value) in user { try? runtime.study.setUserAttribute(trial: number, key: key, value: value) }
        do {
            switch request.outcome {
            case .complete(let values):
                frozen = try runtime.study.tell(number, values: values)
            case .fail:
                frozen = try runtime.study.tell(number, state: .fail)
            case .pruned:
                frozen = try runtime.study.tell(number, state: .pruned)
            }
        } catch {
            return .error(.invalidArgument, "finishTrial of trial \(number): \(error)")
        }
        if let reason = frozen.systemAttributes["fail_reason"], system["fail_reason"] == nil {
            system["fail_reason"] = reason
        }
        runtime.leases[number] = nil
        runtime.counted += 1
        var mutations: [StoreMutation] = [
            .finishTrial(trial: runtime.trialIDs[number], state: frozen.state, values: frozen.values,
                         systemAttributes: system, userAttributes: user),
        ]
        if frozen.state == .fail { recordFailure(of: header.senderID, now: now, into: &mutations) }
        updateCompletion(runtime, now: now, into: &mutations)
        return Decision(.acknowledged, journal.append(mutations))
    }

    func heartbeat(_ header: WireHeader, _ request: Heartbeat) -> Decision {
        let now = clock()
        guard worker(for: header, now: now) != nil else { return Self.notRegistered(header) }
        let verdicts = request.leases.map { lease -> TrialVerdict in
            guard let (runtime, number) = leased(lease.trialID, epoch: lease.leaseEpoch, sender: header.senderID) else {
                return TrialVerdict(trialID: lease.trialID, decision: .revoked)
            }
            runtime.leases[number]?.deadline = now + settings.leaseTTL
            return TrialVerdict(trialID: lease.trialID, decision: runtime.state == .running ? .continue : .stop)
        }
        return Decision(.heartbeatAck(HeartbeatAck(leaseTTLMillis: settings.leaseTTLMillis, verdicts: verdicts)))
    }

    func release(_ header: WireHeader, _ request: TrialRelease) -> Decision {
        let now = clock()
        guard worker(for: header, now: now) != nil else { return Self.notRegistered(header) }
        guard trialIndex[request.trialID] != nil else {
            return .error(.unknownTrial, "releaseTrial: no trial with id \(request.trialID)")
        }
        guard let (runtime, number) = leased(request.trialID, epoch: request.leaseEpoch, sender: header.senderID) else {
            return Decision(.verdict(TrialVerdict(trialID: request.trialID, decision: .revoked)))
        }
        guard let lease = runtime.leases.removeValue(forKey: number) else { return Decision(.acknowledged) }
        runtime.orphans.append(number)
        let id = runtime.trialIDs[number]
        let mutations: [StoreMutation] = [
            .setLease(trial: id, worker: lease.worker, epoch: lease.epoch, deadline: now, state: .released),
            .event(kind: "lease.released", study: runtime.id, trial: id,
                   detail: .object(["worker": .string(lease.worker), "reason": .string(request.reason)])),
        ]
        return Decision(.acknowledged, journal.append(mutations))
    }
}
