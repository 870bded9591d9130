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
    var slotOfNumber: [Int: Int] = [:]
    /// Per dimension, per slot: kernel-space value (categorical: the index).
    var values: [[Double]]
    /// Persistent slots ordered by trial number.
    private var byNumber: [Int32] = []
    /// Per numerical dimension: persistent slots ordered by (value, trial number); empty for categorical.
    var byValue: [[Int32]]
    /// Per continuous kernel, per slot: the constant term for the cached bandwidth.
    private var cachedConstant: [[Double]]
    var persistentCount = 0
    /// Reused per-ask buffers.
    var isMember: [Bool] = []
    private var order: [Int32] = []
    private var orderPosition: [Int32] = []
    /// How many entries of `order` / `orderPosition` are this ask's.
    private var orderCount = 0
    var changedBuffer: [(Int32, Double)] = []
    /// Per numerical dimension, parallel to `byValue`: the values, and the bandwidth each slot's kernel terms
    /// were last computed for (NaN: none yet).
    var sortedValues: [[Double]]
    var sigmaByPosition: [[Double]]
    /// Per slot: Σ of the continuous constants, and whether one of them changed since it was summed.
    private var constantSum: [Double] = []
    private var constantDirty: [Bool] = []
    /// Slots whose categorical choices are already in the mixture.
    private var choicesWritten = 0
    /// What the last bandwidth pass saw when it had no running trials (nil: the next pass walks everything).
    var lastWalk: (members: Int, persistent: Int, excluded: Set<Int>)?

    init(dimensions: [ParzenDimension], parameters: ParzenEstimatorParameters) {
        self.dimensions = dimensions
        self.parameters = parameters
        mixture = TPEMixture(dimensions: dimensions)
        values = Array(repeating: [], count: dimensions.count)
        byValue = Array(repeating: [], count: dimensions.count)
        sortedValues = Array(repeating: [], count: dimensions.count)
        sigmaByPosition = Array(repeating: [], count: dimensions.count)
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
        }
        for c in cachedConstant.indices { cachedConstant[c].append(0) }
        constantSum.append(0)
        constantDirty.append(true)
        insert(slot, into: &byNumber) { numbers[Int($0)] < number }
        for (d, dim) in dimensions.enumerated() where !dim.isCategorical {
            let v = values[d][slot]
            let position = insert(slot, into: &byValue[d]) { other in
                let w = values[d][Int(other)]
                return w < v || (w == v && numbers[Int(other)] < number)
            }
            sortedValues[d].insert(v, at: position)
            sigmaByPosition[d].insert(.nan, at: position)
        }
    }

    @discardableResult
    private func insert(_ slot: Int, into order: inout [Int32], before isBefore: (Int32) -> Bool) -> Int {
        var lo = 0, hi = order.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if isBefore(order[mid]) { lo = mid + 1 } else { hi = mid }
        }
        order.insert(Int32(slot), at: lo)
        return lo
    }

    private func truncateToPersistent() {
        let extra = numbers.count - persistentCount
        guard extra > 0 else { return }
        for n in numbers[persistentCount...] { slotOfNumber[n] = nil }
        numbers.removeLast(extra)
        for d in dimensions.indices {
            values[d].removeLast(extra)
        }
        for c in cachedConstant.indices { cachedConstant[c].removeLast(extra) }
        constantSum.removeLast(extra)
        constantDirty.removeLast(extra)
        choicesWritten = min(choicesWritten, persistentCount)
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
            }
            for c in cachedConstant.indices { cachedConstant[c].append(0) }
            constantSum.append(0)
            constantDirty.append(true)
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
        for slot in order.prefix(orderCount) {
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
        let touched = touchedSlots(excluded: excluded, members: m, hasRunning: !running.isEmpty)
        var continuousIndex = 0, discreteIndex = 0
        for (d, dim) in dimensions.enumerated() {
            switch dim.kernel {
            case .categorical(let choices):
                let c = mixture.categorical.firstIndex { $0.dimension == d } ?? 0
                // Choices of persistent slots never change: write only slots not written yet.
                for slot in min(choicesWritten, persistentCount)..<total {
                    mixture.categorical[c].choice[slot] = Int32(values[d][slot])
                }
                let base = parameters.priorWeight / Double(m + 1)
                let rowSum = base * Double(choices) + 1
                mixture.categorical[c].logHit = TuningMath.log((base + 1) / rowSum)
                mixture.categorical[c].logMiss = TuningMath.log(base / rowSum)
            case .continuous, .discrete:
                let isContinuous = { if case .continuous = dim.kernel { return true } else { return false } }()
                let changed = touched.map { localBandwidths(dimension: d, members: m, touched: $0) }
                    ?? changedBandwidths(dimension: d, members: m, extras: extras.sorted { lessByValue(d, $0, $1) })
                for (slot32, sigma) in changed {
                    let slot = Int(slot32), mu = values[d][slot]
                    if isContinuous {
                        let c = continuousIndex
                        let t = TPEMixture.continuousTerms(
                            mu: mu, sigma: sigma, center: mixture.continuous[c].center,
                            low: dim.adaptedLow, high: dim.adaptedHigh)
                        mixture.continuous[c].a[slot] = t.a
                        mixture.continuous[c].b[slot] = t.b
                        cachedConstant[c][slot] = t.c
                        constantDirty[slot] = true
                    } else {
                        mixture.setDiscrete(discreteIndex, component: slot, mu: mu, sigma: sigma)
                    }
                }
                if isContinuous { continuousIndex += 1 } else { discreteIndex += 1 }
            }
        }
        choicesWritten = total
        // constant[j] = Σ continuous constants (−∞ for non-members); sums are refreshed for changed slots only.
        for slot in 0..<total where constantDirty[slot] {
            var sum = 0.0
            for k in cachedConstant.indices { sum += cachedConstant[k][slot] }
            constantSum[slot] = sum
            constantDirty[slot] = false
        }
        mixture.constant.withUnsafeMutableBufferPointer { constant in
            for slot in 0..<total { constant[slot] = isMember[slot] ? constantSum[slot] : -.infinity }
        }
    }

    /// Fills `order` with the members of `persistent` merged with the (sorted) `extras`.
    /// `orderPosition` gets each persistent member's index in `persistent` (−1 for extras).
    private func fillOrder(_ persistent: [Int32], _ extras: [Int32], by less: (Int32, Int32) -> Bool) {
        let capacity = persistent.count + extras.count
        if order.count < capacity {
            order = [Int32](repeating: 0, count: capacity + capacity / 4 + 64)
            orderPosition = order
        }
        var count = 0
        isMember.withUnsafeBufferPointer { member in
            persistent.withUnsafeBufferPointer { persistent in
                order.withUnsafeMutableBufferPointer { out in
                    orderPosition.withUnsafeMutableBufferPointer { positions in
                        var j = 0
                        for p in 0..<persistent.count {
                            let slot = persistent[p]
                            while j < extras.count && less(extras[j], slot) {
                                if member[Int(extras[j])] { out[count] = extras[j]; positions[count] = -1; count += 1 }
                                j += 1
                            }
                            if member[Int(slot)] { out[count] = slot; positions[count] = Int32(p); count += 1 }
                        }
                        while j < extras.count {
                            if member[Int(extras[j])] { out[count] = extras[j]; positions[count] = -1; count += 1 }
                            j += 1
                        }
                    }
                }
            }
        }
        orderCount = count
    }

    func lessByValue(_ d: Int, _ x: Int32, _ y: Int32) -> Bool {
        let a = values[d][Int(x)], b = values[d][Int(y)]
        return a < b || (a == b && numbers[Int(x)] < numbers[Int(y)])
    }
}
