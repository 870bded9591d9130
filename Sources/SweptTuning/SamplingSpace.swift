/// The continuous space samplers draw in for a distribution (Optuna's `_SearchSpaceTransform` with log and step
/// transforms on): log distributions in log space, stepped and int ranges widened by half a step each side.
extension Distribution {
    /// The bounds of the sampling space: `[low − step/2, high + step/2]` for stepped floats and ints (then in log
    /// space for log ints), `[log low, log high]` for log floats, `[low, high]` otherwise; `[0, count)` for
    /// categorical indices.
    public var samplingBounds: (low: Double, high: Double) {
        switch self {
        case .float(let d):
            if d.log { return (TuningMath.log(d.low), TuningMath.log(d.high)) }
            if let step = d.step { return (d.low - 0.5 * step, d.high + 0.5 * step) }
            return (d.low, d.high)
        case .int(let d):
            let half = 0.5 * Double(d.step)
            let low = Double(d.low) - half
            let high = Double(d.high) + half
            if d.log { return (TuningMath.log(low), TuningMath.log(high)) }
            return (low, high)
        case .categorical(let d):
            return (0, Double(d.choices.count))
        }
    }

    /// Maps a point of the sampling space back to an internal value inside the distribution: undo the log,
    /// round to the step grid (half to even, like numpy), clip into range; continuous floats stay below `high`
    /// (as Optuna does) unless the range is a single value. Categorical points floor to an index.
    public func fromSamplingSpace(_ x: Double) -> Double {
        switch self {
        case .float(let d):
            if let step = d.step {
                let grid = ((x - d.low) / step).rounded(.toNearestOrEven) * step + d.low
                return min(max(grid, d.low), d.high)
            }
            let value = d.log ? TuningMath.exp(x) : x
            if d.isSingle { return d.low }
            return min(max(value, d.low), d.high.nextDown)
        case .int(let d):
            if d.log {
                return min(max(TuningMath.exp(x).rounded(.toNearestOrEven), Double(d.low)), Double(d.high))
            }
            let step = Double(d.step)
            let grid = ((x - Double(d.low)) / step).rounded(.toNearestOrEven) * step + Double(d.low)
            return min(max(grid, Double(d.low)), Double(d.high))
        case .categorical(let d):
            return min(max(x.rounded(.down), 0), Double(d.choices.count - 1))
        }
    }
}
