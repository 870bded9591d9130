import SweptTuning

/// Builds the tuning core's sampler, pruner and study from a parsed config.
public enum StudyFactory {
    /// A fresh sampler as the config declares it (`seedOffset` varies the seed, e.g. per process).
    /// - Throws: `ConfigError` when the sampler cannot be built from these options.
    public static func makeSampler(_ config: StudyConfig, seedOffset: UInt64 = 0) throws -> any Sampler {
        try makeSampler(config.sampler, file: config.sourceFile, seedOffset: seedOffset)
    }

    /// A fresh sampler for `sampler`; `file` names the source in errors.
    /// - Throws: `ConfigError` when the sampler cannot be built from these options.
    public static func makeSampler(_ sampler: SamplerConfig, file: String, seedOffset: UInt64 = 0) throws
        -> any Sampler {
        let seed = sampler.seed.map { $0 &+ seedOffset }
        switch sampler {
        case .random:
            return RandomSampler(seed: seed)
        case .grid(let values, _):
            do {
                return try GridSampler(searchSpace: values, seed: seed ?? 0)
            } catch let error as TuningError {
                throw ConfigError(file: file, line: nil, column: nil, field: "sampler", message: error.message)
            }
        case .tpe(var options):
            options.seed = seed
            return makeTPE(options)
        }
    }

    /// A fresh pruner as the config declares it.
    /// - Throws: `ConfigError` carrying the tuning core's validation message.
    public static func makePruner(_ config: PrunerConfig, file: String = "<config>") throws -> any Pruner {
        do {
            switch config {
            case .none:
                return NopPruner()
            case .median(let o):
                return try MedianPruner(
                    nStartupTrials: o.nStartupTrials, nWarmupSteps: o.nWarmupSteps, intervalSteps: o.intervalSteps,
                    nMinTrials: o.nMinTrials
                )
            case .percentile(let percentile, let o):
                return try PercentilePruner(
                    percentile: percentile, nStartupTrials: o.nStartupTrials, nWarmupSteps: o.nWarmupSteps,
                    intervalSteps: o.intervalSteps, nMinTrials: o.nMinTrials
                )
            }
        } catch let error as TuningError {
            throw ConfigError(file: file, line: nil, column: nil, field: "pruner", message: error.message)
        }
    }

    /// An in-memory study with the config's directions, sampler and pruner.
    public static func makeStudy(_ config: StudyConfig) throws -> Study {
        let sampler = try makeSampler(config)
        let pruner = try makePruner(config.pruner, file: config.sourceFile)
        do {
            return try Study(directions: config.directions, sampler: sampler, pruner: pruner)
        } catch let error as TuningError {
            throw ConfigError(file: config.sourceFile, line: nil, column: nil, field: "directions",
                              message: error.message)
        }
    }
}
