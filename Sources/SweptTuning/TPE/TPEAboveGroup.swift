/// The "above" (not good) mixture g(x) of multivariate TPE, kept up to date across asks.
///
/// Observations only grow as trials finish, but the split into below/above, the magic-clip floor and the
/// weight ramp change at every ask. So the group keeps, per finished trial ("slot"): its kernel-space values,
/// its position in a per-dimension value order and in trial-number order (both maintained by insertion), and
/// per dimension the last bandwidth it had together with the kernel terms derived from it (log Z needs erf).
/// Each ask then walks the orders once, O(n) per dimension, recomputing kernel terms only for slots whose
/// bandwidth changed (neighbours that joined or left the group). Running trials (constant liar) and the below
/// group's members are handled at each ask: the former appended as temporary slots, the latter switched off.
/// The result is exactly Optuna's `_ParzenEstimator` over the above trials in trial-number order.
final class TPEAboveGroup {
    let dimensions: [ParzenDimension]
    let parameters: ParzenEstimatorParameters
    let mixture: TPEMixture

    /// Slot → trial number (persistent slots first, then this ask's running trials).
    private(set) var numbers: [Int] = []
    private var slotOfNumber: [Int: Int] = [:]
    /// Per dimension, per slot: kernel-space value (categorical: the index).
    private var values: [[Double]]
    /// Persistent slots ordered by trial number.
    private var byNumber: [Int32] = []
    /// Per numerical dimension: persistent slots ordered by (value, trial number); empty for categorical.
    private var byValue: [[Int32]]
    /// Per dimension, per slot: the bandwidth the cached kernel terms were computed for (NaN: none yet).
    private var cachedSigma: [[Double]]
    /// Per continuous kernel, per slot: the constant term for the cached bandwidth.
    private var cachedConstant: [[Double]]
    private var persistentCount = 0

    init(dimensions: [ParzenDimension], parameters: ParzenEstimatorParameters) {
        self.dimensions = dimensions
        self.parameters = parameters
        mixture = TPEMixture(dimensions: dimensions)
        values = Array(repeating: [], count: dimensions.count)
        byValue = Array(repeating: [], count: dimensions.count)
        cachedSigma = Array(repeating: [], count: dimensions.count)
        cachedConstant = Array(repeating: [], count: mixture.continuous.count)
    }

    /// Number of finished trials held.
    var count: Int { persistentCount }

    /// Whether trial `number` is held.
    func contains(_ number: Int) -> Bool { slotOfNumber[number] != nil }

    /// The internal values of a held trial, per dimension.
    func internalValues(of number: Int) -> [Double]? {
        guard let slot = slotOfNumber[number] else { return nil }
        return dimensions.indices.map { d in
            dimensions[d].isLog ? TuningMath.exp(values[d][slot]) : values[d][slot]
        }
    }

    /// Adds a finished trial with its internal values (one per dimension).
    func add(number: Int, internalValues: [Double]) {
        truncateToPersistent()
        let slot = persistentCount
        numbers.append(number)
        slotOfNumber[number] = slot
        persistentCount += 1
        for (d, dim) in dimensions.enumerated() {
            values[d].append(dim.isCategorical ? internalValues[d] : dim.transform(internalValues[d]))
            cachedSigma[d].append(.nan)
        }
        for c in cachedConstant.indices { cachedConstant[c].append(0) }
        insert(slot, into: &byNumber) { numbers[Int($0)] < number }
        for (d, dim) in dimensions.enumerated() where !dim.isCategorical {
            let v = values[d][slot]
            insert(slot, into: &byValue[d]) { other in
                let w = values[d][Int(other)]
                return w < v || (w == v && numbers[Int(other)] < number)
            }
        }
    }

