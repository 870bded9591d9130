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
