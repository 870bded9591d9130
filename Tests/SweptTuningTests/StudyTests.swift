import SweptTuning
import Testing

@Suite("Study ask/tell")
struct StudyTests {
    @Test func askSuggestTellAndBest() throws {
        let study = Study(direction: .minimize, sampler: RandomSampler(seed: 3))
        for _ in 0..<30 {
            let trial = try study.ask()
            let x = try trial.suggestFloat("x", low: -10, high: 10)
            try study.tell(trial, value: (x - 2) * (x - 2))
        }
        #expect(study.completedTrialCount == 30)
        let best = try study.bestTrial
        let values = study.trials.compactMap(\.value)
        #expect(best.value == values.min())
        #expect(try study.bestParams["x"] == best.params["x"])
    }

    @Test func tellingAFinishedTrialIsAnError() throws {
        let study = Study()
        let trial = try study.ask()
        try study.tell(trial, value: 1)
        let error = #expect(throws: TuningError.self) { try study.tell(trial, value: 2) }
        #expect(error?.code == .trialNotRunning)
        #expect(error?.message.contains("trial 0") == true)
        #expect(error?.message.contains("COMPLETE") == true)
        #expect(throws: TuningError.self) { try trial.report(1, step: 0) }
        #expect(throws: TuningError.self) { try trial.suggestFloat("x", low: 0, high: 1) }
        #expect(try study.frozenTrial(0).value == 1)
        #expect(throws: TuningError.self) { try study.tell(7, values: [1]) }
    }

    @Test func wrongNumberOfValuesIsAnErrorAndKeepsTheTrialRunning() throws {
        let study = try Study(directions: [.minimize, .maximize])
        let trial = try study.ask()
        let error = #expect(throws: TuningError.self) { try study.tell(trial, values: [1]) }
        #expect(error?.code == .wrongValueCount)
        #expect(error?.message.contains("expected 2") == true)
        #expect(study.trials[0].state == .running)
        #expect(try study.tell(trial, values: [1, 2]).state == .complete)
    }

    @Test func nanValueFailsTheTrial() throws {
        let study = try Study(directions: [.minimize, .minimize])
        let trial = try study.ask()
        let told = try study.tell(trial, values: [1, .nan])
        #expect(told.state == .fail)
        #expect(told.values == nil)
        #expect(told.systemAttributes["fail_reason"] != nil)
        #expect(study.completedTrialCount == 0)
    }

    @Test func failedTrialsAreCountedWhicheverWayTheyFail() throws {
        let study = Study()
        _ = try study.tell(try study.ask(), value: .nan)  // NaN result
        _ = try study.tell(try study.ask(), state: .fail)
        _ = try study.tell(try study.ask(), value: 1)
        _ = try study.tell(try study.ask(), state: .pruned)
        try study.add(FrozenTrial(number: 0, state: .fail))
        #expect(study.failedTrialCount == 3)
        #expect(study.completedTrialCount == 1)
        let restored = Study()
        try restored.restore(study.trials)
        #expect(restored.failedTrialCount == 3)
        #expect(restored.failedTrialCount == restored.trials.filter { $0.state == .fail }.count)
    }

    /// Optuna 5.0 completes a trial told ±infinity (checked against optuna 5.0.0); so does swept.
    @Test(arguments: [Double.infinity, -.infinity])
    func infiniteValueCompletesTheTrial(_ value: Double) throws {
        let study = Study()
        let told = try study.tell(try study.ask(), value: value)
        #expect(told.state == .complete)
        #expect(told.values == [value])
    }

    @Test func stateArgumentRules() throws {
        let study = Study()
        let trial = try study.ask()
        #expect(throws: TuningError.self) { try study.tell(trial, state: .complete) }
        #expect(throws: TuningError.self) { try study.tell(trial, values: [1], state: .pruned) }
        #expect(throws: TuningError.self) { try study.tell(trial, values: [1], state: .fail) }
        #expect(throws: TuningError.self) { try study.tell(trial, values: [.nan], state: .complete) }
        #expect(throws: TuningError.self) { try study.tell(trial, state: .waiting) }
        #expect(throws: TuningError.self) { try study.tell(trial) }
        #expect(try study.tell(trial, state: .fail).state == .fail)
    }

