import CSweptKernels

/// Scoring candidates against a `TPEMixture`: log Σ_j w_j·k_j(x) + prior, for all candidates at once.
///
/// Two passes, both over raw pointers gathered once per call:
/// 1. `accumulate`: block by block (256 components, packed into single precision: a block's coefficients stay in
///    L1 while all candidates pass over them), a row of upper bounds of component j's log density at candidate i
///    without its weight: constant[j] + the continuous quadratic forms + the categorical lookups + the
///    discretized bounds (no erf), in one vectorized pass per chunk, plus a slack that covers the float rounding
///    (TPEMixture+Block.swift). Per candidate it keeps m, the largest exact weighted term seen (the prior's, then
///    the exact term of every component whose bound is the best so far), and lists the components whose bound
///    is within `cutoff` (+ the largest log weight) of the m of that moment.
/// 2. `combine`: per candidate, the listed components whose bound is within `cutoff` of the final m get their
///    exact term (the continuous part recomputed in double from the coefficients, the discretized masses from a
///    series or the CDFs), summed scaled by the largest bound. m only grows, so the list holds every component
///    the final threshold keeps; nothing of size K is stored.
extension TPEMixture {
    /// A candidate's interval in kernel space for a discretized dimension: its ends, r − l and log(r − l).
    typealias Interval = (l: Double, r: Double, width: Double, logWidth: Double)
    /// The float buffers of one scoring call: packed block, its choices, one bound row.
    typealias BlockScratch = (
        block: UnsafeMutablePointer<Float>, choices: UnsafeMutablePointer<Int32>, row: UnsafeMutablePointer<Float>
    )

    /// Components per block of the candidates × components product.
    static let block = 256

    /// Log density of the mixture at each candidate (`candidates[d][i]`, internal representation).
    func logDensities(_ candidates: [[Double]]) -> [Double] {
        logDensities(prepare(candidates))
    }