    private func insert(_ slot: Int, into order: inout [Int32], before isBefore: (Int32) -> Bool) {
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isBefore(order[mid]) { lo = mid + 1 } else { hi = mid }
        }
        order.insert(Int32(slot), at: lo)
    }

    private func truncateToPersistent() {
        let extra = numbers.count - persistentCount
        guard extra > 0 else { return }
        for n in numbers[persistentCount...] { slotOfNumber[n] = nil }
        numbers.removeLast(extra)
        for d in dimensions.indices {
            values[d].removeLast(extra)
            cachedSigma[d].removeLast(extra)
        }
        for c in cachedConstant.indices { cachedConstant[c].removeLast(extra) }
    }

    /// Prepares `mixture` as g(x) over the held trials except `excluded` (the below group), plus `running`
    /// trials (number, internal values) under constant liar.
    func prepare(excluded: Set<Int>, running: [(number: Int, values: [Double])]) {
        truncateToPersistent()
        for r in running where slotOfNumber[r.number] == nil {
            let slot = numbers.count
            numbers.append(r.number)
            slotOfNumber[r.number] = slot
            for (d, dim) in dimensions.enumerated() {
                values[d].append(dim.isCategorical ? r.values[d] : dim.transform(r.values[d]))
                cachedSigma[d].append(.nan)
            }
            for c in cachedConstant.indices { cachedConstant[c].append(0) }
        }
        let total = numbers.count
        let extras = (persistentCount..<total).map { Int32($0) }
        var isMember = [Bool](repeating: true, count: total)
        for n in excluded { if let s = slotOfNumber[n] { isMember[s] = false } }

        // Weights: Optuna's ramp over the members in trial-number order, then the prior; normalized.
        let memberOrder = merged(byNumber, extras.sorted { numbers[Int($0)] < numbers[Int($1)] }) {
            numbers[Int($0)] < numbers[Int($1)]
        }.filter { isMember[Int($0)] }
        let m = memberOrder.count
        mixture.resize(total)
        let ramp = TPEWeights.ramp(m)
        let weightSum = ramp.reduce(0, +) + (m == 0 ? 1 : parameters.priorWeight)
        let logWeightSum = TuningMath.log(weightSum)
        var logWeight = [Double](repeating: -.infinity, count: total)
        for (rank, slot) in memberOrder.enumerated() {
            logWeight[Int(slot)] = TuningMath.log(ramp[rank]) - logWeightSum
        }
        mixture.priorLogWeight = m == 0 ? 0 : TuningMath.log(parameters.priorWeight) - logWeightSum

        // Bandwidths per numerical dimension from the member order by value; refresh changed kernels.
        var continuousIndex = 0, discreteIndex = 0
        for (d, dim) in dimensions.enumerated() {
            switch dim.kernel {
            case .categorical(let choices):
                let c = mixture.categorical.firstIndex { $0.dimension == d } ?? 0
                for slot in 0..<total { mixture.categorical[c].choice[slot] = Int32(values[d][slot]) }
                let base = parameters.priorWeight / Double(m + 1)
                let rowSum = base * Double(choices) + 1
                mixture.categorical[c].logHit = TuningMath.log((base + 1) / rowSum)
                mixture.categorical[c].logMiss = TuningMath.log(base / rowSum)
            case .continuous, .discrete:
                let order = merged(byValue[d], extras.sorted { lessByValue(d, $0, $1) }) { lessByValue(d, $0, $1) }
                    .filter { isMember[Int($0)] }
                let sigmas = bandwidths(order, dimension: d)
                let isContinuous = { if case .continuous = dim.kernel { return true } else { return false } }()
                for (position, slot32) in order.enumerated() {
                    let slot = Int(slot32), sigma = sigmas[position]
                    if cachedSigma[d][slot] == sigma { continue }
                    cachedSigma[d][slot] = sigma
                    let mu = values[d][slot]
                    if isContinuous {
                        let c = continuousIndex
                        let t = TPEMixture.continuousTerms(
                            mu: mu, sigma: sigma, center: mixture.continuous[c].center,
                            low: dim.adaptedLow, high: dim.adaptedHigh)
                        mixture.continuous[c].a[slot] = t.a
                        mixture.continuous[c].b[slot] = t.b
                        cachedConstant[c][slot] = t.c
                    } else {
                        mixture.setDiscrete(discreteIndex, component: slot, mu: mu, sigma: sigma)
                    }
                }
                if isContinuous { continuousIndex += 1 } else { discreteIndex += 1 }
            }
        }
        // constant[j] = log weight + Σ continuous constants (−∞ for non-members).
        for slot in 0..<total {
            var c = logWeight[slot]
            if c != -.infinity { for k in cachedConstant.indices { c += cachedConstant[k][slot] } }
            mixture.constant[slot] = c
        }
    }

    private func lessByValue(_ d: Int, _ x: Int32, _ y: Int32) -> Bool {
        let a = values[d][Int(x)], b = values[d][Int(y)]
        return a < b || (a == b && numbers[Int(x)] < numbers[Int(y)])
    }

    /// Optuna's bandwidth rule for members already in value order.
    private func bandwidths(_ order: [Int32], dimension d: Int) -> [Double] {
        let dim = dimensions[d], m = order.count
        let low = dim.adaptedLow, high = dim.adaptedHigh, range = high - low
        let minSigma = parameters.considerMagicClip ? range / min(100.0, Double(m) + 2.0) : 1e-12
        var out = [Double](repeating: 0, count: m)
        values[d].withUnsafeBufferPointer { v in
            for p in 0..<m {
                let x = v[Int(order[p])]
                let left = p == 0 ? low : v[Int(order[p - 1])]
                let right = p == m - 1 ? high : v[Int(order[p + 1])]
                var s = max(x - left, right - x)
                if !parameters.considerEndpoints && m >= 2 {
                    if p == 0 { s = right - x } else if p == m - 1 { s = x - left }
                }
                out[p] = min(max(s, minSigma), range)
            }
        }
        return out
    }

    /// Merges two sorted slot lists.
    private func merged(_ a: [Int32], _ b: [Int32], by less: (Int32, Int32) -> Bool) -> [Int32] {
        if b.isEmpty { return a }
        var out = [Int32]()
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count || j < b.count {
            if j == b.count || (i < a.count && !less(b[j], a[i])) { out.append(a[i]); i += 1 } else {
                out.append(b[j]); j += 1
            }
        }
        return out
    }
}
