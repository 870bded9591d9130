import SweptTuning
import Testing

/// Builds studies with completed reference trials and one running trial to ask the pruner about.
struct PruningScenario {
    let study: Study

    init(direction: StudyDirection = .minimize, pruner: any Pruner) {
        study = Study(direction: direction, sampler: RandomSampler(seed: 0), pruner: pruner)
    }

    /// Adds a COMPLETE trial that reported `reports` (step → value).
    func complete(_ reports: [Int: Double], value: Double = 0) throws {
        let trial = try study.ask()
        for (step, reported) in reports { try trial.report(reported, step: step) }
        try study.tell(trial, value: value)
    }
}

@Suite("Median and percentile pruners")
struct PrunerTests {
    static func median(
        startup: Int = 0, warmup: Int = 0, interval: Int = 1, minTrials: Int = 1
    ) throws -> MedianPruner {
        try MedianPruner(nStartupTrials: startup, nWarmupSteps: warmup, intervalSteps: interval, nMinTrials: minTrials)
    }

    @Test func oneCompletedReferenceMinimizing() throws {
        let scenario = PruningScenario(pruner: try Self.median())
        try scenario.complete([1: 1])
        let worse = try scenario.study.ask()
        try worse.report(2, step: 1)
        #expect(try worse.shouldPrune())
        let better = try scenario.study.ask()
        try better.report(0.5, step: 1)
        #expect(try !better.shouldPrune())
        let equal = try scenario.study.ask()
        try equal.report(1, step: 1)
        #expect(try !equal.shouldPrune())  // strict comparison
        let silent = try scenario.study.ask()
        #expect(try !silent.shouldPrune())
    }

    @Test func oneCompletedReferenceMaximizing() throws {
        let scenario = PruningScenario(direction: .maximize, pruner: try Self.median())
        try scenario.complete([1: 1])
        let worse = try scenario.study.ask()
        try worse.report(0.5, step: 1)
        #expect(try worse.shouldPrune())
        let better = try scenario.study.ask()
        try better.report(2, step: 1)
        #expect(try !better.shouldPrune())
    }

    @Test func firstTrialIsNeverPruned() throws {
        let scenario = PruningScenario(pruner: try Self.median())
        let first = try scenario.study.ask()
        try first.report(.nan, step: 0)
        try first.report(100, step: 1)
        #expect(try !first.shouldPrune())
    }

    @Test func startupTrials() throws {
        let scenario = PruningScenario(pruner: try Self.median(startup: 2))
        try scenario.complete([1: 1])
        let early = try scenario.study.ask()
        try early.report(2, step: 1)
        #expect(try !early.shouldPrune())
        try scenario.complete([1: 1])
        #expect(try early.shouldPrune())
        // Pruned and failed trials are not references and do not count toward startup.
        let startupOnly = PruningScenario(pruner: try Self.median(startup: 2))
        try startupOnly.complete([1: 1])
        let pruned = try startupOnly.study.ask()
        try pruned.report(0, step: 1)
        try startupOnly.study.tell(pruned, state: .pruned)
        let checked = try startupOnly.study.ask()
        try checked.report(2, step: 1)
        #expect(try !checked.shouldPrune())
    }

    static let intervalCases: [(warmup: Int, prunable: Set<Int>)] = [
        (0, [0, 1, 2, 12, 13, 14, 21, 22, 23]),
        (2, [3, 4, 5, 12, 13, 14, 24, 25, 26]),
    ]

    @Test(arguments: intervalCases)
    func intervalTable(warmup: Int, prunable: Set<Int>) throws {
        let scenario = PruningScenario(pruner: try Self.median(warmup: warmup, interval: 10))
        try scenario.complete(Dictionary(uniqueKeysWithValues: (0..<30).map { ($0, 1.0) }))
        let trial = try scenario.study.ask()
        var pruned: Set<Int> = []
        for i in 0..<30 {
            if i % 3 == 0 { try trial.report(2, step: i) }
            if try trial.shouldPrune() { pruned.insert(i) }
        }
        #expect(pruned == prunable)
    }

    @Test func allNaNTrialIsPrunedButNaNReferencesAreNot() throws {
        let scenario = PruningScenario(pruner: try Self.median())
        try scenario.complete([0: .nan, 1: 1])
        let allNaN = try scenario.study.ask()
        try allNaN.report(.nan, step: 1)
        #expect(try allNaN.shouldPrune())
        let againstNaN = try scenario.study.ask()
        try againstNaN.report(5, step: 0)
        #expect(try !againstNaN.shouldPrune())  // the only reference at step 0 is NaN
        // The best of the trial's own values counts, NaN ignored.
        let mixed = try scenario.study.ask()
        try mixed.report(0.5, step: 0)
        try mixed.report(.nan, step: 1)
        #expect(try !mixed.shouldPrune())
    }

