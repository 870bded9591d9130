import SweptTuning
import Testing

/// A sampler under conformance test: a name and a way to make a seeded instance.
struct SamplerFactory: Sendable, CustomTestStringConvertible {
    let name: String
    let make: @Sendable (UInt64) throws -> any Sampler
    var testDescription: String { name }
}

/// The shared sampler conformance suite: every sampler in `conformanceSamplers` must keep values inside their
/// distributions (range, step grid, integers, choices), handle conditional parameters and reproduce its draws
/// from a seed, on a study that mixes COMPLETE, PRUNED and FAIL trials.
@Suite("Sampler conformance")
struct SamplerConformanceTests {
    /// Add a sampler here to run it through the suite.
    static let conformanceSamplers: [SamplerFactory] = [
        SamplerFactory(name: "random") { RandomSampler(seed: $0) },
        SamplerFactory(name: "grid") { seed in try GridSampler(searchSpace: ConformanceSpace.grid, seed: seed) },
        SamplerFactory(name: "tpe") { TPESampler(seed: $0, nStartupTrials: 5) },
    ]

    @Test(arguments: conformanceSamplers)
    func valuesStayInsideTheirDistributions(_ factory: SamplerFactory) throws {
        let study = try ConformanceSpace.run(factory, seed: 1)
        #expect(study.trials.count == ConformanceSpace.trialCount)
        try Self.checkValues(study)
    }

    /// A coordinator restart: the trials go into a fresh study with a fresh sampler, which keeps sampling validly,
    /// including an enqueued trial and a trial left RUNNING before the restart.
    @Test(arguments: conformanceSamplers)
    func aRestoredStudyKeepsSampling(_ factory: SamplerFactory) throws {
        let before = try ConformanceSpace.run(factory, seed: 5, trials: 15)
        let unfinished = try before.ask()
        _ = try ConformanceSpace.objective(unfinished)
        let after = Study(direction: .minimize, sampler: try factory.make(5), pruner: NopPruner())
        try after.restore(before.trials)
        try after.tell(try after.trial(unfinished.number), values: [1])
        try after.enqueue(
            params: ["x": 1.5, "half": 2, "lr": 1e-3, "n": 3, "units": 16, "k": 6, "act": "tanh", "depth": 4]
        )
        try ConformanceSpace.continueRun(after, trials: 10)
        #expect(after.trials.count == 26)
        #expect(after.trials[16].params["depth"] == 4)
        try Self.checkValues(after)
    }

    static func checkValues(_ study: Study) throws {
        for trial in study.trials {
            #expect(trial.state.isFinished)
            for (name, value) in trial.params {
                let distribution = try #require(trial.distributions[name])
                #expect(distribution == ConformanceSpace.distributions[name])
                let internalValue = try distribution.toInternal(value)
                #expect(distribution.contains(internal: internalValue), "\(name) = \(value) in \(distribution)")
                switch distribution {
                case .float(let d):
                    let number = try #require(value.doubleValue)
                    #expect(d.low <= number && number <= d.high, "\(name) = \(number)")
                    if let step = d.step {
                        let steps = (number - d.low) / step
                        #expect(abs(steps - steps.rounded()) < 1e-9, "\(name) = \(number) is off the step grid")
                    }
                case .int(let d):
                    guard case .int(let integer) = value else {
                        Issue.record("\(name) = \(value) is not an integer")
                        continue
                    }
                    #expect(d.low <= integer && integer <= d.high && (integer - d.low) % d.step == 0)
                case .categorical(let d):
                    #expect(d.choices.contains(value), "\(name) = \(value) is not a choice")
                }
            }
        }
    }

    @Test(arguments: conformanceSamplers)
    func conditionalParametersFollowTheirParent(_ factory: SamplerFactory) throws {
        var conditionalSeen = 0
        for seed: UInt64 in [1, 2, 3] {
            let study = try ConformanceSpace.run(factory, seed: seed)
            for trial in study.trials {
                let act = try #require(trial.params["act"])
                #expect((trial.params["slope"] != nil) == (act == "relu"))
                #expect((trial.params["depth"] != nil) == (act == "tanh"))
                if trial.params["slope"] != nil || trial.params["depth"] != nil { conditionalSeen += 1 }
            }
        }
        #expect(conditionalSeen > 0, "no trial took a conditional branch")
    }

