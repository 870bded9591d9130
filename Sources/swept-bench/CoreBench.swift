import ArgumentParser
import SweptTuning

/// `swept-bench core`: the tuning core's own overhead — ask, 9 suggests, 10 reports each followed by a median
/// pruner check, and tell — with the random sampler, so sampler cost stays out of the figure.
struct CoreBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "core",
        abstract: "Study overhead per trial and median-pruner cost per call (random sampler).",
        discussion: """
            Prints one line per checkpoint: core n=1000 d=9 us_per_trial=12.3 us_per_prune=0.45. With the median \
            pruner few trials complete once the study is large; --no-pruner completes every trial, so the figure \
            includes adding its ten values to the per-step reference (docs/tuning.md).
            """
    )

    @Option(help: "Study sizes at which to measure (comma-separated).")
    var sizes: String = "100,1000,10000"

    @Option(help: "Trials timed at each checkpoint.")
    var samples: Int = 20

    @Option(help: "Seed of the random sampler.")
    var seed: UInt64 = 1

    @Flag(help: "No pruner: every trial completes, so each tell adds ten values to the per-step reference.")
    var noPruner = false

    func run() throws {
        let checkpoints = sizes.split(separator: ",").compactMap { Int($0) }.sorted()
        let study = Study(
            direction: .minimize, sampler: RandomSampler(seed: seed),
            pruner: noPruner ? NopPruner() : try MedianPruner(nStartupTrials: 5, nWarmupSteps: 0)
        )
        let clock = ContinuousClock()
        for checkpoint in checkpoints {
            while study.trials.count < checkpoint { _ = try runTrial(study, clock: clock) }
            var trialTime = Duration.zero
            var pruneTime = Duration.zero
            var pruneCalls = 0
            for _ in 0..<samples {
                let (total, prune, calls) = try runTrial(study, clock: clock)
                trialTime += total
                pruneTime += prune
                pruneCalls += calls
            }
            let perTrial = microseconds(trialTime) / Double(samples)
            let perPrune = microseconds(pruneTime) / Double(max(pruneCalls, 1))
            print("core n=\(checkpoint) d=9 us_per_trial=\(format(perTrial)) us_per_prune=\(format(perPrune))")
        }
    }

    /// One trial; returns its total time, the time spent in `shouldPrune`, and the number of those calls.
    private func runTrial(_ study: Study, clock: ContinuousClock) throws -> (Duration, Duration, Int) {
        var pruneTime = Duration.zero
        var calls = 0
        let start = clock.now
        let trial = try study.ask()
        var value = 0.0
        for index in 0..<6 { value += try trial.suggestFloat("x\(index)", low: -5, high: 5) }
        value += try trial.suggestFloat("lr", low: 1e-5, high: 1e-1, log: true)
        value += Double(try trial.suggestInt("units", low: 1, high: 256, log: true)) / 256
        value += try trial.suggestCategorical("act", choices: ["relu", "tanh", "gelu"]) == "relu" ? 0 : 1
        var pruned = false
        for step in 0..<10 {
            try trial.report(value / Double(step + 1), step: step)
            let before = clock.now
            pruned = try trial.shouldPrune()
            pruneTime += clock.now - before
            calls += 1
            if pruned { break }
        }
        if pruned { try study.tell(trial, state: .pruned) } else { try study.tell(trial, value: value) }
        return (clock.now - start, pruneTime, calls)
    }

    private func microseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1e6 + Double(attoseconds) / 1e12
    }

    private func format(_ value: Double) -> String {
        let scaled = (value * 100).rounded() / 100
        return "\(scaled)"
    }
}
