import SweptTuning
import Testing

@Suite("Enqueue and restore")
struct QueueAndRestoreTests {
    @Test func askClaimsWaitingTrialsFirstAndUsesTheirParams() throws {
        let study = Study(sampler: RandomSampler(seed: 1))
        #expect(try study.enqueue(params: ["x": 0.5, "n": 3], userAttributes: ["source": .string("manual")]) == 0)
        #expect(try study.enqueue(params: ["x": 0.25]) == 1)
        #expect(study.trials.map(\.state) == [.waiting, .waiting])
        let first = try study.ask()
        #expect(first.number == 0)
        #expect(try first.suggestFloat("x", low: 0, high: 1) == 0.5)
        #expect(try first.suggestInt("n", low: 0, high: 5) == 3)
        #expect(try first.frozen.userAttributes["source"] == .string("manual"))
        let second = try study.ask()
        #expect(second.number == 1)
        #expect(try second.suggestFloat("x", low: 0, high: 1) == 0.25)
        let n = try second.suggestInt("n", low: 0, high: 5)  // not fixed: sampled
        #expect((0...5).contains(n))
        #expect(try study.ask().number == 2)
        #expect(throws: TuningError.self) { try study.tell(3, values: [1]) }
    }

    @Test func waitingTrialsCannotBeTold() throws {
        let study = Study()
        try study.enqueue(params: ["x": 1])
        let error = #expect(throws: TuningError.self) { try study.tell(0, values: [1]) }
        #expect(error?.message.contains("WAITING") == true)
    }

    @Test func fixedValuesAreValidatedAtSuggest() throws {
        let study = Study()
        try study.enqueue(params: ["x": 5, "c": "purple"])
        let trial = try study.ask()
        let range = #expect(throws: TuningError.self) { try trial.suggestFloat("x", low: 0, high: 1) }
        #expect(range?.message.hasPrefix("parameter 'x'") == true)
        #expect(range?.message.contains("outside") == true)
        let choice = #expect(throws: TuningError.self) { try trial.suggestCategorical("c", choices: ["red", "blue"]) }
        #expect(choice?.message.contains("'c'") == true)
        #expect(choice?.message.contains("'purple'") == true)
    }

    @Test func enqueueChecksNamesAndValuesItCanKnow() throws {
        let study = Study(sampler: RandomSampler(seed: 4))
        let space: [String: Distribution] = ["x": .float(try FloatDistribution(low: 0, high: 1))]
        let unknown = #expect(throws: TuningError.self) { try study.enqueue(params: ["y": 1], searchSpace: space) }
        #expect(unknown?.code == .unknownParameter)
        #expect(unknown?.message.contains("'y'") == true)
        #expect(throws: TuningError.self) { try study.enqueue(params: ["x": 2], searchSpace: space) }
        let trial = try study.ask()
        _ = try trial.suggestCategorical("act", choices: ["relu", "tanh"])
        try study.tell(trial, value: 1)
        let known = #expect(throws: TuningError.self) { try study.enqueue(params: ["act": "gelu"]) }
        #expect(known?.message.contains("'act'") == true)
        #expect(study.trials.count == 1)  // nothing was enqueued by the failed calls
    }

    @Test func skipIfExists() throws {
        let study = Study()
        #expect(try study.enqueue(params: ["x": 1]) == 0)
        #expect(try study.enqueue(params: ["x": 1], skipIfExists: true) == nil)
        #expect(try study.enqueue(params: ["x": 2], skipIfExists: true) == 1)
    }

    @Test func restoreRebuildsEveryIndex() throws {
        let original = Study(sampler: RandomSampler(seed: 8), pruner: try MedianPruner(nStartupTrials: 0))
        for value in [3.0, 1, 2] {
            let trial = try original.ask()
            _ = try trial.suggestFloat("x", low: 0, high: 1)
            try trial.report(value, step: 0)
            try original.tell(trial, value: value)
        }
        let running = try original.ask()
        _ = try running.suggestFloat("x", low: 0, high: 1)
        try running.report(5, step: 0)
        try original.enqueue(params: ["x": 0.5])

        let restored = Study(sampler: RandomSampler(seed: 8), pruner: try MedianPruner(nStartupTrials: 0))
        try restored.restore(original.trials.reversed())
        #expect(restored.trials == original.trials)
        #expect(restored.completedTrialCount == 3)
        #expect(restored.paramDistributions == original.paramDistributions)
        #expect(restored.completedValues(atStep: 0) == StepValues(sorted: [1, 2, 3]))
        #expect(try restored.bestTrial.number == 1)
        let resumed = try restored.trial(3)
        #expect(try resumed.shouldPrune())  // 5 > median 2
        #expect(throws: TuningError.self) { try resumed.suggestInt("x", low: 0, high: 1) }  // kind rule survives
        try restored.tell(resumed, state: .pruned)
        #expect(try restored.ask().number == 4)  // the WAITING trial is claimed first
        #expect(throws: TuningError.self) { try restored.trial(0) }
    }

