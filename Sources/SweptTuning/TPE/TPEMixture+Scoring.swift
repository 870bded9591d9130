/// Scoring candidates against a `TPEMixture`: log Σ_j w_j·k_j(x) + prior, for all candidates at once.
///
/// Two passes, both over raw pointers gathered once per call:
/// 1. `accumulate`: block by block (256 components: a block's coefficients stay in L1 while all candidates pass
///    over them), a row of upper bounds of component j's log density at candidate i without its weight:
///    constant[j] + the continuous quadratic forms + the categorical lookups (exact) + the discretized bounds
///    (no erf), four continuous dimensions per sweep of the row (a missing fourth reuses a real dimension's
///    coefficients with u = 0, which adds exactly 0). Per candidate it keeps m, the largest exact weighted term
///    seen (the prior's, then the exact term of every component whose bound is the best so far), and lists the
///    components whose bound is within `cutoff` (+ the largest log weight) of the m of that moment.
/// 2. `combine`: per candidate, the listed components whose bound is within `cutoff` of the final m get their
///    exact term (recomputed from the coefficients, erf for discretized dimensions), summed with a running shift.
///    m only grows, so the list holds every component the final threshold keeps; nothing of size K is stored.
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
        // Reused across calls: the bound row, and per candidate room for K survivors (grown with slack: the above
        // group gains a component per finished trial; fresh pages would cost page faults at every ask).
        var row = accBuffer, survivors = survivorBuffer, bounds = survivorBoundBuffer
        (accBuffer, survivorBuffer, survivorBoundBuffer) = ([], [], [])
        defer { (accBuffer, survivorBuffer, survivorBoundBuffer) = (row, survivors, bounds) }
        if row.count < Self.block { row = [Double](repeating: 0, count: Self.block) }
        if survivors.count < count * k {
            survivors = [Int32](repeating: 0, count: count * (k + k / 4 + 64))
            bounds = [Double](repeating: 0, count: survivors.count)
        }
        // Pointer lists: continuous (a, b) pairs; discrete (μ, 1/σ, bound offset, σ, log Z) quintuples; constant.
        var doubles = continuous.flatMap { [$0.a, $0.b] }
        doubles += discrete.flatMap { [$0.mu, $0.invSigma, $0.boundOffset, $0.sigma, $0.logZ] }
        doubles.append(constant)
        let nc = continuous.count, groups = (nc + 3) / 4
        // Per candidate: the centred kernel-space coordinates, padded with 0 to a multiple of 4, and each choice.
        let us = points.map { point in
            (0..<(4 * groups)).map { c in
                c < nc ? dimensions[continuous[c].dimension].transform(point[continuous[c].dimension])
                    - continuous[c].center : 0
            }
        }
        let xs = points.map { point in categorical.map { Int32(point[$0.dimension]) } }
        _ = Self.withBases(doubles) { p in
            Self.withBases(categorical.map(\.choice)) { choices in
                row.withUnsafeMutableBufferPointer { rowBuffer in
                    survivors.withUnsafeMutableBufferPointer { survivorBuffer in
                        bounds.withUnsafeMutableBufferPointer { boundBuffer in
                            guard let base = rowBuffer.baseAddress, let survivors = survivorBuffer.baseAddress,
                                let bounds = boundBuffer.baseAddress
                            else { return }
                            let pointers = Pointers(
                                coefficients: Array(p.prefix(2 * nc)), discrete: Array(p[(2 * nc)..<(p.count - 1)]),
                                constant: p[p.count - 1], choices: choices)
                            let states = accumulate(
                                us, xs, intervals, pointers, priors: points.map(priorLogDensity), row: base,
                                survivors: survivors, bounds: bounds)
                            for i in 0..<count {
                                out[i] = combine(
                                    us[i], xs[i], intervals[i], pointers, states[i],
                                    survivors: survivors + i * k, bounds: bounds + i * k)
                            }
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

    /// One candidate's running state in `accumulate`.
    struct CandidateState {
        /// The component with the largest bound so far (first on ties), and that bound.
        var best = -1
        var bestBound = -Double.infinity
        /// The prior's log density (weight included) at the candidate.
        var prior: Double
        /// The largest exact weighted term seen so far (the prior's to begin with).
        var m: Double
        /// How many components (listed with their bounds from the candidate's offset i·K in the survivor
        /// buffers) came within `cutoff` + the largest log weight of the m of their block.
        var survivorCount = 0
    }

    /// Computes every component's bound at every candidate, block by block into `row`, and returns per candidate
    /// its m and the components that may reach `cutoff` of it.
    private func accumulate(
        _ us: [[Double]], _ xs: [[Int32]], _ intervals: [[Interval]], _ p: Pointers, priors: [Double],
        row: UnsafeMutablePointer<Double>, survivors: UnsafeMutablePointer<Int32>, bounds: UnsafeMutablePointer<Double>
    ) -> [CandidateState] {
        let k = componentCount, nc = continuous.count, groups = (nc + 3) / 4
        var states = priors.map { CandidateState(prior: $0, m: $0) }
        let count = states.count
        var blockStart = 0
        while blockStart < k {
            let n = min(Self.block, k - blockStart)
            let constant = p.constant + blockStart
            for i in 0..<count {
                if groups == 0 { row.update(from: constant, count: n) }
                for g in 0..<groups {
                    // Dimensions past the last reuse its coefficients (u = 0 there, so they add 0).
                    func pair(_ t: Int) -> (UnsafePointer<Double>, UnsafePointer<Double>, Double, Double) {
                        let c = min(4 * g + t, nc - 1), u = us[i][4 * g + t]
                        return (p.coefficients[2 * c] + blockStart, p.coefficients[2 * c + 1] + blockStart, u * u, u)
                    }
                    let (a0, b0, r0, q0) = pair(0), (a1, b1, r1, q1) = pair(1)
                    let (a2, b2, r2, q2) = pair(2), (a3, b3, r3, q3) = pair(3)
                    if nc - 4 * g == 3 {
                        // Three dimensions left: no padded fourth.
                        // The row's source hoisted out of the loop (a select inside it would keep it scalar).
                        let source = g == 0 ? constant : UnsafePointer(row)
                        for j in 0..<n {
                            let s = (a0[j] * r0 + b0[j] * q0 + (a1[j] * r1 + b1[j] * q1)) + (a2[j] * r2 + b2[j] * q2)
                            row[j] = source[j] + s
                        }
                    } else if g == 0 {
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
                // The discretized dimensions' bounds, and the best bound so far.
                for c in discrete.indices {
                    let (l, r, logWidth) = intervals[i][c]
                    let mu = p.discrete[5 * c] + blockStart, invSigma = p.discrete[5 * c + 1] + blockStart
                    let offset = p.discrete[5 * c + 2] + blockStart
                    for j in 0..<n {
                        row[j] += Self.discreteBound(
                            l, r, logWidth, mu: mu[j], invSigma: invSigma[j], offset: offset[j])
                    }
                }
                // The block's maximum without branches (four lanes); only a block that beats the best so far is
                // searched for its first maximal component.
                var m0 = -Double.infinity, m1 = m0, m2 = m0, m3 = m0
                var j = 0
                while j + 3 < n {
                    m0 = row[j] > m0 ? row[j] : m0
                    m1 = row[j + 1] > m1 ? row[j + 1] : m1
                    m2 = row[j + 2] > m2 ? row[j + 2] : m2
                    m3 = row[j + 3] > m3 ? row[j + 3] : m3
                    j += 4
                }
                while j < n {
                    m0 = row[j] > m0 ? row[j] : m0
                    j += 1
                }
                let blockMax = max(max(m0, m1), max(m2, m3))
                if blockMax > states[i].bestBound {
                    // The first component at the block's maximum (no NaN passes a comparison, so one exists).
                    var first = 0
                    while first < n - 1 && !(row[first] == blockMax) { first += 1 }
                    let bestIndex = blockStart + first
                    states[i].best = bestIndex
                    states[i].bestBound = blockMax
                    let term = exact(bestIndex, us[i], xs[i], intervals[i], p) + logWeight(bestIndex)
                    states[i].m = max(states[i].m, term)
                }
                // Survivors are few once m is known (a rarely taken branch beats a branch-free compaction), and a
                // block whose maximum is below the threshold has none.
                let threshold = states[i].m - Self.cutoff - maxLogWeight
                guard blockMax > threshold else { continue }
                let listed = survivors + i * k, listedBounds = bounds + i * k
                var listCount = states[i].survivorCount
                for j in 0..<n where row[j] > threshold {
                    listed[listCount] = Int32(blockStart + j)
                    listedBounds[listCount] = row[j]
                    listCount += 1
                }
                states[i].survivorCount = listCount
            }
            blockStart += n
        }
        return states
    }

    /// Exact log density of component j at a candidate, without its weight.
    @inline(__always)
    private func exact(_ j: Int, _ u: [Double], _ x: [Int32], _ intervals: [Interval], _ p: Pointers) -> Double {
        var total = p.constant[j]
        for c in 0..<continuous.count {
            total += p.coefficients[2 * c][j] * (u[c] * u[c]) + p.coefficients[2 * c + 1][j] * u[c]
        }
        for c in categorical.indices {
            total += p.choices[c][j] == x[c] ? categorical[c].logHit : categorical[c].logMiss
        }
        for c in discrete.indices {
            let mu = p.discrete[5 * c][j], sigma = p.discrete[5 * c + 3][j]
            let a = (intervals[c].l - mu) / sigma, b = (intervals[c].r - mu) / sigma
            total += TruncatedNormal.logMassFast(a, b) - p.discrete[5 * c + 4][j]
        }
        return total
    }

    /// log(Σ_j exp(exact_j) + exp(prior)) over the terms within `cutoff` of m: a term is dropped only when even
    /// its upper bound (bound + the largest log weight) is `cutoff` below m, which is itself one of the terms.
    private func combine(
        _ u: [Double], _ x: [Int32], _ intervals: [Interval], _ p: Pointers, _ state: CandidateState,
        survivors: UnsafePointer<Int32>, bounds: UnsafePointer<Double>
    ) -> Double {
        let m = state.m
        if m == -.infinity { return -.infinity }
        // Σ w_j·exp(e_j − shift) with a running shift; e_j is the term with weight 1 (an upper bound on the
        // weighted term), so the ramp weight multiplies instead of costing a log per term.
        let threshold = m - Self.cutoff - maxLogWeight, floor = m - Self.cutoff
        let explicit = explicitLogWeights, uniformLogWeight = -logWeightSum
        var shift = m
        var s = state.prior == -.infinity ? 0 : TuningMath.exp(state.prior - shift)
        for index in 0..<state.survivorCount where bounds[index] > threshold {
            let j = Int(survivors[index])
            let e = exact(j, u, x, intervals, p) + (explicit?[j] ?? uniformLogWeight)
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
