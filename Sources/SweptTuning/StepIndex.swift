/// Per-step sorted intermediate values of COMPLETE trials, updated incrementally as trials complete.
///
/// Pruners read one step's values in O(1) and take a percentile of the sorted array in O(1).
struct StepIndex {
    private(set) var steps: [Int: StepValues] = [:]

    /// Adds a completed trial's intermediate values.
    mutating func add(_ intermediateValues: [Int: Double]) {
        for (step, value) in intermediateValues {
            var entry = steps[step] ?? StepValues()
            steps[step] = nil  // keep the array uniquely referenced while inserting
            if value.isNaN {
                entry.nanCount += 1
            } else {
                entry.sorted.insert(value, at: StepIndex.insertionIndex(of: value, in: entry.sorted))
            }
            steps[step] = entry
        }
    }

    /// Adds many completed trials' intermediate values at once: appends every value, then sorts each step once
    /// (O(n log n) instead of a sorted insert per value), for rebuilding a study from a store.
    mutating func addAll<Values: Sequence>(_ trials: Values) where Values.Element == [Int: Double] {
        var pending: [Int: StepValues] = [:]
        for intermediateValues in trials {
            for (step, value) in intermediateValues {
                if value.isNaN {
                    pending[step, default: StepValues()].nanCount += 1
                } else {
                    pending[step, default: StepValues()].sorted.append(value)
                }
            }
        }
        for (step, added) in pending {
            var entry = steps[step] ?? StepValues()
            steps[step] = nil  // keep the array uniquely referenced while merging
            entry.nanCount += added.nanCount
            entry.sorted.append(contentsOf: added.sorted)
            entry.sorted.sort()
            steps[step] = entry
        }
    }

    /// The values reported at `step`, empty when none.
    func values(atStep step: Int) -> StepValues {
        steps[step] ?? StepValues()
    }

    /// The first index whose element is greater than `value` (upper bound), keeping equal values in order.
    static func insertionIndex(of value: Double, in sorted: [Double]) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] <= value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
