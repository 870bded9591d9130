/// Settings of TPE's Parzen estimator (Optuna 5.0 defaults: prior weight 1, magic clip on, endpoints off).
public struct ParzenEstimatorParameters: Hashable, Sendable {
    /// Weight of the prior component (≥ 0).
    public var priorWeight: Double
    /// Clip bandwidths below at R / min(100, m + 2).
    public var considerMagicClip: Bool
    /// Let the smallest and largest observations use their gap to the domain bound too.
    public var considerEndpoints: Bool

    /// Creates parameters; the defaults are Optuna 5.0's.
    public init(priorWeight: Double = 1.0, considerMagicClip: Bool = true, considerEndpoints: Bool = false) {
        self.priorWeight = priorWeight
        self.considerMagicClip = considerMagicClip
        self.considerEndpoints = considerEndpoints
    }
}

/// A mixture of product kernels over observations plus a prior component, as built by Optuna 5.0's
/// `_ParzenEstimator`. This is the straightforward (reference) evaluation; `TPESampler` scores candidates
/// against large groups with `TPEAboveGroup`, which gives the same densities.
public struct ParzenEstimator: Sendable {
    /// The dimensions, in the estimator's order.
    public let dimensions: [ParzenDimension]
    /// Normalized mixture weights: one per observation (in the given order), then the prior.
    public let weights: [Double]
    /// Per numerical dimension: component means in kernel space (prior last). Empty for categorical ones.
    public let mus: [[Double]]
    /// Per numerical dimension: component bandwidths (prior last). Empty for categorical ones.
    public let sigmas: [[Double]]
    /// Per categorical dimension: kernel rows, component-major (`rows[d][j * choices + k]`). Empty otherwise.
    public let rows: [[Double]]

    /// Number of mixture components (observations + 1, or 1 without observations).
    public var componentCount: Int { weights.count }

    /// Builds the estimator from `observations[d][i]` (internal representation, per dimension, in trial order).
    /// `observationWeights` (unnormalized, one per observation) defaults to Optuna's ramp (`TPEWeights`).
    public init(
        observations: [[Double]], dimensions: [ParzenDimension], parameters: ParzenEstimatorParameters,
        observationWeights: [Double]? = nil
    ) {
        precondition(observations.count == dimensions.count, "one observation column per dimension")
        self.dimensions = dimensions
        let m = observations.first?.count ?? 0
        var w: [Double]
        if m == 0 {
            w = [1.0]
        } else {
            w = observationWeights ?? TPEWeights.ramp(m)
            w.append(parameters.priorWeight)
        }
        let total = w.reduce(0, +)
        weights = w.map { $0 / total }
        var mus: [[Double]] = [], sigmas: [[Double]] = [], rows: [[Double]] = []
        for (d, dim) in dimensions.enumerated() {
            switch dim.kernel {
            case .categorical(let choices):
                rows.append(
                    Self.categoricalRows(observations[d], choices: choices, priorWeight: parameters.priorWeight))
                mus.append([]); sigmas.append([])
            case .continuous, .discrete:
                let transformed = observations[d].map(dim.transform)
                var s = Self.bandwidths(
                    sortedOrderOf: transformed, low: dim.adaptedLow, high: dim.adaptedHigh, parameters: parameters)
                var mu = transformed
                mu.append(0.5 * (dim.adaptedLow + dim.adaptedHigh))
                s.append(dim.adaptedHigh - dim.adaptedLow)
                mus.append(mu); sigmas.append(s); rows.append([])
            }
        }
        self.mus = mus
        self.sigmas = sigmas
        self.rows = rows
    }

    /// Kernel rows for a categorical dimension: prior_weight/(m+1) everywhere, +1 on each observation's choice,
    /// each row normalized; the prior row (last) is uniform. Without observations: one uniform row.
    public static func categoricalRows(_ observed: [Double], choices: Int, priorWeight: Double) -> [Double] {
        if observed.isEmpty { return Array(repeating: 1.0 / Double(choices), count: choices) }
        let kernels = observed.count + 1
        let base = priorWeight / Double(kernels)
        var rows = Array(repeating: base, count: kernels * choices)
        for (i, x) in observed.enumerated() { rows[i * choices + Int(x)] += 1 }
        for j in 0..<kernels {
            var sum = 0.0
            for k in 0..<choices { sum += rows[j * choices + k] }
            if sum == 0 { sum = 1 }
            for k in 0..<choices { rows[j * choices + k] /= sum }
        }
        return rows
    }

    /// Bandwidths for kernel-space means `mus` on [low, high] (Optuna's rule): the larger gap to the sorted
    /// neighbours (bounds as sentinels); with endpoints off and ≥ 2 observations the extremes use their inner
    /// gap only; clipped to [R / min(100, m + 2), R] with magic clip, else [1e-12, R].
    public static func bandwidths(
        sortedOrderOf mus: [Double], low: Double, high: Double, parameters: ParzenEstimatorParameters
    ) -> [Double] {
        let m = mus.count
        if m == 0 { return [] }
        let order = mus.indices.sorted { mus[$0] < mus[$1] || (mus[$0] == mus[$1] && $0 < $1) }  // ties: trial order
        var sigmas = Array(repeating: 0.0, count: m)
        let range = high - low
        let minSigma = parameters.considerMagicClip ? range / min(100.0, Double(m) + 2.0) : 1e-12
        for (rank, i) in order.enumerated() {
            let left = rank == 0 ? low : mus[order[rank - 1]]
            let right = rank == m - 1 ? high : mus[order[rank + 1]]
            var s = max(mus[i] - left, right - mus[i])
            if !parameters.considerEndpoints && m >= 2 {
                if rank == 0 { s = right - mus[i] } else if rank == m - 1 { s = mus[i] - left }
            }
            sigmas[i] = min(max(s, minSigma), range)
        }
        return sigmas
    }

