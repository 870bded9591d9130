import SweptTuning

extension StudySpec {
    /// A fresh in-memory study with this spec's sampler and pruner.
    public func makeStudy(clock: (@Sendable () -> Double)? = nil) throws -> Study {
        let sampler: any Sampler
        switch self.sampler {
        case .random(let seed): sampler = RandomSampler(seed: seed)
        case .tpe(let seed): sampler = TPESampler(seed: seed)
        }
        let pruner: any Pruner
        switch self.pruner {
        case .none:
            pruner = NopPruner()
        case .median(let startup, let warmup, let interval):
            pruner = try MedianPruner(nStartupTrials: startup, nWarmupSteps: warmup, intervalSteps: interval)
        case .percentile(let percentile, let startup, let warmup, let interval):
            pruner = try PercentilePruner(percentile: percentile, nStartupTrials: startup, nWarmupSteps: warmup,
                                          intervalSteps: interval)
        }
        let study = try Study(directions: directions, sampler: sampler, pruner: pruner)
        study.clock = clock
        return study
    }
}