    @Test func prunedTrialTakesItsLastIntermediateValue() throws {
        let study = Study()
        let first = try study.ask()
        try first.report(1, step: 0)
        try first.report(2, step: 3)
        try first.report(0.5, step: 1)
        #expect(try study.tell(first, state: .pruned).values == [2])
        let second = try study.ask()
        try second.report(1, step: 0)
        try second.report(.nan, step: 1)
        #expect(try study.tell(second, state: .pruned).values == nil)
        let third = try study.ask()
        #expect(try study.tell(third, state: .pruned).values == nil)
    }

    @Test func reportIgnoresARepeatedStepAndAllowsNaN() throws {
        let study = Study()
        let trial = try study.ask()
        #expect(try trial.report(1.5, step: 2))
        #expect(try !trial.report(9, step: 2))
        #expect(try trial.report(.nan, step: 3))
        #expect(try trial.frozen.intermediateValues[2] == 1.5)
        #expect(try trial.frozen.intermediateValues[3]?.isNaN == true)
        #expect(throws: TuningError.self) { try trial.report(1, step: -1) }
    }

    @Test func suggestingANameTwice() throws {
        let study = Study(sampler: RandomSampler(seed: 5))
        let trial = try study.ask()
        let x = try trial.suggestFloat("x", low: 0, high: 1)
        #expect(try trial.suggestFloat("x", low: 0, high: 1) == x)
        let error = #expect(throws: TuningError.self) { try trial.suggestFloat("x", low: 0, high: 2) }
        #expect(error?.code == .incompatibleDistribution)
        #expect(error?.message.hasPrefix("parameter 'x'") == true)
        #expect(throws: TuningError.self) { try trial.suggestInt("x", low: 0, high: 1) }
    }

    @Test func aNameKeepsItsKindAcrossTheStudy() throws {
        let study = Study(sampler: RandomSampler(seed: 5))
        let first = try study.ask()
        _ = try first.suggestFloat("x", low: 0, high: 1)
        _ = try first.suggestCategorical("c", choices: ["a", "b"])
        try study.tell(first, value: 0)
        let second = try study.ask()
        _ = try second.suggestFloat("x", low: -1, high: 3, step: 0.5)  // range and step may change
        let kind = #expect(throws: TuningError.self) { try second.suggestInt("x", low: 0, high: 1) }
        #expect(kind?.message.contains("'x'") == true)
        let log = #expect(throws: TuningError.self) { try second.suggestFloat("x", low: 1, high: 2, log: true) }
        #expect(log?.message.contains("log") == true)
        let choices = #expect(throws: TuningError.self) { try second.suggestCategorical("c", choices: ["a"]) }
        #expect(choices?.message.contains("'c'") == true)
    }

    @Test func singleValuedDistributionsBypassTheSampler() throws {
        let sampler = CountingSampler(seed: 1)
        let study = Study(sampler: sampler)
        let trial = try study.ask()
        #expect(try trial.suggestFloat("a", low: 2, high: 2) == 2)
        #expect(try trial.suggestInt("b", low: 4, high: 5, step: 3) == 4)
        #expect(try trial.suggestCategorical("c", choices: ["only"]) == "only")
        #expect(sampler.independentCalls.isEmpty)
        _ = try trial.suggestInt("d", low: 0, high: 5)
        #expect(sampler.independentCalls == ["d"])
    }

    @Test func relativeValuesAreUsedWhenTheDistributionMatches() throws {
        let sampler = CountingSampler(seed: 1)
        let x = Distribution.float(try FloatDistribution(low: 0, high: 1))
        sampler.relativeSpace = ["x": x, "y": x]
        sampler.relativeValues = ["x": 0.25, "y": 0.75]
        let study = Study(sampler: sampler)
        let trial = try study.ask()
        #expect(sampler.relativeCalls == 0)  // drawn lazily
        #expect(try trial.suggestFloat("x", low: 0, high: 1) == 0.25)
        #expect(sampler.relativeCalls == 1)
        // y's relative value lies outside the narrower range: independent sampling instead.
        let y = try trial.suggestFloat("y", low: 0, high: 0.5)
        #expect(y >= 0 && y <= 0.5)
        _ = try trial.suggestInt("z", low: 0, high: 3)
        #expect(sampler.independentCalls == ["y", "z"])
        #expect(sampler.relativeCalls == 1)
        try study.tell(trial, value: 1)
        #expect(sampler.afterTrialStates == [.complete])
        #expect(sampler.stateSeenAtTell == [.running])
    }