    /// Log density of the mixture at one point (internal representation, one value per dimension).
    public func logPDF(_ point: [Double]) -> Double {
        var terms = weights.map { TuningMath.log($0) }
        for (d, dim) in dimensions.enumerated() {
            switch dim.kernel {
            case .categorical(let choices):
                let k = Int(point[d])
                for j in terms.indices { terms[j] += TuningMath.log(rows[d][j * choices + k]) }
            case .continuous:
                let x = dim.transform(point[d])
                for j in terms.indices {
                    terms[j] += TruncatedNormal.logPDF(
                        x, mu: mus[d][j], sigma: sigmas[d][j], low: dim.adaptedLow, high: dim.adaptedHigh)
                }
            case .discrete(let step):
                let left = dim.transform(point[d] - step / 2), right = dim.transform(point[d] + step / 2)
                for j in terms.indices {
                    let mu = mus[d][j], sigma = sigmas[d][j]
                    terms[j] += TruncatedNormal.logMass((left - mu) / sigma, (right - mu) / sigma)
                        - TruncatedNormal.logMass((dim.adaptedLow - mu) / sigma, (dim.adaptedHigh - mu) / sigma)
                }
            }
        }
        return Self.logSumExp(terms)
    }

    /// Draws `count` points from the mixture (component by weight, then per dimension a kernel draw: inverse
    /// CDF of the truncated normal, or a choice by the kernel row). Returns `points[d][i]`, internal values.
    public func sample<R: RandomNumberGenerator>(count: Int, using rng: inout R) -> [[Double]] {
        var out = Array(repeating: Array(repeating: 0.0, count: count), count: dimensions.count)
        for i in 0..<count {
            let j = Self.pick(weights, using: &rng)
            for (d, dim) in dimensions.enumerated() {
                switch dim.kernel {
                case .categorical(let choices):
                    out[d][i] = Double(Self.pickRow(rows[d], row: j, choices: choices, using: &rng))
                case .continuous, .discrete:
                    out[d][i] = Self.drawKernel(
                        dim, mu: mus[d][j], sigma: sigmas[d][j], using: &rng)
                }
            }
        }
        return out
    }

    /// One draw from a numerical kernel, mapped back to an internal value.
    static func drawKernel<R: RandomNumberGenerator>(
        _ dim: ParzenDimension, mu: Double, sigma: Double, using rng: inout R
    ) -> Double {
        let q = Double.random(in: 0..<1, using: &rng)
        let a = (dim.adaptedLow - mu) / sigma, b = (dim.adaptedHigh - mu) / sigma
        let y = TruncatedNormal.quantile(q, a, b) * sigma + mu
        return dim.untransform(min(max(y, dim.adaptedLow), dim.adaptedHigh))
    }

    /// An index drawn with probability proportional to `weights` (normalized).
    static func pick<R: RandomNumberGenerator>(_ weights: [Double], using rng: inout R) -> Int {
        let u = Double.random(in: 0..<1, using: &rng)
        var acc = 0.0
        for (j, w) in weights.enumerated() {
            acc += w
            if u < acc { return j }
        }
        return weights.count - 1
    }

    /// A choice drawn from row `row` of component-major kernel rows.
    static func pickRow<R: RandomNumberGenerator>(
        _ rows: [Double], row: Int, choices: Int, using rng: inout R
    ) -> Int {
        let u = Double.random(in: 0..<1, using: &rng)
        var acc = 0.0
        for k in 0..<(choices - 1) {
            acc += rows[row * choices + k]
            if acc > u { return k }
        }
        return choices - 1
    }

    /// log Σ exp(terms), −∞ when every term is −∞.
    public static func logSumExp(_ terms: [Double]) -> Double {
        guard var m = terms.max() else { return -.infinity }
        if m == -.infinity { m = 0 }
        var s = 0.0
        for t in terms { s += TuningMath.exp(t - m) }
        return TuningMath.log(s) + m
    }
}

/// TPE's observation weights and split size (Optuna 5.0's `default_weights` and `default_gamma`).
public enum TPEWeights {
    /// All 1 when m < 25; otherwise the oldest m − 25 get linspace(1/m, 1) and the newest 25 get 1.
    public static func ramp(_ m: Int) -> [Double] {
        if m < 25 { return Array(repeating: 1.0, count: m) }
        let n = m - 25
        var w = [Double]()
        w.reserveCapacity(m)
        let start = 1.0 / Double(m)
        if n == 1 { w.append(start) } else if n > 1 {
            let delta = (1.0 - start) / Double(n - 1)
            for i in 0..<n { w.append(i == n - 1 ? 1.0 : start + Double(i) * delta) }
        }
        w.append(contentsOf: repeatElement(1.0, count: 25))
        return w
    }

    /// gamma(n) = min(⌈0.1·n⌉, 25): how many finished trials form the "below" group (computed in floating
    /// point, as Optuna does).
    public static func gamma(_ n: Int) -> Int { min(Int((0.1 * Double(n)).rounded(.up)), 25) }
}