    @Test func referencesAreExactStepsOnly() throws {
        let scenario = PruningScenario(pruner: try Self.median())
        try scenario.complete([0: 1, 2: 1])
        let trial = try scenario.study.ask()
        try trial.report(5, step: 1)
        #expect(try !trial.shouldPrune())  // nobody completed reported at step 1: no interpolation
    }

    @Test func minTrialsCountsNaNReferences() throws {
        let scenario = PruningScenario(pruner: try Self.median(minTrials: 2))
        try scenario.complete([1: 1])
        let trial = try scenario.study.ask()
        try trial.report(2, step: 1)
        #expect(try !trial.shouldPrune())
        try scenario.complete([1: .nan])
        #expect(try trial.shouldPrune())  // two references now (one NaN); percentile of the rest is 1
    }

    @Test(arguments: [(StudyDirection.minimize, 2.1, true), (.minimize, 1.9, false),
                      (.maximize, 3.9, true), (.maximize, 4.1, false)])
    func percentile25(direction: StudyDirection, latest: Double, expected: Bool) throws {
        let pruner = try PercentilePruner(percentile: 25, nStartupTrials: 0)
        let scenario = PruningScenario(direction: direction, pruner: pruner)
        for value in [1.0, 2, 3, 4, 5] { try scenario.complete([0: value]) }
        let trial = try scenario.study.ask()
        try trial.report(latest, step: 0)
        #expect(try trial.shouldPrune() == expected)
    }

    @Test func defaultsAndNop() throws {
        let defaults = MedianPruner()
        #expect(defaults.nStartupTrials == 5 && defaults.nWarmupSteps == 0)
        #expect(defaults.intervalSteps == 1 && defaults.nMinTrials == 1)
        let scenario = PruningScenario(pruner: NopPruner())
        try scenario.complete([0: 0])
        let trial = try scenario.study.ask()
        try trial.report(.nan, step: 0)
        #expect(try !trial.shouldPrune())
    }

    @Test func invalidArgumentsAreRejected() {
        #expect(throws: TuningError.self) { try PercentilePruner(percentile: 101) }
        #expect(throws: TuningError.self) { try PercentilePruner(percentile: -1) }
        #expect(throws: TuningError.self) { try MedianPruner(nStartupTrials: -1) }
        #expect(throws: TuningError.self) { try MedianPruner(nWarmupSteps: -1) }
        #expect(throws: TuningError.self) { try MedianPruner(intervalSteps: 0) }
        let error = #expect(throws: TuningError.self) { try MedianPruner(nMinTrials: 0) }
        #expect(error?.message.contains("n_min_trials") == true)
    }
}

@Suite("Percentile helper")
struct PercentileTests {
    @Test func ninthsAndNaN() {
        let ninths = (1...9).map { Double($0) / 10 }
        #expect(Percentile.nanLinear(ninths, q: 25) == 0.3)
        #expect(Percentile.nanLinear([0.1, .nan, 0.2, .nan, 0.3, .nan, 0.4, .nan, 0.5], q: 25) == 0.2)
        #expect(Percentile.nanLinear([.nan, .nan], q: 50).isNaN)
        #expect(Percentile.nanLinear([], q: 50).isNaN)
    }

    @Test func interpolates() {
        #expect(Percentile.nanLinear([4, 1, 3, 2], q: 50) == 2.5)
        #expect(Percentile.nanLinear([1, 2], q: 75) == 1.75)
        #expect(Percentile.nanLinear([1, 2, 3], q: 0) == 1)
        #expect(Percentile.nanLinear([1, 2, 3], q: 100) == 3)
        #expect(Percentile.ofSorted([7], q: 30) == 7)
    }

    /// Bit-exact against numpy 2 `nanpercentile` (values printed with repr from the peer venv).
    @Test func matchesNumpyBitForBit() {
        #expect(Percentile.nanLinear([0.1, 0.7, 0.2, .nan, 0.9], q: 33.3) == 0.1999)
        #expect(Percentile.nanLinear([3.0, -1.0, 2.5, 7.25], q: 66.7) == 3.0042500000000016)
        #expect(Percentile.nanLinear([0.001, 5.0, -2.0, 0.3, 0.31, .nan], q: 90) == 3.1240000000000006)
    }
}