    @Test(arguments: conformanceSamplers)
    func theSameSeedReproducesTheSameTrials(_ factory: SamplerFactory) throws {
        let first = try ConformanceSpace.run(factory, seed: 42)
        let second = try ConformanceSpace.run(factory, seed: 42)
        #expect(first.trials.map(\.params) == second.trials.map(\.params))
        #expect(first.trials.map(\.state) == second.trials.map(\.state))
    }
}

/// The mixed search space the conformance suite runs every sampler on.
enum ConformanceSpace {
    static let trialCount = 40
    static let choices: [ParamValue] = ["relu", "tanh", 1, 2.5, true, nil]

    static let distributions: [String: Distribution] = {
        func make() throws -> [String: Distribution] {
            [
                "x": .float(try FloatDistribution(low: -5, high: 5)),
                "half": .float(try FloatDistribution(low: 0, high: 3, step: 0.5)),
                "lr": .float(try FloatDistribution(low: 1e-5, high: 1e-1, log: true)),
                "n": .int(try IntDistribution(low: 1, high: 10)),
                "units": .int(try IntDistribution(low: 1, high: 256, log: true)),
                "k": .int(try IntDistribution(low: 0, high: 10, step: 3)),
                "act": .categorical(try CategoricalDistribution(choices: choices)),
                "slope": .float(try FloatDistribution(low: 0, high: 1)),
                "depth": .int(try IntDistribution(low: 1, high: 4)),
            ]
        }
        return (try? make()) ?? [:]
    }()

    /// Grid values for the same space (every value inside its distribution).
    static let grid: [String: [ParamValue]] = [
        "x": [-5, 0, 4.5], "half": [0, 1.5, 3], "lr": [1e-5, 1e-3], "n": [1, 10], "units": [1, 256],
        "k": [0, 9], "act": choices, "slope": [0, 1], "depth": [1, 4],
    ]

    /// Runs `trials` trials on a new study; every 7th reports and is pruned, every 11th fails.
    static func run(_ factory: SamplerFactory, seed: UInt64, trials: Int = trialCount) throws -> Study {
        let study = Study(direction: .minimize, sampler: try factory.make(seed), pruner: NopPruner())
        try continueRun(study, trials: trials)
        return study
    }

    /// Runs `trials` more trials on `study` with the same pattern of pruned and failed trials.
    static func continueRun(_ study: Study, trials: Int) throws {
        for _ in 0..<trials {
            let index = study.trials.count
            let trial = try study.ask()
            let value = try objective(trial)
            if index % 7 == 6 {
                try trial.report(value, step: 0)
                try study.tell(trial, state: .pruned)
            } else if index % 11 == 10 {
                try study.tell(trial, state: .fail)
            } else {
                try study.tell(trial, value: value)
            }
        }
    }

    private static func suggest(_ trial: Trial, _ name: String) throws -> ParamValue {
        guard let distribution = distributions[name] else {
            throw TuningError(.unknownParameter, "conformance space has no '\(name)'")
        }
        return try trial.suggest(name, distribution)
    }

    static func objective(_ trial: Trial) throws -> Double {
        let x = try suggest(trial, "x").doubleValue ?? 0
        let half = try suggest(trial, "half").doubleValue ?? 0
        let lr = try suggest(trial, "lr").doubleValue ?? 1
        let n = try suggest(trial, "n").doubleValue ?? 0
        let units = try suggest(trial, "units").doubleValue ?? 1
        let k = try suggest(trial, "k").doubleValue ?? 0
        var value = x * x + abs(half - 1) + abs(TuningMath.log(lr) + 7) + abs(n - 4) + abs(units - 32) / 32 + k
        switch try suggest(trial, "act") {
        case "relu": value += try suggest(trial, "slope").doubleValue ?? 0
        case "tanh": value += try suggest(trial, "depth").doubleValue ?? 0
        default: value += 1
        }
        return value
    }
}
