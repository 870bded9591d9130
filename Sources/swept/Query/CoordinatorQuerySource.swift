import Foundation
import SweptCoordinator
import SweptStore
import SweptTuning
import SweptWire

/// Reads studies from a running coordinator (`--coordinator URL`): its in-memory view, which is what the store
/// holds plus nothing unacknowledged. Leases are not exposed over the wire; `trial show` names the trial's worker.
final class CoordinatorQuerySource: StudyQuerySource {
    private let url: String
    private let call: (RequestBody) async throws -> ReplyBody

    /// A source that sends requests through `call` (the CLI's `CoordinatorOptions.call`).
    init(url: String, call: @escaping (RequestBody) async throws -> ReplyBody) {
        self.url = url
        self.call = call
    }

    var label: String { "coordinator \(url)" }

    func summaries() async throws -> [SweptStore.StudySummary] {
        guard case .status(let status) = try await call(.status(StudyReference(study: nil))) else {
            throw CLIFailure.failure("\(label) did not answer status with a status reply")
        }
        return status.studies.map(Self.summary)
    }

    func summary(of study: StudyID) async throws -> SweptStore.StudySummary {
        guard let summary = try await summaries().first(where: { $0.study.id == study }) else {
            throw CLIFailure.user("\(label) has no study with id \(study.rawValue)")
        }
        return summary
    }

    func study(named name: String) async throws -> StudyRecord? {
        try await summaries().first { $0.study.name == name }?.study
    }

    func trials(in study: StudyID, states: Set<SweptTuning.TrialState>?) async throws -> [StoredTrial] {
        let name = try await summary(of: study).study.name
        let wanted = (states ?? []).map(SweptWire.TrialState.init).sorted { $0.rawValue < $1.rawValue }
        var trials: [StoredTrial] = []
        while true {
            let page = try await trialsPage(TrialsQuery(study: name, states: wanted, offset: UInt32(trials.count),
                                                       limit: 10_000))
            trials += page.trials.map { Self.stored($0, study: study) }
            if page.trials.isEmpty || UInt64(trials.count) >= page.total { return trials }
        }
    }

    func bestTrials(in study: StudyRecord, limit: Int) async throws -> [StoredTrial] {
        let reply = try await call(.best(BestQuery(study: study.name, limit: UInt32(clamping: limit))))
        guard case .trials(let page) = reply else {
            throw CLIFailure.failure("\(label) did not answer best with trials")
        }
        return page.trials.map { Self.stored($0, study: study.id) }
    }

    func trial(in study: StudyID, number: Int) async throws -> StoredTrial? {
        guard number >= 0, number < Int(UInt32.max) else { return nil }
        let name = try await summary(of: study).study.name
        let page = try await trialsPage(TrialsQuery(study: name, offset: UInt32(number), limit: 1,
                                                   withIntermediate: true))
        return page.trials.first { $0.number == Int64(number) }.map { Self.stored($0, study: study) }
    }

    func lease(of trial: TrialID) async throws -> Lease? { nil }

    private func trialsPage(_ query: TrialsQuery) async throws -> TrialPage {
        guard case .trials(let page) = try await call(.trials(query)) else {
            throw CLIFailure.failure("\(label) did not answer trials with a page of trials")
        }
        return page
    }

    private static func summary(_ wire: SweptWire.StudySummary) -> SweptStore.StudySummary {
        let record = StudyRecord(id: StudyID(rawValue: wire.studyID), name: wire.name,
                                 directions: wire.directions.map { $0 == .maximize ? .maximize : .minimize })
        var counts: [SweptTuning.TrialState: Int] = [:]
        for (state, count) in [(SweptTuning.TrialState.running, wire.counts.running), (.complete, wire.counts.complete),
                               (.pruned, wire.counts.pruned), (.fail, wire.counts.fail),
                               (.waiting, wire.counts.waiting)] where count > 0 {
            counts[state] = Int(count)
        }
        let best = wire.bestTrialNumber.map { number in
            StoredTrial(ref: TrialRef(id: TrialID(rawValue: -1), study: record.id, number: Int(number)),
                        trial: FrozenTrial(number: Int(number), state: .complete, values: wire.bestValues))
        }
        return SweptStore.StudySummary(study: record, counts: counts, bestTrial: best, startedAt: nil)
    }

    private static func stored(_ wire: TrialSummary, study: StudyID) -> StoredTrial {
        var params: [String: ParamValue] = [:]
        for parameter in wire.parameters { params[parameter.name] = parameter.value.paramValue }
        let state = wire.state.tuningState
        var intermediate: [Int: Double] = [:]
        for item in wire.intermediate { intermediate[Int(item.step)] = item.value }
        if intermediate.isEmpty, let step = wire.lastStep, state == .pruned, let value = wire.values.first {
            intermediate[Int(step)] = value
        }
        var system: [String: AttributeValue] = [:]
        if let worker = wire.worker { system["swept_worker"] = .string(worker) }
        if let reason = wire.failReason { system["fail_reason"] = .string(reason) }
        if let retryOf = wire.retryOf { system["retry_of"] = .int(Int(retryOf)) }
        let trial = FrozenTrial(
            number: Int(wire.number), state: state, values: state == .complete ? wire.values : nil, params: params,
            intermediateValues: intermediate, systemAttributes: system, startedAt: wire.startedAt,
            completedAt: wire.completedAt)
        return StoredTrial(ref: TrialRef(id: TrialID(rawValue: wire.trialID), study: study, number: Int(wire.number)),
                           trial: trial)
    }
}
