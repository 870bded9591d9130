import SweptTuning

extension StudyFactory {
    /// The TPE sampler for `options` (unset options keep `TPESampler.Configuration`'s defaults).
    static func makeTPE(_ options: TPEOptions) -> any Sampler {
        var configuration = TPESampler.Configuration()
        configuration.nStartupTrials = options.nStartupTrials
        configuration.nEICandidates = options.nEICandidates
        if let multivariate = options.multivariate { configuration.multivariate = multivariate }
        if let constantLiar = options.constantLiar { configuration.constantLiar = constantLiar }
        configuration.parzen = ParzenEstimatorParameters(
            priorWeight: options.priorWeight, considerMagicClip: options.considerMagicClip,
            considerEndpoints: options.considerEndpoints)
        return TPESampler(seed: options.seed, configuration: configuration)
    }
}
