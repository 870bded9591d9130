/// An integer parameter on `[low, high]` with a step, optionally log-scaled (then step must be 1).
///
/// `high` is lowered to the last grid point `low + k·step` (Optuna's rule).
public struct IntDistribution: Hashable, Sendable {
    /// The lower bound (inclusive).
    public let low: Int
    /// The upper bound (inclusive), already lowered onto the step grid.
    public let high: Int
    /// The grid spacing (1 unless stepped).
    public let step: Int
    /// Whether values are sampled uniformly in log space.
    public let log: Bool

    /// Validates and creates a distribution.
    /// - Throws: `TuningError.invalidDistribution` for `high < low`, `step <= 0`, `log` with `step != 1`,
    ///   or `log` with `low < 1`.
    public init(low: Int, high: Int, step: Int = 1, log: Bool = false) throws {
        if log, step != 1 {
            throw TuningError(.invalidDistribution, "int distribution with log=true needs step 1, got step=\(step)")
        }
        guard low <= high else {
            throw TuningError(.invalidDistribution, "expected low <= high, got low=\(low), high=\(high)")
        }
        if log, low < 1 {
            throw TuningError(.invalidDistribution, "log int distribution needs low >= 1, got low=\(low)")
        }
        guard step > 0 else {
            throw TuningError(.invalidDistribution, "expected step > 0, got step=\(step)")
        }
        let (span, overflow) = high.subtractingReportingOverflow(low)
        guard !overflow else {
            throw TuningError(.invalidDistribution, "range too wide, got low=\(low), high=\(high)")
        }
        self.low = low
        self.high = low + span / step * step
        self.step = step
        self.log = log
    }

    /// Whether the range holds exactly one value.
    public var isSingle: Bool { low == high }

    /// Whether an internal value is an integer in the range and on the grid.
    public func contains(_ value: Double) -> Bool {
        guard value.isFinite, value == value.rounded(), Double(low) <= value, value <= Double(high) else {
            return false
        }
        let offset = Int(value) - low
        return offset % step == 0
    }
}