    /// Log density of the mixture at prepared candidates (prepared by a mixture over the same dimensions).
    func logDensities(_ prepared: Candidates) -> [Double] {
        precondition(prepared.dimensions == dimensions, "candidates prepared for other dimensions")
        let count = prepared.count
        let k = componentCount
        var out = [Double](repeating: -.infinity, count: count)
        let priors = prepared.priorTerms.map(priorLogDensity(terms:))
        if k == 0 { return priors }
        let (intervals, us, xs) = (prepared.intervals, prepared.us, prepared.xs)
        var inputs = prepared.inputs
        inputs.hits = categorical.map { Float($0.logHit) }
        inputs.misses = categorical.map { Float($0.logMiss) }
        // Reused across calls: the float block, its choices and bound row, and per candidate room for K survivors
        // (grown with slack: the above group gains a component per finished trial; fresh pages would cost page
        // faults at every ask).
        var scratch = blockScratch, survivors = survivorBuffer, bounds = survivorBoundBuffer
        (blockScratch, survivorBuffer, survivorBoundBuffer) = (Scratch(), [], [])
        defer { (blockScratch, survivorBuffer, survivorBoundBuffer) = (scratch, survivors, bounds) }
        let features = 2 * continuous.count + 1 + 3 * discrete.count
        if scratch.block.count < features * Self.block {
            scratch.block = [Float](repeating: 0, count: features * Self.block)
        }
        if scratch.choices.count < categorical.count * Self.block {
            scratch.choices = [Int32](repeating: 0, count: categorical.count * Self.block)
        }
        if scratch.row.count < Self.block { scratch.row = [Float](repeating: 0, count: Self.block) }
        if survivors.count < count * k {
            survivors = [Int32](repeating: 0, count: count * (k + k / 4 + 64))
            bounds = [Double](repeating: 0, count: survivors.count)
        }
        // Pointer lists: continuous (a, b) pairs; discrete (μ, 1/σ, bound offset, σ, log Z) quintuples; constant.
        var doubles = continuous.flatMap { [$0.a, $0.b] }
        doubles += discrete.flatMap { [$0.mu, $0.invSigma, $0.boundOffset, $0.sigma, $0.logZ] }
        doubles.append(constant)
        let nc = continuous.count
        _ = Self.withBases(doubles) { p in
            Self.withBases(categorical.map(\.choice)) { choices in
                survivors.withUnsafeMutableBufferPointer { survivorBuffer in
                    bounds.withUnsafeMutableBufferPointer { boundBuffer in
                        scratch.withPointers { block, blockChoices, row in
                            guard let survivors = survivorBuffer.baseAddress, let bounds = boundBuffer.baseAddress
                            else { return }
                            let pointers = Pointers(
                                coefficients: Array(p.prefix(2 * nc)), discrete: Array(p[(2 * nc)..<(p.count - 1)]),
                                constant: p[p.count - 1], choices: choices)
                            let states = accumulate(
                                us, xs, intervals, pointers, inputs, priors: priors,
                                scratch: (block, blockChoices, row), survivors: survivors, bounds: bounds)
                            combineAll(us, xs, intervals, pointers, states, survivors: survivors, bounds: bounds,
                                       into: &out)
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

    /// Computes every component's bound at every candidate, block by block (float, see TPEMixture+Block.swift),
    /// and returns per candidate its m and the components that may reach `cutoff` of it.
    private func accumulate(
        _ us: [[Double]], _ xs: [[Int32]], _ intervals: [[Interval]], _ p: Pointers, _ inputs: BlockInputs,
        priors: [Double],
        scratch: BlockScratch,
        survivors: UnsafeMutablePointer<Int32>, bounds: UnsafeMutablePointer<Double>
    ) -> [CandidateState] {
        let k = componentCount
        var states = priors.map { CandidateState(prior: $0, m: $0) }
        let row = scratch.row
        var blockStart = 0
        while blockStart < k {
            let n = min(Self.block, k - blockStart)
            let slack = packBlock(
                start: blockStart, count: n, p, inputs, block: scratch.block, choices: scratch.choices)
            for i in states.indices {
                let rowMax = boundRow(
                    candidate: i, count: n, inputs, block: scratch.block, choices: scratch.choices, row: row)
                let exhaustive = slack == .infinity
                // The block's best bound (an upper bound once the slack is added); only a block that beats the best
                // so far is searched for its first maximal component, whose exact term may raise m.
                let blockMax = Double(rowMax) + slack
                if !exhaustive && blockMax > states[i].bestBound {
                    let first = swept_first_equal(row, n, rowMax)
                    let bestIndex = blockStart + first
                    states[i].best = bestIndex
                    states[i].bestBound = blockMax
                    let term = exact(bestIndex, us[i], xs[i], intervals[i], p) + logWeight(bestIndex)
                    states[i].m = max(states[i].m, term)
                }
                let threshold = states[i].m - Self.cutoff - maxLogWeight
                let listed = survivors + i * k, listedBounds = bounds + i * k
                var listCount = states[i].survivorCount
                if exhaustive {
                    for j in 0..<n {
                        listed[listCount] = Int32(blockStart + j)
                        listedBounds[listCount] = .infinity
                        listCount += 1
                    }
                } else if blockMax > threshold {
                    // The float threshold is rounded down.
                    let floatThreshold = Float(threshold - slack).nextDown
                    listCount = Self.list(
                        row, n, above: floatThreshold, slack: slack, offset: blockStart, into: listed + listCount,
                        listedBounds + listCount, capacity: k - listCount) + listCount
                }
                states[i].survivorCount = listCount
            }
            blockStart += n
        }
        return states
    }

    /// Lists the components of a block whose bound is above `threshold` (their index + `offset`, and their bound
    /// + `slack`); returns how many. Survivors are few once m is known: sixteen bounds are tested at a time, and
    /// a run with survivors is compacted without branches where `capacity` (the room left in `listed`) allows
    /// (CSweptKernels).
    static func list(
        _ row: UnsafePointer<Float>, _ n: Int, above threshold: Float, slack: Double, offset: Int,
        into listed: UnsafeMutablePointer<Int32>, _ listedBounds: UnsafeMutablePointer<Double>, capacity: Int
    ) -> Int {
        swept_list_above(row, n, threshold, slack, offset, listed, listedBounds, capacity)
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
            let center = 0.5 * (a + b), width = intervals[c].width / sigma
            if let ratio = TruncatedNormal.narrowMassRatio(center: center, width: width) {
                total += TuningMath.log(width * ratio) - 0.5 * center * center - TruncatedNormal.logSqrt2Pi
            } else {
                total += TruncatedNormal.logMassFast(a, b)
            }
            total -= p.discrete[5 * c + 4][j]
        }
        return total
    }

    /// What `combine` reads at every candidate, gathered once per scoring call.
    private struct ExactTerms {
        var explicit: [Double]?
        var uniformLogWeight: Double
        var hits: [Double]
        var misses: [Double]
        var ramp: (count: Int, start: Double, delta: Double)
        /// Ramp ranks (nil when the mixture has none: explicit weights).
        var ranks: UnsafePointer<Int32>?
        /// Per listed term: log term, weight factor, and five columns per discretized dimension.
        var scratch: UnsafeMutablePointer<Double>
        /// Room for the squared centred coordinates of one candidate.
        var squares: UnsafeMutablePointer<Double>
    }

    /// `combine` at every candidate, with the per-mixture inputs and the scratch set up once.
    private func combineAll(
        _ us: [[Double]], _ xs: [[Int32]], _ intervals: [[Interval]], _ p: Pointers, _ states: [CandidateState],
        survivors: UnsafePointer<Int32>, bounds: UnsafePointer<Double>, into out: inout [Double]
    ) {
        let k = componentCount
        var longest = 0
        for state in states { longest = max(longest, state.survivorCount) }
        var buffer = exactScratch
        exactScratch = []
        defer { exactScratch = buffer }
        let need = longest * (2 + 5 * discrete.count) + continuous.count
        if buffer.count < need { buffer = [Double](repeating: 0, count: need + need / 4 + 64) }
        buffer.withUnsafeMutableBufferPointer { scratch in
            weightRank.withUnsafeBufferPointer { ranks in
                guard let base = scratch.baseAddress else { return }
                let terms = ExactTerms(
                    explicit: explicitLogWeights, uniformLogWeight: -logWeightSum,
                    hits: categorical.map(\.logHit), misses: categorical.map(\.logMiss), ramp: ramp,
                    ranks: ranks.baseAddress, scratch: base + continuous.count, squares: base)
                for i in states.indices {
                    out[i] = combine(us[i], xs[i], intervals[i], p, states[i], survivors: survivors + i * k,
                                     bounds: bounds + i * k, terms)
                }
            }
        }
    }

    /// log(Σ_j w_j·exp(exact_j) + exp(prior)) over the listed terms whose bound is within `cutoff` of m (a term
    /// is dropped only when even its upper bound, bound + the largest log weight, is `cutoff` below m, which is
    /// itself one of the terms). The sum is scaled by the largest such upper bound, so no term exceeds 1 and no
    /// running shift is needed, and a discretized kernel's mass multiplies the term directly (no log, and no
    /// exp of it): one exp and the kernel's CDFs per term. When that scale is far above m (bounds so loose that
    /// terms near m could underflow; not expected, the bounds are within a few nats) it sums in log space.
    private func combine(
        _ u: [Double], _ x: [Int32], _ intervals: [Interval], _ p: Pointers, _ state: CandidateState,
        survivors: UnsafePointer<Int32>, bounds: UnsafePointer<Double>, _ terms: ExactTerms
    ) -> Double {
        let m = state.m
        if m == -.infinity { return -.infinity }
        let threshold = m - Self.cutoff - maxLogWeight
        var largest = -Double.infinity
        for index in 0..<state.survivorCount where bounds[index] > threshold { largest = max(largest, bounds[index]) }
        let scale = max(m, largest + maxLogWeight)
        guard scale - m < 600 else {
            return combineShifted(u, x, intervals, p, state, survivors: survivors, bounds: bounds)
        }
        // Everything the loop reads is hoisted into locals (class properties would be re-read, with exclusivity
        // checks, at every term).
        let explicit = terms.explicit, uniformLogWeight = terms.uniformLogWeight
        let nc = continuous.count, coefficients = p.coefficients, constant = p.constant
        let squares = terms.squares
        for c in 0..<nc { squares[c] = u[c] * u[c] }
        let choices = p.choices, hits = terms.hits, misses = terms.misses
        let discretePointers = p.discrete, nd = discrete.count
        let (rampCount, rampStart, rampDelta) = terms.ramp
        let ranks = terms.ranks
        // Three phases over the listed terms, so that the discretized series runs as one vectorized loop:
        // (1) the log term without the discretized masses, the ramp weight, and each discretized (centre, width);
        // (2) the series for all of them; (3) the masses (series, or the CDF fallbacks) and the sum.
        var n = 0
        var s = state.prior == -.infinity ? 0 : TuningMath.exp(state.prior - scale)
        let base = terms.scratch
        let count = state.survivorCount
        let logTerms = base, factors = base + count
        for index in 0..<count where bounds[index] > threshold {
            let j = Int(survivors[index])
            var logTerm = constant[j] + (explicit?[j] ?? uniformLogWeight) - scale
            for c in 0..<nc {
                logTerm += coefficients[2 * c][j] * squares[c] + coefficients[2 * c + 1][j] * u[c]
            }
            for c in 0..<choices.count {
                logTerm += choices[c][j] == x[c] ? hits[c] : misses[c]
            }
            // The ramp weight (`rampWeight`), or 1 with explicit weights (already in logTerm).
            var factor = 1.0
            if explicit == nil, let ranks {
                let r = Int(ranks[j])
                if r < rampCount && !(rampCount > 1 && r == rampCount - 1) {
                    factor = rampStart + Double(r) * rampDelta
                }
            }
            for c in 0..<nd {
                let mu = discretePointers[5 * c][j], sigma = discretePointers[5 * c + 3][j]
                let a = (intervals[c].l - mu) / sigma, b = (intervals[c].r - mu) / sigma
                logTerm -= discretePointers[5 * c + 4][j]
                // Per discretized dimension five columns: centre, width, series, and the ends a, b.
                let slot = base + (2 + 5 * c) * count
                slot[n] = 0.5 * (a + b)
                (slot + count)[n] = intervals[c].width / sigma
                (slot + 3 * count)[n] = a
                (slot + 4 * count)[n] = b
            }
            logTerms[n] = logTerm
            factors[n] = factor
            n += 1
        }
        for c in 0..<nd {
            let centers = base + (2 + 5 * c) * count, widths = centers + count, ratios = widths + count
            // Vectorized in C (CSweptKernels), eight intervals side by side; the Swift reference's bits.
            swept_narrow_series(centers, widths, ratios, n)
        }
        for i in 0..<n {
            var logTerm = logTerms[i], factor = factors[i]
            for c in 0..<nd {
                let centers = base + (2 + 5 * c) * count, widths = centers + count, ratios = widths + count
                let width = widths[i]
                if TruncatedNormal.isNarrow(center: centers[i], width: width) {
                    logTerm -= 0.5 * centers[i] * centers[i] + TruncatedNormal.logSqrt2Pi
                    factor *= width * ratios[i]
                } else {
                    let a = (ratios + count)[i], b = (ratios + 2 * count)[i]
                    if let mass = TruncatedNormal.massFast(a, b) { factor *= mass } else {
                        logTerm += TruncatedNormal.logMass(a, b)
                    }
                }
            }
            // A tiny mass with a large exponent: combine them as logs so that the exponent cannot overflow.
            s += logTerm < 600
                ? TuningMath.exp(logTerm) * factor : TuningMath.exp(logTerm + TuningMath.log(factor))
        }
        return scale + TuningMath.log(s)
    }

    /// `combine` with a running shift in log space: the exact log of every listed term within `cutoff` of m.
    private func combineShifted(
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
