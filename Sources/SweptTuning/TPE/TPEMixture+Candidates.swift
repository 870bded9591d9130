/// The 24 candidates of an ask in the forms `TPEMixture` scoring needs: prepared once, scored against both the
/// below and the above mixture (they share the dimensions).
extension TPEMixture {
    /// The candidates in the forms scoring needs, which depend only on the dimensions: two mixtures over the same
    /// dimensions (TPE's below and above groups) share one.
    struct Candidates {
        var dimensions: [ParzenDimension]
        var count: Int
        var intervals: [[Interval]]
        /// Per candidate: the centred kernel-space coordinates, and each choice.
        var us: [[Double]]
        var xs: [[Int32]]
        /// The bound pass's inputs (without the mixture's categorical hit/miss values).
        var inputs: BlockInputs
        /// Per candidate, per dimension: the prior kernel's log density term (the weight is the mixture's).
        var priorTerms: [[Double]]
    }

    /// Prepares `candidates` (`candidates[d][i]`) for `logDensities`.
    func prepare(_ candidates: [[Double]]) -> Candidates {
        let count = candidates.first?.count ?? 0
        let points = (0..<count).map { i in dimensions.indices.map { candidates[$0][i] } }
        let intervals = points.map { p in
            discrete.map { dd -> Interval in
                let x = p[dd.dimension], half = dd.step / 2
                let l = dd.isLog ? TuningMath.log(x - half) : x - half
                let r = dd.isLog ? TuningMath.log(x + half) : x + half
                return (l, r, r - l, TuningMath.log(r - l))
            }
        }
        let us = points.map { point in
            continuous.map { c in dimensions[c.dimension].transform(point[c.dimension]) - c.center }
        }
        let xs = points.map { point in categorical.map { Int32(point[$0.dimension]) } }
        return Candidates(
            dimensions: dimensions, count: count, intervals: intervals, us: us, xs: xs,
            inputs: blockInputs(us, xs, intervals), priorTerms: points.map(priorTerms))
    }
}
