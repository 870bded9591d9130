import Foundation
import SweptStore
import SweptTuning

/// The applier's cost alone: the changes the coordinator logs for tiny trials (the coordinator bench's shape:
/// three parameters and a lease at the start, five reports, a COMPLETE finish naming its worker), eight trials in
/// flight at once, one logged batch per change, committed to SQLite `perApply` batches per transaction as the
/// applier does (`changesPerTransaction`: one apply interval's changes at ~9,600 requests per second). The
/// fastest of `rounds` fresh stores counts: the work is the same each round, so the minimum is the figure least
/// disturbed by whatever else the machine runs.
enum ApplyBench {
    /// Changes one applier transaction holds when requests arrive at ~9,600 per second (one change each).
    static func changesPerTransaction(intervalMillis: UInt32) -> Int {
        max(Int(intervalMillis) * 96 / 10, 1)
    }

    static func microsecondsPerTrial(synchronous: StoreOptions.Synchronous, trials: Int = 4_000, perApply: Int,
                                     rounds: Int = 3) async throws -> (perTrial: Double, perChange: Double) {
        var best = (perTrial: Double.infinity, perChange: Double.infinity)
        for _ in 0..<rounds {
            let round = try await measure(synchronous: synchronous, trials: trials, perApply: perApply)
            if round.perTrial < best.perTrial { best = round }
        }
        return best
    }

    private static func measure(synchronous: StoreOptions.Synchronous, trials: Int,
                                perApply: Int) async throws -> (perTrial: Double, perChange: Double) {
        let scratch = try ScratchDirectory("apply")
        defer { scratch.remove() }
        let store = try StudyStore.open(at: scratch.file("apply.db"), options: StoreOptions(synchronous: synchronous))
        let study = try await store.createStudy(named: "apply")
        let changes = try stream(study: study.id, trials: trials)
        let start = monotonicSeconds()
        var sequence: UInt64 = 0
        var index = 0
        while index < changes.count {
            let end = min(index + perApply, changes.count)
            let batches = changes[index..<end].map { change -> LoggedBatch in
                sequence += 1
                return LoggedBatch(firstSequence: sequence, decidedAt: 1.8e9, mutations: [change])
            }
            let refused = try store.applyLogged(batches).compactMap { $0 }
            if let first = refused.first { throw first }
            index = end
        }
        let elapsed = monotonicSeconds() - start
        try await store.close()
        return (elapsed / Double(trials) * 1e6, elapsed / Double(changes.count) * 1e6)
    }

    /// The changes of `trials` trials, eight at a time, interleaved change by change as eight workers send them.
    private static func stream(study: StudyID, trials: Int) throws -> [StoreMutation] {
        let space: [String: Distribution] = [
            "x": .float(try FloatDistribution(low: -5, high: 5)),
            "y": .float(try FloatDistribution(low: -5, high: 5)),
            "n": .int(try IntDistribution(low: 1, high: 8)),
        ]
        var random = TuningRandom(seed: 7)
        let steps = 5
        var lanes: [[StoreMutation]] = Array(repeating: [], count: 8)
        var changes: [StoreMutation] = []
        for number in 0..<trials {
            let id = TrialID(rawValue: Int64(number + 1))
            let params: [String: ParamValue] = [
                "x": .float(random.uniform(-5, 5)), "y": .float(random.uniform(-5, 5)),
                "n": .int(1 + random.index(below: 8)),
            ]
            var trial: [StoreMutation] = [.startTrial(StartedTrial(
                study: study, id: id, number: number, fresh: true, params: params, distributions: space,
                systemAttributes: [:], startedAt: 1.8e9, worker: "bench-worker-\(number % 8)", epoch: 1,
                deadline: 1.8e9 + 30))]
            for step in 0..<steps { trial.append(.report(trial: id, step: step, value: random.uniform(0, 1))) }
            trial.append(.finishTrial(trial: id, state: .complete, values: [random.uniform(0, 1)],
                                      systemAttributes: ["swept_worker": .string("bench-worker-\(number % 8)")],
                                      userAttributes: [:]))
            lanes[number % 8] += trial
            if number % 8 == 7 || number == trials - 1 {
                for position in 0..<(steps + 2) {
                    for lane in lanes where position < lane.count { changes.append(lane[position]) }
                }
                lanes = Array(repeating: [], count: 8)
            }
        }
        return changes
    }
}
