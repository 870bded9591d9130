/// A Parzen mixture laid out for fast scoring of many candidates against many components.
///
/// Per observation component `j` (the prior is kept apart):
/// - continuous dimensions contribute a quadratic form in the centred kernel-space value u = x̃ − centre:
///   `a[j]·u² + b[j]·u`, with the rest of the truncated-normal log density folded into `constant[j]`
///   (−½(μ'/σ)² − log σ − log √(2π) − log Z, plus the component's log weight): one fused multiply-add pair per
///   dimension and component, a (candidates × features)·(features × components) product done in place;
/// - categorical dimensions add a kernel-row lookup: `logHit` when the component's observed choice equals the
///   candidate's, else `logMiss` (every observed row of a group has that shape);
/// - discretized dimensions add log mass(interval) − log Z, which needs `erf`. That term is ≤ 0, and it is
///   bounded above without `erf` (mass ≤ width·max density on the interval), so a component whose bounded total
///   is more than `TPEMixture.cutoff` nats below the best exact total is skipped without calling `erf`.
///
/// Terms more than `cutoff` (40) nats below the largest one are left out of the log-sum-exp: with K components
/// the result changes by less than K·e⁻⁴⁰ relative (4·10⁻¹⁴ for K = 10⁴), far inside the 1e-9 the tests ask.
final class TPEMixture {
    /// Nats below the running maximum beyond which a component's share is ignored.
    static let cutoff = 40.0

    struct Continuous {
        var dimension: Int
        var center: Double
        var a: [Double] = []
        var b: [Double] = []
    }
    struct Discrete {
        var dimension: Int
        var step: Double
        var isLog: Bool
        var mu: [Double] = []
        var sigma: [Double] = []
        var invSigma: [Double] = []
        /// log σ + log Z + log √(2π): what the upper bound subtracts.
        var boundOffset: [Double] = []
        var logZ: [Double] = []
    }
    struct Categorical {
        var dimension: Int
        var choice: [Int32] = []
        var logHit = 0.0
        var logMiss = 0.0
    }

    let dimensions: [ParzenDimension]
    var continuous: [Continuous] = []
    var discrete: [Discrete] = []
    var categorical: [Categorical] = []
    /// Component constants (continuous terms, no weight); −∞ for components that are switched off.
    var constant: [Double] = []
    /// Explicit normalized log weights (small mixtures), or nil to use the ramp below.
    var explicitLogWeights: [Double]?
    /// Rank of each component among the group's members in trial-number order (ramp weights).
    var weightRank: [Int32] = []
    /// Optuna's ramp: the oldest `count` members get linspace(start, 1) (step `delta`), the rest weight 1.
    var ramp: (count: Int, start: Double, delta: Double) = (0, 1, 0)
    /// log of the sum of the unnormalized weights (observations + prior).
    var logWeightSum = 0.0
    /// The largest normalized log weight of an observation component (for the skip bound).
    var maxLogWeight = 0.0
    /// The prior component's log weight (−∞ when it has weight 0 or there is none).
    var priorLogWeight = -Double.infinity
    /// Per dimension: the prior kernel (μ, σ, log Z) for numerical dimensions; ignored for categorical ones.
    var priorKernels: [(mu: Double, sigma: Double, logZ: Double)] = []

    var componentCount: Int { constant.count }
    /// Scratch of scoring calls, reused (see TPEMixture+Scoring.swift).
    var blockScratch = Scratch()
    /// Per-term scratch of the exact pass (log terms, weights, discretized centres, widths, series).
    var exactScratch: [Double] = []
    var survivorBuffer: [Int32] = []
    var survivorBoundBuffer: [Double] = []

    /// Buffers of the bound pass: one packed block, its choices, one candidate's bound row.
    struct Scratch {
        var block: [Float] = []
        var choices: [Int32] = []
        var row: [Float] = []

        /// Calls `body` with the three base addresses (the buffers must not be empty, except `choices`).
        mutating func withPointers(
            _ body: (UnsafeMutablePointer<Float>, UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Float>) -> Void
        ) {
            if choices.isEmpty { choices = [-1] }
            block.withUnsafeMutableBufferPointer { block in
                choices.withUnsafeMutableBufferPointer { choices in
                    row.withUnsafeMutableBufferPointer { row in
                        guard let b = block.baseAddress, let c = choices.baseAddress, let r = row.baseAddress
                        else { return }
                        body(b, c, r)
                    }
                }
            }
        }
    }

    init(dimensions: [ParzenDimension]) {
        self.dimensions = dimensions
        for (d, dim) in dimensions.enumerated() {
            switch dim.kernel {
            case .continuous:
                continuous.append(Continuous(dimension: d, center: 0.5 * (dim.adaptedLow + dim.adaptedHigh)))
            case .discrete(let step):
                discrete.append(Discrete(dimension: d, step: step, isLog: dim.isLog))
            case .categorical:
                categorical.append(Categorical(dimension: d))
            }
            let mu = 0.5 * (dim.adaptedLow + dim.adaptedHigh), sigma = dim.adaptedHigh - dim.adaptedLow
            let logZ = dim.isCategorical
                ? 0 : TruncatedNormal.logMass((dim.adaptedLow - mu) / sigma, (dim.adaptedHigh - mu) / sigma)
            priorKernels.append((mu, sigma, logZ))
        }
    }

