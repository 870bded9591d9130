import SweptStore
import SweptTuning
import SweptWire

extension CoordinatorCore {
    /// Reserves a study name for a launch; the reply when the launch is answered at once (resume or conflict).
    func beginLaunch(_ spec: StudySpec, resume: Bool) -> Decision? {
        if let id = studiesByName[spec.name], studies[id] != nil {
            guard resume else {
                return .error(.conflict, "launchStudy: a study named '\(spec.name)' exists; pass resume to continue it")
            }
            return Decision(.studyLaunched(StudyLaunched(studyID: id.rawValue, studyName: spec.name,
                                                         created: false)))
        }
        if pendingLaunches.contains(spec.name) {
            return .error(.unavailable, "launchStudy: study '\(spec.name)' is being created; retry")
        }
        pendingLaunches.insert(spec.name)
        return nil
    }

    /// Installs a study just created in the store.
    func finishLaunch(_ spec: StudySpec, record: StudyRecord?) throws -> Decision {
        pendingLaunches.remove(spec.name)
        guard let record else {
            return .error(.internal, "launchStudy: study '\(spec.name)' could not be created")
        }
        let runtime = StudyRuntime(id: record.id, spec: spec, study: try spec.makeStudy(clock: clock), startedAt: clock())
        install(runtime)
        return Decision(.studyLaunched(StudyLaunched(studyID: record.id.rawValue, studyName: spec.name, created: true)))
    }

    /// Abandons a reserved launch.
    func cancelLaunch(_ name: String) {
        pendingLaunches.remove(name)
    }

    func install(_ runtime: StudyRuntime) {
        studies[runtime.id] = runtime
        studyOrder.append(runtime.id)
        studiesByName[runtime.spec.name] = runtime.id
        for (number, id) in runtime.trialIDs.enumerated() { trialIndex[id.rawValue] = (runtime.id, number) }
    }

    func status(_ request: StudyReference) -> Decision {
        let now = clock()
        var summaries: [SweptWire.StudySummary] = []
        for id in studyOrder {
            guard let runtime = studies[id] else { continue }
            if let name = request.study, name != runtime.spec.name { continue }
            var bestNumber: Int64?
            var bestValues: [Double] = []
            if runtime.study.directions.count == 1, let best = try? runtime.study.bestTrial {
                bestNumber = Int64(best.number)
                bestValues = best.values ?? []
            }
            summaries.append(SweptWire.StudySummary(
                studyID: id.rawValue, name: runtime.spec.name, state: runtime.state,
                directions: runtime.study.directions.map(SweptWire.StudyDirection.init), counts: runtime.counts,
                bestTrialNumber: bestNumber, bestValues: bestValues))
        }
        if let name = request.study, summaries.isEmpty {
            return .error(.unknownStudy, "status: no study named '\(name)'")
        }
        let workerSummaries = workers.values.sorted { $0.id < $1.id }.map { worker in
            let busy = studies.values.reduce(0) { total, runtime in
                total + runtime.leases.values.filter { $0.worker == worker.id }.count
            }
            return WorkerSummary(
                workerID: worker.id, incarnation: worker.incarnation, hostname: worker.capabilities.hostname,
                slots: worker.capabilities.slots, busySlots: UInt32(busy),
                lastSeenMillisAgo: UInt64(max(0, (now - worker.lastSeen) * 1000)),
                quarantined: worker.isQuarantined(at: now))
        }
        return Decision(.status(ClusterStatus(studies: summaries, workers: workerSummaries)))
    }

    func trials(_ request: TrialsQuery) -> Decision {
        guard let id = studiesByName[request.study], let runtime = studies[id] else {
            return .error(.unknownStudy, "trials: no study named '\(request.study)'")
        }
        let now = clock()
        let states = Set(request.states.map(\.tuningState))
        let matching = runtime.study.trials.filter { states.isEmpty || states.contains($0.state) }
        let page = matching.dropFirst(Int(request.offset)).prefix(Int(min(request.limit, 10_000)))
        return Decision(.trials(TrialPage.filling(total: UInt64(matching.count), page.lazy.map {
            runtime.summary(of: $0.number, now: now, withIntermediate: request.withIntermediate)
        })))
    }

    func best(_ request: BestQuery) -> Decision {
        guard let id = studiesByName[request.study], let runtime = studies[id] else {
            return .error(.unknownStudy, "best: no study named '\(request.study)'")
        }
        let now = clock()
        var best: [FrozenTrial]
        if runtime.study.directions.count == 1 {
            let sign = runtime.study.direction == .maximize ? -1.0 : 1.0
            best = runtime.study.trials.filter { $0.state == .complete && $0.value != nil }
                .sorted { (sign * ($0.value ?? 0), $0.number) < (sign * ($1.value ?? 0), $1.number) }
        } else {
            best = runtime.study.bestTrials
        }
        let limited = best.prefix(Int(max(request.limit, 1)))
        return Decision(.trials(TrialPage.filling(total: UInt64(best.count), limited.lazy.map {
            runtime.summary(of: $0.number, now: now)
        })))
    }

    func stop(_ request: StudyReference) -> Decision {
        guard let name = request.study, let id = studiesByName[name], let runtime = studies[id] else {
            return .error(.unknownStudy, "stopStudy: no study named '\(request.study ?? "")'")
        }
        var mutations: [StoreMutation] = []
        if runtime.state == .running { setState(runtime, .stopped, reason: "user", into: &mutations) }
        return Decision(.acknowledged, journal.append(mutations))
    }

    func enqueue(_ request: EnqueueTrial) -> Decision {
        guard let id = studiesByName[request.study], let runtime = studies[id] else {
            return .error(.unknownStudy, "enqueueTrial: no study named '\(request.study)'")
        }
        var params: [String: ParamValue] = [:]
        for parameter in request.parameters { params[parameter.name] = parameter.value.paramValue }
        let number: Int?
        do {
            number = try runtime.study.enqueue(params: params, searchSpace: runtime.spec.distributions,
                                               skipIfExists: request.skipIfExists)
        } catch {
            return .error(.invalidArgument, "enqueueTrial in study '\(request.study)': \(error)")
        }
        guard let number else {
            let existing = runtime.study.trials.last { trial in
                let known = trial.state == .waiting ? (trial.fixedParams ?? [:]) : trial.params
                return params.allSatisfy { known[$0.key] == $0.value }
            }
            let existingNumber = existing?.number ?? 0
            return Decision(.enqueued(Enqueued(trialID: runtime.trialIDs[existingNumber].rawValue,
                                               number: Int64(existingNumber), created: false)))
        }
        let trialID = allocateTrialID()
        runtime.trialIDs.append(trialID)
        trialIndex[trialID.rawValue] = (id, number)
        runtime.waiting += 1
        let mutations: [StoreMutation] = [
            .enqueueTrial(study: id, id: trialID, number: number, params: params, systemAttributes: [:],
                          userAttributes: [:]),
        ]
        return Decision(.enqueued(Enqueued(trialID: trialID.rawValue, number: Int64(number), created: true)),
                        journal.append(mutations))
    }
}