    @Test func restoreRejectsBadNumbering() throws {
        let study = Study()
        let error = #expect(throws: TuningError.self) {
            try study.restore([FrozenTrial(number: 0), FrozenTrial(number: 2)])
        }
        #expect(error?.message.contains("0..<2") == true)
        #expect(throws: TuningError.self) { try study.restore([FrozenTrial(number: 0), FrozenTrial(number: 0)]) }
        #expect(study.trials.isEmpty)
    }

    @Test func stepValuesStaySortedAsTrialsComplete() throws {
        let study = Study(sampler: RandomSampler(seed: 1), pruner: NopPruner())
        var random = TuningRandom(seed: 11)
        var reported: [Double] = []
        for index in 0..<200 {
            let trial = try study.ask()
            let value = index % 17 == 0 ? Double.nan : random.uniform(-1, 1)
            try trial.report(value, step: 4)
            if index % 5 == 0 {
                try study.tell(trial, state: .pruned)  // not a reference
            } else {
                if !value.isNaN { reported.append(value) }
                try study.tell(trial, value: 0)
            }
        }
        let step = study.completedValues(atStep: 4)
        #expect(Array(step.sorted) == reported.sorted())
        #expect(step.nanCount == 200 / 17 + 1 - 3)  // NaN at 0, 85, 170 fall on pruned trials
        #expect(study.completedValues(atStep: 5) == StepValues())

        // Restoring builds the same per-step index in one pass (values and NaN counts), in order or not.
        for trials in [study.trials, study.trials.reversed()] {
            let restored = Study(sampler: RandomSampler(seed: 1), pruner: NopPruner())
            try restored.restore(trials)
            #expect(restored.completedValues(atStep: 4) == step)
            #expect(restored.completedValues(atStep: 5) == StepValues())
            #expect(restored.completedTrialCount == study.completedTrialCount)
        }
    }
}

@Suite("Adding finished trials")
struct AddTrialTests {
    static let x = Distribution.float(try! FloatDistribution(low: 0, high: 1))

    @Test func addedTrialsAreReferencesLikeAnyOther() throws {
        let study = Study(sampler: RandomSampler(seed: 1), pruner: try MedianPruner(nStartupTrials: 1))
        let number = try study.add(
            FrozenTrial(number: 99, state: .complete, values: [0.5], params: ["x": 0.25], distributions: ["x": Self.x],
                        intermediateValues: [0: 1])
        )
        #expect(number == 0)
        #expect(study.completedTrialCount == 1)
        #expect(try study.bestTrial.params["x"] == 0.25)
        let trial = try study.ask()
        #expect(trial.number == 1)
        try trial.report(2, step: 0)
        #expect(try trial.shouldPrune())
        #expect(throws: TuningError.self) { try trial.suggestInt("x", low: 0, high: 1) }  // kind rule applies
    }

    @Test func invalidTrialsAreRejected() throws {
        let study = Study()
        #expect(throws: TuningError.self) { try study.add(FrozenTrial(number: 0, state: .running)) }
        #expect(throws: TuningError.self) { try study.add(FrozenTrial(number: 0, state: .complete)) }
        #expect(throws: TuningError.self) { try study.add(FrozenTrial(number: 0, state: .complete, values: [.nan])) }
        let outside = #expect(throws: TuningError.self) {
            try study.add(FrozenTrial(number: 0, state: .fail, params: ["x": 3], distributions: ["x": Self.x]))
        }
        #expect(outside?.message.contains("'x'") == true)
        let missing = #expect(throws: TuningError.self) {
            try study.add(FrozenTrial(number: 0, state: .fail, params: ["y": 3]))
        }
        #expect(missing?.message.contains("'y'") == true)
        #expect(study.trials.isEmpty)
        #expect(try study.add(FrozenTrial(number: 0, state: .waiting)) == 0)
        #expect(try study.ask().number == 0)
    }
}
