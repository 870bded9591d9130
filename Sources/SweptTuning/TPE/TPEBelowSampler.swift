/// Draws candidates from a below estimator l(x) exactly as `ParzenEstimator.sample` does (the same random
/// numbers in the same order, the same arithmetic), with each numerical kernel's truncation ends and their
/// normal CDFs computed once instead of at every draw. `TPESampler` keeps it with the below estimator, which
/// mostly survives from one ask to the next.
struct TPEBelowSampler {
    let estimator: ParzenEstimator
    /// Per dimension, per component: the prepared truncated normal (empty for categorical dimensions).
    private let kernels: [[TruncatedNormal.Prepared]]

    init(_ estimator: ParzenEstimator) {
        self.estimator = estimator
        kernels = estimator.dimensions.indices.map { d in
            let dim = estimator.dimensions[d]
            if dim.isCategorical { return [] }
            return zip(estimator.mus[d], estimator.sigmas[d]).map { mu, sigma in
                TruncatedNormal.Prepared((dim.adaptedLow - mu) / sigma, (dim.adaptedHigh - mu) / sigma)
            }
        }
    }

    /// `count` candidates, `[dimension][candidate]` (as `ParzenEstimator.sample`).
    func sample<R: RandomNumberGenerator>(count: Int, using rng: inout R) -> [[Double]] {
        let dimensions = estimator.dimensions
        var out = Array(repeating: Array(repeating: 0.0, count: count), count: dimensions.count)
        for i in 0..<count {
            let j = ParzenEstimator.pick(estimator.weights, using: &rng)
            for (d, dim) in dimensions.enumerated() {
                switch dim.kernel {
                case .categorical(let choices):
                    out[d][i] = Double(
                        ParzenEstimator.pickRow(estimator.rows[d], row: j, choices: choices, using: &rng))
                case .continuous, .discrete:
                    let q = Double.random(in: 0..<1, using: &rng)
                    let mu = estimator.mus[d][j], sigma = estimator.sigmas[d][j]
                    let y = TruncatedNormal.quantile(q, kernels[d][j]) * sigma + mu
                    out[d][i] = dim.untransform(min(max(y, dim.adaptedLow), dim.adaptedHigh))
                }
            }
        }
        return out
    }
}
