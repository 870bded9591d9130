/// Samples every parameter independently and uniformly (log-uniformly for log distributions); stepped and
/// int values are drawn on the widened range and rounded onto the grid. The same seed gives the same sequence.
public final class RandomSampler: Sampler {
    private var random: TuningRandom

    /// Creates a sampler; with a seed its draws are reproducible, without one it seeds from the system.
    public init(seed: UInt64? = nil) {
        random = seed.map(TuningRandom.init(seed:)) ?? TuningRandom()
    }

    public func sampleIndependent(
        study: any StudyView, trial: FrozenTrial, name: String, distribution: Distribution
    ) throws -> Double {
        sample(distribution)
    }

    /// Draws one internal value from `distribution`.
    public func sample(_ distribution: Distribution) -> Double {
        if case .categorical(let d) = distribution {
            return Double(random.index(below: d.choices.count))
        }
        let bounds = distribution.samplingBounds
        return distribution.fromSamplingSpace(random.uniform(bounds.low, bounds.high))
    }
}
