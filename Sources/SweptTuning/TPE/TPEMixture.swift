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
    private var accBuffer: [Double] = []
    private var boundBuffer: [Double] = []

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

    /// The prior component's log density (weight included) at one candidate.
    func priorLogDensity(_ point: [Double]) -> Double {
        if priorLogWeight == -.infinity { return -.infinity }
        var total = priorLogWeight
        for (d, dim) in dimensions.enumerated() {
            let (mu, sigma, logZ) = priorKernels[d]
            switch dim.kernel {
            case .categorical(let choices):
                total -= TuningMath.log(Double(choices))
            case .continuous:
                let z = (dim.transform(point[d]) - mu) / sigma
                total += TruncatedNormal.logDensity(z) - TuningMath.log(sigma) - logZ
            case .discrete(let step):
                let l = dim.transform(point[d] - step / 2), r = dim.transform(point[d] + step / 2)
                total += TruncatedNormal.logMass((l - mu) / sigma, (r - mu) / sigma) - logZ
            }
        }
        return total
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

    /// Components per block of the candidates × components product: a block's coefficients stay in L1 while
    /// all candidates pass over them.
    static let block = 256

    /// Log density of the mixture at each candidate (`candidates[d][i]`, internal representation).
    func logDensities(_ candidates: [[Double]]) -> [Double] {
        let count = candidates.first?.count ?? 0
        let k = componentCount
        var out = [Double](repeating: -.infinity, count: count)
        var points = (0..<count).map { i in dimensions.indices.map { candidates[$0][i] } }
        if k == 0 {
            for i in 0..<count { out[i] = priorLogDensity(points[i]) }
            return out
        }
        let intervals = points.map { p in
            discrete.map { dd -> (l: Double, r: Double, logWidth: Double) in
                let x = p[dd.dimension], half = dd.step / 2
                let l = dd.isLog ? TuningMath.log(x - half) : x - half
                let r = dd.isLog ? TuningMath.log(x + half) : x + half
                return (l, r, TuningMath.log(r - l))
            }
        }
        // Reused across calls: the above group's mixture scores every ask (fresh pages would cost page faults).
        var acc = accBuffer, bound = boundBuffer
        accBuffer = []
        boundBuffer = []
        defer {
            accBuffer = acc
            boundBuffer = bound
        }
        // Grow with slack: the above group gains a component per finished trial.
        if acc.count < count * k { acc = [Double](repeating: 0, count: count * (k + k / 4 + 64)) }
        if !discrete.isEmpty && bound.count < count * k {
            bound = [Double](repeating: 0, count: count * (k + k / 4 + 64))
        }
        var best = [(index: Int, bound: Double)](repeating: (-1, -.infinity), count: count)
        accumulate(points, intervals: intervals, acc: &acc, bound: &bound, best: &best)
        var terms: [Double] = []
        var survivors: [Int] = []
        for i in 0..<count {
            let prior = priorLogDensity(points[i])
            out[i] = acc.withUnsafeBufferPointer { all in
                bound.withUnsafeBufferPointer { allBounds in
                    let row = UnsafeBufferPointer(rebasing: all[(i * k)..<((i + 1) * k)])
                    let bounds = discrete.isEmpty
                        ? row : UnsafeBufferPointer(rebasing: allBounds[(i * k)..<((i + 1) * k)])
                    return combine(
                        intervals[i], acc: row, bound: bounds, best: best[i].index, prior: prior, terms: &terms,
                        survivors: &survivors)
                }
            }
        }
        points.removeAll()
        return out
    }

    /// acc[i·K + j] = constant[j] + continuous quadratic forms + categorical lookups at candidate i (no weight),
    /// computed block by block over components.
    private func accumulate(
        _ points: [[Double]], intervals: [[(l: Double, r: Double, logWidth: Double)]], acc: inout [Double],
        bound: inout [Double], best: inout [(index: Int, bound: Double)]
    ) {
        let k = componentCount, count = points.count
        // Per candidate: the centred kernel-space coordinate of each continuous dimension, and each choice.
        let us = points.map { p in continuous.map { dimensions[$0.dimension].transform(p[$0.dimension]) - $0.center } }
        let xs = points.map { p in categorical.map { Int32(p[$0.dimension]) } }
        acc.withUnsafeMutableBufferPointer { accBuffer in
            guard let accBase = accBuffer.baseAddress else { return }
            var blockStart = 0
            while blockStart < k {
                let n = min(Self.block, k - blockStart)
                for i in 0..<count {
                    let row = accBase + (i * k + blockStart)
                    constant.withUnsafeBufferPointer { c in
                        guard let c = c.baseAddress.map({ $0 + blockStart }) else { return }
                        row.update(from: c, count: n)
                    }
                    var c = 0
                    while c < continuous.count {
                        let u = us[i][c], u2 = u * u
                        if c + 1 < continuous.count {
                            // Two dimensions per pass: half the loads and stores of the accumulator row.
                            let v = us[i][c + 1], v2 = v * v
                            continuous[c].a.withUnsafeBufferPointer { a in
                                continuous[c].b.withUnsafeBufferPointer { b in
                                    continuous[c + 1].a.withUnsafeBufferPointer { a1 in
                                        continuous[c + 1].b.withUnsafeBufferPointer { b1 in
                                            guard let a = a.baseAddress, let b = b.baseAddress,
                                                let a1 = a1.baseAddress, let b1 = b1.baseAddress
                                            else { return }
                                            Self.addQuadratic2(
                                                row, a + blockStart, b + blockStart, a1 + blockStart,
                                                b1 + blockStart, u2, u, v2, v, n)
                                        }
                                    }
                                }
                            }
                            c += 2
                            continue
                        }
                        continuous[c].a.withUnsafeBufferPointer { a in
                            continuous[c].b.withUnsafeBufferPointer { b in
                                guard let a = a.baseAddress.map({ $0 + blockStart }),
                                    let b = b.baseAddress.map({ $0 + blockStart })
                                else { return }
                                Self.addQuadratic(row, a, b, u2, u, n)
                            }
                        }
                        c += 1
                    }
                    for c in categorical.indices {
                        let x = xs[i][c], hit = categorical[c].logHit, miss = categorical[c].logMiss
                        categorical[c].choice.withUnsafeBufferPointer { choice in
                            guard let choice = choice.baseAddress.map({ $0 + blockStart }) else { return }
                            for j in 0..<n { row[j] += choice[j] == x ? hit : miss }
                        }
                    }
                    // Upper bounds with the discretized dimensions, and the best bound so far.
                    func track(_ ub: UnsafePointer<Double>) {
                        var bestIndex = best[i].index, bestBound = best[i].bound
                        for j in 0..<n where ub[j] > bestBound {
                            bestBound = ub[j]
                            bestIndex = blockStart + j
                        }
                        best[i] = (bestIndex, bestBound)
                    }
                    if discrete.isEmpty {
                        track(row)
                    } else {
                        bound.withUnsafeMutableBufferPointer { b in
                            guard let base = b.baseAddress else { return }
                            let out = base + (i * k + blockStart)
                            out.update(from: row, count: n)
                            for c in discrete.indices {
                                let (l, r, logWidth) = intervals[i][c]
                                discrete[c].mu.withUnsafeBufferPointer { mu in
                                    discrete[c].invSigma.withUnsafeBufferPointer { invSigma in
                                        discrete[c].boundOffset.withUnsafeBufferPointer { offset in
                                            guard let mu = mu.baseAddress.map({ $0 + blockStart }),
                                                let invSigma = invSigma.baseAddress.map({ $0 + blockStart }),
                                                let offset = offset.baseAddress.map({ $0 + blockStart })
                                            else { return }
                                            for j in 0..<n {
                                                let dist = max(0, max(l - mu[j], mu[j] - r)) * invSigma[j]
                                                out[j] += min(0, logWidth - offset[j] - 0.5 * dist * dist)
                                            }
                                        }
                                    }
                                }
                            }
                            track(out)
                        }
                    }
                }
                blockStart += n
            }
        }
    }

    /// row[j] += a[j]·u² + b[j]·u + a1[j]·v² + b1[j]·v for j < n.
    @inline(__always)
    static func addQuadratic2(
        _ row: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
        _ a1: UnsafePointer<Double>, _ b1: UnsafePointer<Double>, _ u2: Double, _ u: Double, _ v2: Double,
        _ v: Double, _ n: Int
    ) {
        for j in 0..<n { row[j] += (a[j] * u2 + b[j] * u) + (a1[j] * v2 + b1[j] * v) }
    }

    /// row[j] += a[j]·u² + b[j]·u for j < n (the inner loop of the product; vectorizes).
    @inline(__always)
    static func addQuadratic(
        _ row: UnsafeMutablePointer<Double>, _ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>,
        _ u2: Double, _ u: Double, _ n: Int
    ) {
        for j in 0..<n { row[j] += a[j] * u2 + b[j] * u }
    }

    /// log(Σ_j exp(exact_j) + exp(prior)). Every component gets an upper bound without transcendental calls
    /// (acc + the discretized bound + the largest log weight); only components whose bound is within `cutoff`
    /// of the best exact total get their exact term (log weight, erf for discretized dimensions).
    private func combine(
        _ intervals: [(l: Double, r: Double, logWidth: Double)], acc: UnsafeBufferPointer<Double>,
        bound: UnsafeBufferPointer<Double>, best: Int, prior: Double, terms: inout [Double], survivors: inout [Int]
    ) -> Double {
        let k = componentCount
        // Exact log density of component j without its weight (the weight multiplies its exp below).
        func exact(_ j: Int) -> Double {
            var total = acc[j]
            for c in discrete.indices {
                let mu = discrete[c].mu[j], sigma = discrete[c].sigma[j]
                total += TruncatedNormal.logMass((intervals[c].l - mu) / sigma, (intervals[c].r - mu) / sigma)
                    - discrete[c].logZ[j]
            }
            return total
        }
        var m = prior
        if best >= 0 { m = max(m, exact(best) + logWeight(best)) }
        if m == -.infinity { return -.infinity }
        // Survivors: exact terms (without weight) of components whose bound is within `cutoff` of m.
        terms.removeAll(keepingCapacity: true)
        survivors.removeAll(keepingCapacity: true)
        let threshold = m - Self.cutoff - maxLogWeight
        for j in 0..<k where bound[j] > threshold {
            terms.append(exact(j))
            survivors.append(j)
        }
        // Σ w_j·exp(e_j − shift) with a running shift; e_j is the term with weight 1 (an upper bound on the
        // weighted term), so the ramp weight multiplies instead of costing a log per term. A term is dropped
        // only when even its upper bound is `cutoff` below m, which is itself one of the terms.
        let floor = m - Self.cutoff
        var shift = m
        var s = prior == -.infinity ? 0 : TuningMath.exp(prior - shift)
        for (t, j) in zip(terms, survivors) {
            let e = t + (explicitLogWeights?[j] ?? -logWeightSum)
            if e <= floor { continue }
            if e > shift {
                s *= TuningMath.exp(shift - e)
                shift = e
            }
            s += (explicitLogWeights == nil ? rampWeight(j) : 1) * TuningMath.exp(e - shift)
        }
        return shift + TuningMath.log(s)
    }
}
