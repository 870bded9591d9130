/// Per-step sorted intermediate values of COMPLETE trials, updated incrementally as trials complete.
///
/// Pruners read one step's values in O(1) and take a percentile in O(log n); adding a value moves at most one
/// block of `SortedValues`.
struct StepIndex {
    private(set) var steps: [Int: StepValues] = [:]

    /// Adds a completed trial's intermediate values.
    mutating func add(_ intermediateValues: [Int: Double]) {
        for (step, value) in intermediateValues {
            var entry = steps[step] ?? StepValues()
            steps[step] = nil  // keep its storage uniquely referenced while inserting
            if value.isNaN {
                entry.nanCount += 1
            } else {
                entry.sorted.insert(value)
            }
            steps[step] = entry
        }
    }

    /// Adds many completed trials' intermediate values at once: appends every value, then sorts each step once
    /// (O(n log n) instead of a sorted insert per value), for rebuilding a study from a store.
    mutating func addAll<Values: Sequence>(_ trials: Values) where Values.Element == [Int: Double] {
        var pending: [Int: (values: [Double], nanCount: Int)] = [:]
        for intermediateValues in trials {
            for (step, value) in intermediateValues {
                if value.isNaN {
                    pending[step, default: ([], 0)].nanCount += 1
                } else {
                    pending[step, default: ([], 0)].values.append(value)
                }
            }
        }
        for (step, added) in pending {
            let entry = steps[step] ?? StepValues()
            var merged = Array(entry.sorted)
            merged.append(contentsOf: added.values)
            merged.sort()
            steps[step] = StepValues(sorted: SortedValues(merged), nanCount: entry.nanCount + added.nanCount)
        }
    }

    /// The values reported at `step`, empty when none.
    func values(atStep step: Int) -> StepValues {
        steps[step] ?? StepValues()
    }
}
