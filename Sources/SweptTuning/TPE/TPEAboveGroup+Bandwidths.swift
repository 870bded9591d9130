/// Optuna's bandwidth rule for `TPEAboveGroup`, kept up to date at each ask.
///
/// A member's bandwidth depends only on its nearest members in value order on either side (the bounds when it has
/// none), whether it is the first or last member, the member count m (endpoint rule for m ≥ 2, clip floor
/// R / min(100, m + 2)) and the range. So when there are no running trials now or at the previous pass and the
/// floor and endpoint rule did not change, only the members next to a slot that was added or that joined or left
/// the group can have a new bandwidth: those are recomputed (`localBandwidths`), with the same arithmetic as the
/// full pass (`changedBandwidths`), which runs otherwise.
extension TPEAboveGroup {
    /// The slots whose neighbourhood changed since the last pass (added, or entered or left the below group), or
    /// nil when every bandwidth must be walked. Records this pass for the next one.
    func touchedSlots(excluded: Set<Int>, members m: Int, hasRunning: Bool) -> [Int]? {
        let excludedSlots = Set(excluded.compactMap { slotOfNumber[$0] })
        let clip = parameters.considerMagicClip
        let key = { (m: Int) in (clip ? min(100, m + 2) : 0, m >= 2) }
        var touched: [Int]?
        if !hasRunning, let last = lastWalk, key(last.members) == key(m), last.persistent <= persistentCount {
            touched = Array(last.persistent..<persistentCount) + last.excluded.symmetricDifference(excludedSlots)
        }
        lastWalk = hasRunning ? nil : (m, persistentCount, excludedSlots)
        return touched
    }

    /// The bandwidth changes around `touched` slots (see the type's note): for each, the slot itself when it is a
    /// member and its nearest member on each side are recomputed; those that differ from the bandwidth their
    /// kernel terms were computed for are recorded and returned.
    func localBandwidths(dimension d: Int, members m: Int, touched: [Int]) -> [(Int32, Double)] {
        let dim = dimensions[d]
        let low = dim.adaptedLow, high = dim.adaptedHigh, range = high - low
        let minSigma = parameters.considerMagicClip ? range / min(100.0, Double(m) + 2.0) : 1e-12
        let endpoints = parameters.considerEndpoints
        var changed = changedBuffer
        changedBuffer = []
        changed.removeAll(keepingCapacity: true)
        let order = byValue[d], sorted = sortedValues[d]
        func isMemberAt(_ q: Int) -> Bool { isMember[Int(order[q])] }
        func previousMember(_ q: Int) -> Int? {
            var x = q - 1
            while x >= 0 && !isMemberAt(x) { x -= 1 }
            return x >= 0 ? x : nil
        }
        func nextMember(_ q: Int) -> Int? {
            var x = q + 1
            while x < order.count && !isMemberAt(x) { x += 1 }
            return x < order.count ? x : nil
        }
        func refresh(_ p: Int) {
            let previous = previousMember(p), next = nextMember(p), x = sorted[p]
            let left = previous.map { sorted[$0] } ?? low, right = next.map { sorted[$0] } ?? high
            var s = max(x - left, right - x)
            if !endpoints && m >= 2 {
                if previous == nil { s = right - x } else if next == nil { s = x - left }
            }
            let sigma = min(max(s, minSigma), range)
            if sigmaByPosition[d][p] != sigma {
                sigmaByPosition[d][p] = sigma
                changed.append((order[p], sigma))
            }
        }
        for slot in touched {
            // The slot's position in the value order (binary search on (value, trial number)).
            var lo = 0, hi = order.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if lessByValue(d, order[mid], Int32(slot)) { lo = mid + 1 } else { hi = mid }
            }
            guard lo < order.count, Int(order[lo]) == slot else { continue }
            if isMemberAt(lo) { refresh(lo) }
            if let p = previousMember(lo) { refresh(p) }
            if let p = nextMember(lo) { refresh(p) }
        }
        changedBuffer = changed
        return changed
    }

    /// Optuna's bandwidth rule over the members in value order (persistent slots merged with the sorted running
    /// `extras`), in one pass: returns the persistent slots whose bandwidth differs from the one their kernel
    /// terms were computed for (and records the new one), and every running member.
    func changedBandwidths(dimension d: Int, members m: Int, extras: [Int32]) -> [(Int32, Double)] {
        let dim = dimensions[d]
        let range = dim.adaptedHigh - dim.adaptedLow
        var walk = BandwidthWalk(
            low: dim.adaptedLow, high: dim.adaptedHigh, range: range,
            minSigma: parameters.considerMagicClip ? range / min(100.0, Double(m) + 2.0) : 1e-12,
            endpoints: parameters.considerEndpoints, members: m, changed: changedBuffer)
        changedBuffer = []
        walk.changed.removeAll(keepingCapacity: true)
        values[d].withUnsafeBufferPointer { bySlot in
            byValue[d].withUnsafeBufferPointer { order in
                sortedValues[d].withUnsafeBufferPointer { sorted in
                    isMember.withUnsafeBufferPointer { member in
                        sigmaByPosition[d].withUnsafeMutableBufferPointer { cached in
                            var e = 0
                            for q in 0..<order.count {
                                let slot = order[q]
                                while e < extras.count && lessByValue(d, extras[e], slot) {
                                    let extra = extras[e]
                                    if member[Int(extra)] { walk.push(bySlot[Int(extra)], extra, -1, cached) }
                                    e += 1
                                }
                                if member[Int(slot)] { walk.push(sorted[q], slot, q, cached) }
                            }
                            for extra in extras[e...] where member[Int(extra)] {
                                walk.push(bySlot[Int(extra)], extra, -1, cached)
                            }
                            walk.finish(right: walk.high, cached)
                        }
                    }
                }
            }
        }
        changedBuffer = walk.changed
        return walk.changed
    }
}

/// The sliding window of `TPEAboveGroup.changedBandwidths`: the previous member's value, the current member, and
/// its index among the members; a member's bandwidth is known once the next one (or the upper bound) arrives.
private struct BandwidthWalk {
    let low: Double, high: Double, range: Double, minSigma: Double
    let endpoints: Bool
    let members: Int
    var changed: [(Int32, Double)]
    var index = 0
    var left: Double
    var current: (value: Double, slot: Int32, position: Int)?

    init(
        low: Double, high: Double, range: Double, minSigma: Double, endpoints: Bool, members: Int,
        changed: [(Int32, Double)]
    ) {
        (self.low, self.high, self.range, self.minSigma) = (low, high, range, minSigma)
        (self.endpoints, self.members, self.changed, self.left) = (endpoints, members, changed, low)
    }

    /// The next member in value order (`position` in the persistent value order, −1 for a running trial).
    @inline(__always)
    mutating func push(
        _ value: Double, _ slot: Int32, _ position: Int, _ cached: UnsafeMutableBufferPointer<Double>
    ) {
        finish(right: value, cached)
        current = (value, slot, position)
    }

    /// Settles the current member's bandwidth given the next value to its right.
    @inline(__always)
    mutating func finish(right: Double, _ cached: UnsafeMutableBufferPointer<Double>) {
        guard let (x, slot, position) = current else { return }
        var s = max(x - left, right - x)
        if !endpoints && members >= 2 {
            if index == 0 { s = right - x } else if index == members - 1 { s = x - left }
        }
        let sigma = min(max(s, minSigma), range)
        if position < 0 {
            changed.append((slot, sigma))
        } else if cached[position] != sigma {
            cached[position] = sigma
            changed.append((slot, sigma))
        }
        left = x
        index += 1
        current = nil
    }
}
