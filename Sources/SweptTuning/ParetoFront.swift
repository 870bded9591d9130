/// Non-dominated sorting of trials' objective values.
public enum ParetoFront {
    /// Whether `a` dominates `b`: no worse in every objective and better in at least one.
    public static func dominates(_ a: [Double], _ b: [Double], directions: [StudyDirection]) -> Bool {
        var strictly = false
        for (index, direction) in directions.enumerated() {
            if direction.isBetter(b[index], than: a[index]) { return false }
            if direction.isBetter(a[index], than: b[index]) { strictly = true }
        }
        return strictly
    }

    /// The trials no other trial dominates (equal value vectors all stay), ordered by number.
    /// Trials whose value count does not match `directions` are ignored.
    public static func trials(_ trials: [FrozenTrial], directions: [StudyDirection]) -> [FrozenTrial] {
        let candidates = trials.filter { $0.values?.count == directions.count }
        // Minimization keys; any dominator of a trial sorts before it lexicographically.
        let keyed = candidates.map { trial in
            (trial, zip(trial.values ?? [], directions).map { $1 == .minimize ? $0 : -$0 })
        }
        let sorted = keyed.sorted { lhs, rhs in
            for (a, b) in zip(lhs.1, rhs.1) where a != b { return a < b }
            return lhs.0.number < rhs.0.number
        }
        var front: [(FrozenTrial, [Double])] = []
        let minimize = [StudyDirection](repeating: .minimize, count: directions.count)
        for entry in sorted where !front.contains(where: { dominates($0.1, entry.1, directions: minimize) }) {
            front.append(entry)
        }
        return front.map(\.0).sorted { $0.number < $1.number }
    }
}
