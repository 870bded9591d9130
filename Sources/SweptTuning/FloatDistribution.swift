/// A real-valued parameter on `[low, high]`, optionally log-scaled or stepped (never both).
///
/// With a step, `high` is lowered to the last grid point `low + k·step` (Optuna's rule).
public struct FloatDistribution: Hashable, Sendable {
    /// The lower bound (inclusive).
    public let low: Double
    /// The upper bound (inclusive), already lowered onto the step grid when `step` is set.
    public let high: Double
    /// The grid spacing, or `nil` for a continuous range.
    public let step: Double?
    /// Whether values are sampled uniformly in log space.
    public let log: Bool

    /// Validates and creates a distribution.
    /// - Throws: `TuningError.invalidDistribution` for non-finite bounds, `high < low`, `step` with `log`,
    ///   `log` with `low <= 0`, or `step <= 0`.
    public init(low: Double, high: Double, step: Double? = nil, log: Bool = false) throws {
        guard low.isFinite, high.isFinite else {
            throw TuningError(.invalidDistribution, "float bounds must be finite, got low=\(low), high=\(high)")
        }
        if log, step != nil {
            throw TuningError(.invalidDistribution, "float distribution cannot have both step and log=true")
        }
        guard low <= high else {
            throw TuningError(.invalidDistribution, "expected low <= high, got low=\(low), high=\(high)")
        }
        if log, low <= 0 {
            throw TuningError(.invalidDistribution, "log distribution needs low > 0, got low=\(low)")
        }
        if let step {
            guard step.isFinite, step > 0 else {
                throw TuningError(.invalidDistribution, "expected step > 0, got step=\(step)")
            }
            self.high = FloatDistribution.lastGridPoint(low: low, high: high, step: step)
        } else {
            self.high = high
        }
        self.low = low
        self.step = step
        self.log = log
    }

    /// The largest `low + k·step` not above `high`; a `high` within rounding error of the grid is kept.
    static func lastGridPoint(low: Double, high: Double, step: Double) -> Double {
        let steps = (high - low) / step
        let nearest = steps.rounded()
        if abs(steps - nearest) <= 1e-9 * max(1, nearest) { return high }
        return steps.rounded(.down) * step + low
    }

    /// Whether the range holds exactly one value.
    public var isSingle: Bool {
        if let step { return low == high || low + step > high }
        return low == high
    }

    /// Whether an internal value lies in the range (and within 1e-8 steps of the grid when stepped, as in Optuna).
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite, low <= value, value <= high else { return false }
        guard let step else { return true }
        let steps = (value - low) / step
        return abs(steps - steps.rounded()) < 1e-8  // Optuna's tolerance
    }
}
