/// One search-space dimension as TPE's Parzen estimator sees it: its kernel kind and its domain.
///
/// Numerical dimensions work on the *adapted* domain: widened by step/2 on each side when stepped (ints always
/// have a step), then log-transformed for log distributions. Values are in the internal representation
/// (categorical: the choice index; int: the value itself).
public struct ParzenDimension: Hashable, Sendable {
    /// How a component's density is evaluated in this dimension.
    public enum Kernel: Hashable, Sendable {
        /// Truncated normal density on [adaptedLow, adaptedHigh] (float, float log).
        case continuous
        /// Normal mass of [x − step/2, x + step/2] (log: [log(x − step/2), log(x + step/2)]) over the domain.
        case discrete(step: Double)
        /// A kernel row per component over the choices.
        case categorical(choices: Int)
    }

    /// The kernel kind.
    public let kernel: Kernel
    /// Whether the dimension works in log space.
    public let isLog: Bool
    /// The distribution's own bounds (internal representation, high already on the step grid).
    public let low: Double
    /// See `low`.
    public let high: Double
    /// The domain the kernels live on: widened by step/2 when stepped, then log-transformed when log.
    public let adaptedLow: Double
    /// See `adaptedLow`.
    public let adaptedHigh: Double

    /// A numerical dimension; `step` nil for a continuous float (ints pass their step, ≥ 1).
    public init(low: Double, high: Double, step: Double?, log isLog: Bool) {
        self.low = low
        self.high = high
        self.isLog = isLog
        var lo = low, hi = high
        if let step {
            kernel = .discrete(step: step)
            lo -= step / 2
            hi += step / 2
        } else {
            kernel = .continuous
        }
        adaptedLow = isLog ? TuningMath.log(lo) : lo
        adaptedHigh = isLog ? TuningMath.log(hi) : hi
    }

    /// A categorical dimension with `choices` choices (indices 0..<choices).
    public init(categoricalChoices choices: Int) {
        kernel = .categorical(choices: choices)
        isLog = false
        low = 0
        high = Double(choices - 1)
        adaptedLow = 0
        adaptedHigh = Double(choices - 1)
    }

    /// Whether this is a categorical dimension.
    public var isCategorical: Bool {
        if case .categorical = kernel { return true }
        return false
    }

    /// Maps an internal value to kernel space (log for log dimensions).
    @inline(__always)
    public func transform(_ x: Double) -> Double { isLog ? TuningMath.log(x) : x }

    /// Maps a draw in kernel space back to an internal value: exp for log, then round onto the step grid and
    /// clip for stepped dimensions (Optuna's rule: low + round((x − low)/step)·step, clipped to [low, high]).
    public func untransform(_ y: Double) -> Double {
        var x = isLog ? TuningMath.exp(y) : y
        if case .discrete(let step) = kernel {
            x = min(max(low + ((x - low) / step).rounded(.toNearestOrEven) * step, low), high)
        }
        return x
    }
}
