import SweptTuning
import Testing

@Suite("Grid sampler")
struct GridSamplerTests {
    static let space: [String: [ParamValue]] = ["b": [1, 2], "a": ["x", "y", "z"]]

    /// Runs one trial suggesting both grid parameters and tells `state`.
    @discardableResult
    static func runTrial(_ study: Study, state: TrialState = .complete) throws -> FrozenTrial {
        let trial = try study.ask()
        _ = try trial.suggestCategorical("a", choices: ["x", "y", "z"])
        _ = try trial.suggestInt("b", low: 1, high: 2)
        return state == .complete ? try study.tell(trial, value: 0) : try study.tell(trial, state: state)
    }

    @Test func productOfSortedNamesInValueOrderThenShuffled() throws {
        let sampler = try GridSampler(searchSpace: Self.space)
        #expect(sampler.paramNames == ["a", "b"])
        let expected: Set<[ParamValue]> = [["x", 1], ["x", 2], ["y", 1], ["y", 2], ["z", 1], ["z", 2]]
        #expect(Set(sampler.points) == expected)
        #expect(sampler.points.count == 6)
        #expect(try GridSampler(searchSpace: Self.space, seed: 0).points == sampler.points)
        let unshuffled: [[ParamValue]] = [["x", 1], ["x", 2], ["y", 1], ["y", 2], ["z", 1], ["z", 2]]
        let orders = try (0..<8).map { try GridSampler(searchSpace: Self.space, seed: UInt64($0)).points }
        #expect(Set(orders).count > 1)  // the seed changes the order
        #expect(orders.contains { $0 != unshuffled })
    }

    @Test func trialKTakesPointKAndTheGridExhausts() throws {
        let sampler = try GridSampler(searchSpace: Self.space, seed: 3)
        let study = Study(sampler: sampler)
        for k in 0..<6 {
            #expect(!study.isExhausted)
            let trial = try Self.runTrial(study, state: k == 1 ? .pruned : (k == 2 ? .fail : .complete))
            #expect(trial.params == sampler.point(k))
            #expect(trial.systemAttributes[GridSampler.gridIDKey] == .int(k))
        }
        #expect(study.isExhausted)  // pruned and failed points count as visited
        let repeated = try Self.runTrial(study)  // all done: a random repeat
        #expect(sampler.points.contains([repeated.params["a"], repeated.params["b"]].compactMap { $0 }))
    }

    @Test func beyondTheGridPrefersUnstartedThenUnfinishedPoints() throws {
        let sampler = try GridSampler(searchSpace: ["x": [1, 2, 3]])
        let study = Study(sampler: sampler)
        let running = try (0..<3).map { _ in try study.ask() }
        try study.tell(running[0], state: .fail)
        try study.tell(running[2], value: 1)
        let extra = try study.ask()  // point 1 is the only unfinished one
        #expect(try extra.frozen.systemAttributes[GridSampler.gridIDKey] == .int(1))
        #expect(!study.isExhausted)
        try study.tell(extra, value: 0)
        #expect(study.isExhausted)
        #expect(sampler.unvisitedPoints(study: study).isEmpty)
    }

    @Test func anEnqueuedTrialDoesNotConsumeAGridPoint() throws {
        let sampler = try GridSampler(searchSpace: Self.space)
        let study = Study(sampler: sampler)
        try study.enqueue(params: ["a": "z", "b": 2])
        let enqueued = try Self.runTrial(study)
        #expect(enqueued.params == ["a": "z", "b": 2])
        #expect(enqueued.systemAttributes[GridSampler.gridIDKey] == nil)
        for k in 1..<6 {
            #expect(try Self.runTrial(study).params == sampler.point(k))
        }
        #expect(!study.isExhausted)
        #expect(try Self.runTrial(study).params == sampler.point(0))
        #expect(study.isExhausted)
    }

    @Test func parametersOutsideTheGridAreErrors() throws {
        let study = Study(sampler: try GridSampler(searchSpace: ["x": [1, 5]]))
        let trial = try study.ask()
        let error = #expect(throws: TuningError.self) { try trial.suggestFloat("y", low: 0, high: 1) }
        #expect(error?.message.contains("'y'") == true)
        #expect(error?.message.contains("not in the grid") == true)
        let range = #expect(throws: TuningError.self) { try trial.suggestInt("x", low: 2, high: 4) }
        #expect(range?.message.contains("'x'") == true)
        #expect(throws: TuningError.self) { try GridSampler(searchSpace: ["x": []]) }
    }

    @Test func aRestoredStudyContinuesTheGrid() throws {
        let first = Study(sampler: try GridSampler(searchSpace: Self.space, seed: 9))
        for _ in 0..<4 { try Self.runTrial(first) }
        let sampler = try GridSampler(searchSpace: Self.space, seed: 9)
        let second = Study(sampler: sampler)
        try second.restore(first.trials)
        #expect(try Self.runTrial(second).params == sampler.point(4))
        #expect(try Self.runTrial(second).params == sampler.point(5))
        #expect(second.isExhausted)
    }
}
