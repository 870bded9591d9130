/// Scoring candidates against a `TPEMixture`: log Σ_j w_j·k_j(x) + prior, for all candidates at once.
///
/// Two passes over the components, both over raw pointers gathered once per call:
/// 1. `accumulate`: acc[i·K + j] = constant[j] + the continuous quadratic forms + the categorical lookups, block by
///    block (256 components: a block's coefficients stay in L1 while all candidates pass over them), four
///    continuous dimensions per sweep of the accumulator row (a missing fourth reuses a real dimension's
///    coefficients with u = 0, which adds exactly 0). Each candidate's best upper bound (acc + the discretized
///    bound, computed in a block-sized scratch row) is tracked on the way.
/// 2. `combine`: per candidate, the best-bound component's exact total fixes m; every component whose bound
///    (recomputed with the same arithmetic) is within `cutoff` of m gets its exact term, summed with a running
///    shift. Nothing of size K other than the accumulator is written.
extension TPEMixture {
    typealias Interval = (l: Double, r: Double, logWidth: Double)

    /// Components per block of the candidates × components product.
    static let block = 256

    /// Log density of the mixture at each candidate (`candidates[d][i]`, internal representation).
    func logDensities(_ candidates: [[Double]]) -> [Double] {
        let count = candidates.first?.count ?? 0
        let k = componentCount
        var out = [Double](repeating: -.infinity, count: count)
        let points = (0..<count).map { i in dimensions.indices.map { candidates[$0][i] } }
        if k == 0 {
            for i in 0..<count { out[i] = priorLogDensity(points[i]) }
            return out
        }
        let intervals = points.map { p in
            discrete.map { dd -> Interval in
                let x = p[dd.dimension], half = dd.step / 2
                let l = dd.isLog ? TuningMath.log(x - half) : x - half
                let r = dd.isLog ? TuningMath.log(x + half) : x + half
                return (l, r, TuningMath.log(r - l))
            }
        }
        // Reused across calls: the above group's mixture scores every ask (fresh pages would cost page faults).
        var acc = accBuffer
        accBuffer = []
        defer { accBuffer = acc }
        // Grow with slack: the above group gains a component per finished trial.
        if acc.count < count * k { acc = [Double](repeating: 0, count: count * (k + k / 4 + 64)) }
        if boundScratch.count < Self.block { boundScratch = [Double](repeating: 0, count: Self.block) }
        // Pointer lists: continuous (a, b) pairs; discrete (μ, 1/σ, bound offset, σ, log Z) quintuples; constant.
        var doubles = continuous.flatMap { [$0.a, $0.b] }
        doubles += discrete.flatMap { [$0.mu, $0.invSigma, $0.boundOffset, $0.sigma, $0.logZ] }
        doubles.append(constant)
        var scratch = boundScratch
        boundScratch = []
        defer { boundScratch = scratch }
        _ = Self.withBases(doubles) { p in
            Self.withBases(categorical.map(\.choice)) { choices in
                acc.withUnsafeMutableBufferPointer { accBuffer in
                    scratch.withUnsafeMutableBufferPointer { scratch in
                        guard let base = accBuffer.baseAddress, let scratch = scratch.baseAddress else { return }
                        let pointers = Pointers(
                            coefficients: Array(p.prefix(2 * continuous.count)),
                            discrete: Array(p[(2 * continuous.count)..<(p.count - 1)]), constant: p[p.count - 1],
                            choices: choices)
                        let best = accumulate(points, intervals, pointers, acc: base, scratch: scratch)
                        for i in 0..<count {
                            out[i] = combine(
                                intervals[i], pointers, acc: UnsafePointer(base + i * k), best: best[i],
                                prior: priorLogDensity(points[i]))
                        }
                    }
                }
            }
        }
        return out
    }

    /// Base addresses of the mixture's arrays for one scoring call.
    struct Pointers {
        var coefficients: [UnsafePointer<Double>]
        var discrete: [UnsafePointer<Double>]
        var constant: UnsafePointer<Double>
        var choices: [UnsafePointer<Int32>]
    }

