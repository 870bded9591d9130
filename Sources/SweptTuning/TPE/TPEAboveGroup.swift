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
    /// Reused per-ask buffers.
    private var isMember: [Bool] = []
    private var order: [Int32] = []
    private var sigmaBuffer: [Double] = []

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
        isMember.removeAll(keepingCapacity: true)
        isMember.append(contentsOf: repeatElement(true, count: total))
        for n in excluded { if let s = slotOfNumber[n] { isMember[s] = false } }
        mixture.resize(total)

        // Weights: Optuna's ramp over the members in trial-number order, then the prior; normalized.
        var m = 0
        let extrasByNumber = extras.sorted { numbers[Int($0)] < numbers[Int($1)] }
        fillOrder(byNumber, extrasByNumber) { numbers[Int($0)] < numbers[Int($1)] }
        for slot in order {
            mixture.weightRank[Int(slot)] = Int32(m)
            m += 1
        }
        let rampCount = m < 25 ? 0 : m - 25
        let start = 1.0 / Double(max(m, 1))
        mixture.ramp = (rampCount, start, rampCount > 1 ? (1.0 - start) / Double(rampCount - 1) : 0)
        let rampSum = rampCount > 1 ? Double(rampCount) * (start + 1) / 2 : Double(rampCount) * start
        let weightSum = rampSum + Double(m - rampCount) + (m == 0 ? 1 : parameters.priorWeight)
        mixture.logWeightSum = TuningMath.log(weightSum)
        mixture.maxLogWeight = -mixture.logWeightSum
        mixture.priorLogWeight = m == 0 ? 0 : TuningMath.log(parameters.priorWeight) - mixture.logWeightSum

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
                let extrasByValue = extras.sorted { lessByValue(d, $0, $1) }
                fillOrder(byValue[d], extrasByValue) { lessByValue(d, $0, $1) }
                computeBandwidths(dimension: d)
                let isContinuous = { if case .continuous = dim.kernel { return true } else { return false } }()
                for (position, slot32) in order.enumerated() {
                    let slot = Int(slot32), sigma = sigmaBuffer[position]
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
        // constant[j] = Σ continuous constants (−∞ for non-members).
        mixture.constant.withUnsafeMutableBufferPointer { constant in
            for slot in 0..<total { constant[slot] = isMember[slot] ? 0 : -.infinity }
            for k in cachedConstant.indices {
                cachedConstant[k].withUnsafeBufferPointer { c in
                    for slot in 0..<total { constant[slot] += c[slot] }
                }
            }
        }
    }

    /// Fills `order` with the members of `persistent` merged with the (sorted) `extras`.
    private func fillOrder(_ persistent: [Int32], _ extras: [Int32], by less: (Int32, Int32) -> Bool) {
        order.removeAll(keepingCapacity: true)
        var j = 0
        for slot in persistent {
            while j < extras.count && less(extras[j], slot) {
                if isMember[Int(extras[j])] { order.append(extras[j]) }
                j += 1
            }
            if isMember[Int(slot)] { order.append(slot) }
        }
        while j < extras.count {
            if isMember[Int(extras[j])] { order.append(extras[j]) }
            j += 1
        }
    }

    /// Optuna's bandwidth rule for `order` (members in value order) into `sigmaBuffer`.
    private func computeBandwidths(dimension d: Int) {
        let dim = dimensions[d], m = order.count
        let low = dim.adaptedLow, high = dim.adaptedHigh, range = high - low
        let minSigma = parameters.considerMagicClip ? range / min(100.0, Double(m) + 2.0) : 1e-12
        let endpoints = parameters.considerEndpoints
        sigmaBuffer.removeAll(keepingCapacity: true)
        sigmaBuffer.append(contentsOf: repeatElement(0, count: m))
        values[d].withUnsafeBufferPointer { v in
            order.withUnsafeBufferPointer { order in
                sigmaBuffer.withUnsafeMutableBufferPointer { out in
                    for p in 0..<m {
                        let x = v[Int(order[p])]
                        let left = p == 0 ? low : v[Int(order[p - 1])]
                        let right = p == m - 1 ? high : v[Int(order[p + 1])]
                        var s = max(x - left, right - x)
                        if !endpoints && m >= 2 {
                            if p == 0 { s = right - x } else if p == m - 1 { s = x - left }
                        }
                        out[p] = min(max(s, minSigma), range)
                    }
                }
            }
        }
    }

    private func lessByValue(_ d: Int, _ x: Int32, _ y: Int32) -> Bool {
        let a = values[d][Int(x)], b = values[d][Int(y)]
        return a < b || (a == b && numbers[Int(x)] < numbers[Int(y)])
    }

}