    /// The same mixture as a reference `ParzenEstimator` (used for small groups and in tests).
    convenience init(_ estimator: ParzenEstimator) {
        self.init(dimensions: estimator.dimensions)
        let m = estimator.componentCount - 1
        let observed = max(m, 0)
        resize(observed)
        let logWeights = estimator.weights.prefix(observed).map { TuningMath.log($0) }
        explicitLogWeights = logWeights
        maxLogWeight = logWeights.max() ?? 0
        priorLogWeight = TuningMath.log(estimator.weights[estimator.componentCount - 1])
        for c in continuous.indices {
            let d = continuous[c].dimension
            for j in 0..<observed {
                setContinuous(c, component: j, mu: estimator.mus[d][j], sigma: estimator.sigmas[d][j])
            }
        }
        for c in discrete.indices {
            let d = discrete[c].dimension
            for j in 0..<observed {
                setDiscrete(c, component: j, mu: estimator.mus[d][j], sigma: estimator.sigmas[d][j])
            }
        }
        for c in categorical.indices {
            let d = categorical[c].dimension
            guard case .categorical(let choices) = dimensions[d].kernel, observed > 0 else { continue }
            let rows = estimator.rows[d]
            for j in 0..<observed {
                var best = 0
                for k in 1..<choices where rows[j * choices + k] > rows[j * choices + best] { best = k }
                categorical[c].choice[j] = Int32(best)
            }
            let hit = rows[0 * choices + Int(categorical[c].choice[0])]
            let miss = choices > 1 ? rows[(Int(categorical[c].choice[0]) == 0 ? 1 : 0)] : 0
            categorical[c].logHit = TuningMath.log(hit)
            categorical[c].logMiss = TuningMath.log(miss)
        }
    }

    /// Sets the number of observation components, keeping existing entries.
    func resize(_ count: Int) {
        func fit<T>(_ array: inout [T], _ filler: T) {
            if array.count > count { array.removeLast(array.count - count) } else {
                array.append(contentsOf: repeatElement(filler, count: count - array.count))
            }
        }
        fit(&constant, 0)
        fit(&weightRank, 0)
        for c in continuous.indices { fit(&continuous[c].a, 0); fit(&continuous[c].b, 0) }
        for c in discrete.indices {
            fit(&discrete[c].mu, 0); fit(&discrete[c].sigma, 1); fit(&discrete[c].invSigma, 1)
            fit(&discrete[c].boundOffset, 0)
            fit(&discrete[c].logZ, 0)
        }
        for c in categorical.indices { fit(&categorical[c].choice, 0) }
    }

    /// The quadratic coefficients of a truncated-normal kernel in the centred coordinate, and its constant.
    static func continuousTerms(mu: Double, sigma: Double, center: Double, low: Double, high: Double)
        -> (a: Double, b: Double, c: Double)
    {
        let inv = 1 / (sigma * sigma)
        let m = mu - center
        let logZ = TruncatedNormal.logMass((low - mu) / sigma, (high - mu) / sigma)
        return (-0.5 * inv, m * inv, -0.5 * m * m * inv - TuningMath.log(sigma) - TruncatedNormal.logSqrt2Pi - logZ)
    }

    /// Writes continuous kernel `c`'s coefficients for component `j` and adds its constant to `constant[j]`.
    func setContinuous(_ c: Int, component j: Int, mu: Double, sigma: Double) {
        let dim = dimensions[continuous[c].dimension]
        let t = Self.continuousTerms(
            mu: mu, sigma: sigma, center: continuous[c].center, low: dim.adaptedLow, high: dim.adaptedHigh)
        continuous[c].a[j] = t.a
        continuous[c].b[j] = t.b
        constant[j] += t.c
    }

    /// Writes discrete kernel `c` for component `j`.
    func setDiscrete(_ c: Int, component j: Int, mu: Double, sigma: Double) {
        let dim = dimensions[discrete[c].dimension]
        let logZ = TruncatedNormal.logMass((dim.adaptedLow - mu) / sigma, (dim.adaptedHigh - mu) / sigma)
        discrete[c].mu[j] = mu
        discrete[c].sigma[j] = sigma
        discrete[c].invSigma[j] = 1 / sigma
        discrete[c].logZ[j] = logZ
        discrete[c].boundOffset[j] = TuningMath.log(sigma) + TruncatedNormal.logSqrt2Pi + logZ
    }

    /// The prior component's log density (weight included) at a candidate, from the candidate's per-dimension
    /// terms (`priorTerms`): the weight, then the terms in dimension order.
    func priorLogDensity(terms: [Double]) -> Double {
        if priorLogWeight == -.infinity { return -.infinity }
        var total = priorLogWeight
        for term in terms { total += term }
        return total
    }

    /// The prior kernel's log density terms at one candidate, one per dimension (they depend only on the
    /// dimensions, not on the observations).
    func priorTerms(_ point: [Double]) -> [Double] {
        dimensions.indices.map { d in
            let dim = dimensions[d], (mu, sigma, logZ) = priorKernels[d]
            switch dim.kernel {
            case .categorical(let choices):
                return -TuningMath.log(Double(choices))
            case .continuous:
                let z = (dim.transform(point[d]) - mu) / sigma
                return TruncatedNormal.logDensity(z) - TuningMath.log(sigma) - logZ
            case .discrete(let step):
                let l = dim.transform(point[d] - step / 2), r = dim.transform(point[d] + step / 2)
                return TruncatedNormal.logMass((l - mu) / sigma, (r - mu) / sigma) - logZ
            }
        }
    }

    /// The log weight of component `j` (normalized).
    @inline(__always)
    func logWeight(_ j: Int) -> Double {
        if let explicitLogWeights { return explicitLogWeights[j] }
        return TuningMath.log(rampWeight(j)) - logWeightSum
    }

    /// The unnormalized ramp weight of component `j` (1 for the newest 25 members).
    @inline(__always)
    func rampWeight(_ j: Int) -> Double {
        let r = Int(weightRank[j])
        guard r < ramp.count else { return 1 }
        return ramp.count > 1 && r == ramp.count - 1 ? 1.0 : ramp.start + Double(r) * ramp.delta
    }

}