    /// Calls `body` with the base address of every array (nil, without calling it, when one is empty).
    static func withBases<T, R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>]) -> R) -> R? {
        var pointers: [UnsafePointer<T>] = []
        pointers.reserveCapacity(arrays.count)
        func nest(_ index: Int) -> R? {
            if index == arrays.count { return body(pointers) }
            return arrays[index].withUnsafeBufferPointer { buffer -> R? in
                guard let base = buffer.baseAddress else { return nil }
                pointers.append(base)
                return nest(index + 1)
            }
        }
        return nest(0)
    }

    /// The upper bound (≤ 0) of a discretized kernel's log mass on [l, r] minus its log Z: log(width · the largest
    /// density on the interval).
    @inline(__always)
    static func discreteBound(
        _ l: Double, _ r: Double, _ logWidth: Double, mu: Double, invSigma: Double, offset: Double
    ) -> Double {
        let dist = max(0, max(l - mu, mu - r)) * invSigma
        return min(0, logWidth - offset - 0.5 * dist * dist)
    }

    /// Fills acc[i·K + j] (constant, continuous and categorical terms, no weight) and returns per candidate the
    /// component with the largest upper bound.
    private func accumulate(
        _ points: [[Double]], _ intervals: [[Interval]], _ p: Pointers, acc: UnsafeMutablePointer<Double>,
        scratch: UnsafeMutablePointer<Double>
    ) -> [Int] {
        let k = componentCount, count = points.count, nc = continuous.count, groups = (nc + 3) / 4
        // Per candidate: the centred kernel-space coordinates, padded with 0 to a multiple of 4, and each choice.
        let us = points.map { point in
            (0..<(4 * groups)).map { c in
                c < nc ? dimensions[continuous[c].dimension].transform(point[continuous[c].dimension])
                    - continuous[c].center : 0
            }
        }
        let xs = points.map { point in categorical.map { Int32(point[$0.dimension]) } }
        var best = [Int](repeating: -1, count: count)
        var bestBound = [Double](repeating: -.infinity, count: count)
        var blockStart = 0
        while blockStart < k {
            let n = min(Self.block, k - blockStart)
            let constant = p.constant + blockStart
            for i in 0..<count {
                let row = acc + (i * k + blockStart)
                if groups == 0 { row.update(from: constant, count: n) }
                for g in 0..<groups {
                    // Dimensions past the last reuse its coefficients (u = 0 there, so they add 0).
                    func pair(_ t: Int) -> (UnsafePointer<Double>, UnsafePointer<Double>, Double, Double) {
                        let c = min(4 * g + t, nc - 1), u = us[i][4 * g + t]
                        return (p.coefficients[2 * c] + blockStart, p.coefficients[2 * c + 1] + blockStart, u * u, u)
                    }
                    let (a0, b0, r0, q0) = pair(0), (a1, b1, r1, q1) = pair(1)
                    let (a2, b2, r2, q2) = pair(2), (a3, b3, r3, q3) = pair(3)
                    if g == 0 {
                        for j in 0..<n {
                            let s = (a0[j] * r0 + b0[j] * q0 + (a1[j] * r1 + b1[j] * q1))
                                + (a2[j] * r2 + b2[j] * q2 + (a3[j] * r3 + b3[j] * q3))
                            row[j] = constant[j] + s
                        }
                    } else {
                        for j in 0..<n {
                            let s = (a0[j] * r0 + b0[j] * q0 + (a1[j] * r1 + b1[j] * q1))
                                + (a2[j] * r2 + b2[j] * q2 + (a3[j] * r3 + b3[j] * q3))
                            row[j] += s
                        }
                    }
                }
                for c in categorical.indices {
                    let x = xs[i][c], hit = categorical[c].logHit, miss = categorical[c].logMiss
                    let choice = p.choices[c] + blockStart
                    for j in 0..<n { row[j] += choice[j] == x ? hit : miss }
                }
                // Upper bounds with the discretized dimensions (in the scratch row), and the best one so far.
                var bound = UnsafePointer(row)
                if !discrete.isEmpty {
                    scratch.update(from: row, count: n)
                    for c in discrete.indices {
                        let (l, r, logWidth) = intervals[i][c]
                        let mu = p.discrete[5 * c] + blockStart, invSigma = p.discrete[5 * c + 1] + blockStart
                        let offset = p.discrete[5 * c + 2] + blockStart
                        for j in 0..<n {
                            scratch[j] += Self.discreteBound(
                                l, r, logWidth, mu: mu[j], invSigma: invSigma[j], offset: offset[j])
                        }
                    }
                    bound = UnsafePointer(scratch)
                }
                var bestIndex = best[i], bestValue = bestBound[i]
                for j in 0..<n where bound[j] > bestValue {
                    bestValue = bound[j]
                    bestIndex = blockStart + j
                }
                best[i] = bestIndex
                bestBound[i] = bestValue
            }
            blockStart += n
        }
        return best
    }

    /// log(Σ_j exp(exact_j) + exp(prior)). Every component has an upper bound without transcendental calls
    /// (acc + the discretized bound + the largest log weight); only components whose bound is within `cutoff`
    /// of the best exact total get their exact term (log weight, erf for discretized dimensions).
    private func combine(
        _ intervals: [Interval], _ p: Pointers, acc: UnsafePointer<Double>, best: Int, prior: Double
    ) -> Double {
        let k = componentCount, nd = discrete.count
        // Exact log density of component j without its weight (the weight multiplies its exp below).
        func exact(_ j: Int) -> Double {
            var total = acc[j]
            for c in 0..<nd {
                let mu = p.discrete[5 * c][j], sigma = p.discrete[5 * c + 3][j]
                let a = (intervals[c].l - mu) / sigma, b = (intervals[c].r - mu) / sigma
                total += TruncatedNormal.logMassFast(a, b) - p.discrete[5 * c + 4][j]
            }
            return total
        }
        var m = prior
        if best >= 0 { m = max(m, exact(best) + logWeight(best)) }
        if m == -.infinity { return -.infinity }
        // Σ w_j·exp(e_j − shift) with a running shift; e_j is the term with weight 1 (an upper bound on the
        // weighted term), so the ramp weight multiplies instead of costing a log per term. A term is dropped
        // only when even its upper bound is `cutoff` below m, which is itself one of the terms.
        let threshold = m - Self.cutoff - maxLogWeight, floor = m - Self.cutoff
        let explicit = explicitLogWeights, uniformLogWeight = -logWeightSum
        var shift = m
        var s = prior == -.infinity ? 0 : TuningMath.exp(prior - shift)
        for j in 0..<k {
            var bound = acc[j]
            for c in 0..<nd {
                bound += Self.discreteBound(
                    intervals[c].l, intervals[c].r, intervals[c].logWidth, mu: p.discrete[5 * c][j],
                    invSigma: p.discrete[5 * c + 1][j], offset: p.discrete[5 * c + 2][j])
            }
            guard bound > threshold else { continue }
            let e = exact(j) + (explicit?[j] ?? uniformLogWeight)
            if e <= floor { continue }
            if e > shift {
                s *= TuningMath.exp(shift - e)
                shift = e
            }
            s += (explicit == nil ? rampWeight(j) : 1) * TuningMath.exp(e - shift)
        }
        return shift + TuningMath.log(s)
    }
}