    @Test func askWithFixedDistributionsSuggestsThemAtOnce() throws {
        let study = Study(sampler: RandomSampler(seed: 2))
        let space: [String: Distribution] = [
            "lr": .float(try FloatDistribution(low: 1e-4, high: 1e-1, log: true)),
            "act": .categorical(try CategoricalDistribution(choices: ["relu", "tanh"])),
        ]
        let trial = try study.ask(fixedDistributions: space)
        #expect(Set(trial.params.keys) == ["lr", "act"])
        #expect(try trial.frozen.distributions == space)
    }

    @Test func userAttributes() throws {
        let study = Study()
        let trial = try study.ask()
        try trial.setUserAttribute("note", .string("baseline"))
        try trial.setUserAttribute("tags", .array([.int(1), .null]))
        try study.tell(trial, value: 0)
        #expect(study.trials[0].userAttributes["note"] == .string("baseline"))
        #expect(study.trials[0].userAttributes["tags"] == .array([.int(1), .null]))
        #expect(throws: TuningError.self) { try trial.setUserAttribute("late", .bool(true)) }
    }

    @Test func bestTrialErrors() throws {
        let study = Study(direction: .maximize)
        let error = #expect(throws: TuningError.self) { try study.bestTrial }
        #expect(error?.code == .noCompletedTrial)
        let failed = try study.ask()
        try study.tell(failed, state: .fail)
        #expect(throws: TuningError.self) { try study.bestValue }
        for value in [1.0, 3, 3, 2] {
            try study.tell(try study.ask(), value: value)
        }
        #expect(try study.bestTrial.number == 2)  // ties go to the lowest number
        #expect(study.bestTrials.map(\.number) == [2, 3])

        let multi = try Study(directions: [.minimize, .minimize])
        try multi.tell(try multi.ask(), values: [1, 1])
        let multiError = #expect(throws: TuningError.self) { try multi.bestTrial }
        #expect(multiError?.code == .multiObjective)
        #expect(throws: TuningError.self) { try multi.ask().report(1, step: 0) }
        #expect(throws: TuningError.self) { try multi.trial(1).shouldPrune() }
        #expect(throws: TuningError.self) { try Study(directions: []) }
    }

    @Test func paretoFront() throws {
        let study = try Study(directions: [.minimize, .maximize])
        let told: [[Double]] = [[1, 1], [2, 3], [1, 0], [3, 3], [0.5, 0.5], [2, 3], [4, 4]]
        for values in told { try study.tell(try study.ask(), values: values) }
        try study.tell(try study.ask(), state: .fail)
        // Dominated: [1,0] by [1,1]; [3,3] by [2,3]. Equal vectors [2,3] both stay.
        #expect(study.bestTrials.map(\.number) == [0, 1, 4, 5, 6])
    }

    @Test func timestampsComeFromTheStudysClock() throws {
        let study = Study()
        try study.enqueue(params: ["x": 1])
        #expect(study.trials[0].startedAt == nil)
        study.clock = { 1_700_000_000.5 }
        let trial = try study.ask()
        #expect(try trial.frozen.startedAt == 1_700_000_000.5)
        #expect(try trial.frozen.completedAt == nil)
        study.clock = { 1_700_000_002 }
        #expect(try study.tell(trial, value: 0).completedAt == 1_700_000_002)
        study.clock = nil
        #expect(try study.ask().frozen.startedAt == nil)
    }

    @Test func aFailingFixedSuggestionFailsTheNewTrial() throws {
        let study = Study()
        try study.enqueue(params: ["x": 7])
        let space: [String: Distribution] = ["x": .float(try FloatDistribution(low: 0, high: 1))]
        let error = #expect(throws: TuningError.self) { try study.ask(fixedDistributions: space) }
        #expect(error?.message.contains("'x'") == true)
        #expect(study.trials[0].state == .fail)
        #expect(try study.ask(fixedDistributions: space).number == 1)
    }
}
