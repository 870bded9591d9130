/// NaN-ignoring percentiles with linear interpolation (numpy's `nanpercentile`, method "linear").
public enum Percentile {
    /// The `q`-th percentile (0...100) of `values`, ignoring NaN; NaN when no value is left.
    public static func nanLinear(_ values: [Double], q: Double) -> Double {
        ofSorted(values.filter { !$0.isNaN }.sorted(), q: q)
    }

    /// The `q`-th percentile (0...100) of ascending, NaN-free `sorted`; NaN when empty. Two reads by rank.
    ///
    /// Uses numpy's arithmetic: virtual index `(n − 1)·q/100`, then `a + (b − a)·t`, or `b − (b − a)·(1 − t)`
    /// when `t ≥ 0.5`, so results match Optuna's pruners bit for bit.
    public static func ofSorted<Values: RandomAccessCollection>(_ sorted: Values, q: Double) -> Double
    where Values.Element == Double, Values.Index == Int {
        guard !sorted.isEmpty, !q.isNaN else { return .nan }
        let quantile = q / 100
        let virtualIndex = Double(sorted.count - 1) * quantile
        let clamped = min(max(virtualIndex, 0), Double(sorted.count - 1))
        let previous = Int(clamped.rounded(.down))
        let next = min(previous + 1, sorted.count - 1)
        let t = virtualIndex - Double(previous)
        let a = sorted[sorted.startIndex + previous]
        let b = sorted[sorted.startIndex + next]
        let difference = b - a
        return t >= 0.5 ? b - difference * (1 - t) : a + difference * t
    }
}
