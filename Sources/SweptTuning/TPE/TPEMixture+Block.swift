import CSweptKernels

/// The bound pass of `TPEMixture` scoring in single precision, one block of components at a time.
///
/// A block's coefficients (double precision in the mixture) are packed once per call into a small float buffer
/// (`TPEMixture.block` components × features, ≈ 18 KB for the bench space: it stays in L1 while every candidate
/// passes over it), then each candidate computes all of the block's bounds in one fused pass (the C kernel
/// `swept_tpe_bound_row`, AVX-512 / AVX2 / SSE picked at run time, the same bits on each): constant +
/// Σ (a·u² + b·u) over continuous dimensions + the categorical hit/miss select + the discretized bounds, and the
/// block maximum. Single precision doubles the SIMD width; its rounding is covered by `slack`, an upper bound of
/// the float error derived from the block's
/// largest magnitudes (≥ `minimumSlack` nats): a listed bound is the float value + slack. When the magnitudes make
/// the float values meaningless (tiny bandwidths without the magic clip: slack above `exhaustiveSlack`), the block
/// lists every component and the exact pass decides — slower, never wrong.
extension TPEMixture {

    /// The smallest slack added to a float bound (nats).
    static let minimumSlack = 0.5
    /// Above this slack a block lists all its components.
    static let exhaustiveSlack = 8.0
    /// Relative float error per unit of summed magnitude: ~20 roundings of 2⁻²⁴ each, with a margin of 3.
    static let floatErrorPerMagnitude = 4e-6

    /// Per call: the candidates' broadcast scalars and the magnitudes the slack needs.
    struct BlockInputs {
        /// Per candidate, `stride` floats: (u², u) per continuous dimension, then (l, r, log width) per discrete one.
        var scalars: [Float]
        var stride: Int
        /// Per candidate, its choice per categorical dimension.
        var choices: [Int32]
        /// Per categorical dimension: the kernel row's value at the observed choice and elsewhere, in float.
        var hits: [Float]
        var misses: [Float]
        /// Per continuous dimension: the largest |u| over candidates.
        var maxU: [Double]
        /// Per discrete dimension: the largest |l|, |r| and |log width| over candidates.
        var maxInterval: [Double]
        var maxLogWidth: [Double]
    }

    func blockInputs(_ us: [[Double]], _ xs: [[Int32]], _ intervals: [[Interval]]) -> BlockInputs {
        let nc = continuous.count, nd = discrete.count, stride = 2 * nc + 3 * nd
        var inputs = BlockInputs(
            scalars: [Float](repeating: 0, count: us.count * stride), stride: stride, choices: xs.flatMap { $0 },
            hits: categorical.map { Float($0.logHit) }, misses: categorical.map { Float($0.logMiss) },
            maxU: [Double](repeating: 0, count: nc), maxInterval: [Double](repeating: 0, count: nd),
            maxLogWidth: [Double](repeating: 0, count: nd))
        for i in us.indices {
            for c in 0..<nc {
                let u = us[i][c]
                inputs.scalars[i * stride + 2 * c] = Float(u * u)
                inputs.scalars[i * stride + 2 * c + 1] = Float(u)
                inputs.maxU[c] = max(inputs.maxU[c], abs(u))
            }
            for c in 0..<nd {
                let (l, r, _, logWidth) = intervals[i][c]
                let base = i * stride + 2 * nc + 3 * c
                inputs.scalars[base] = Float(l)
                inputs.scalars[base + 1] = Float(r)
                inputs.scalars[base + 2] = Float(logWidth)
                inputs.maxInterval[c] = max(inputs.maxInterval[c], abs(l), abs(r))
                inputs.maxLogWidth[c] = max(inputs.maxLogWidth[c], abs(logWidth))
            }
        }
        return inputs
    }

    /// Packs components `start..<start + n` into `block` (feature-major, `TPEMixture.block` floats per feature:
    /// (a, b) per continuous dimension, the constant, (μ, 1/σ, bound offset) per discrete one) and `choices`,
    /// padding to a multiple of 8 with components whose bound is −∞. Returns the block's slack.
    func packBlock(
        start: Int, count n: Int, _ p: Pointers, _ inputs: BlockInputs,
        block: UnsafeMutablePointer<Float>, choices: UnsafeMutablePointer<Int32>
    ) -> Double {
        let width = Self.block, nc = continuous.count, padded = (n + 7) & ~7
        var magnitude = 0.0
        // Each column converted to float (padding after n), with the largest float magnitude (CSweptKernels).
        func pack(_ source: UnsafePointer<Double>, _ target: UnsafeMutablePointer<Float>, pad: Float = 0) -> Double {
            Double(swept_pack_floats(source + start, target, n, padded, pad, 0))
        }
        for c in 0..<nc {
            let fa = block + 2 * c * width, fb = fa + width
            let maxA = pack(p.coefficients[2 * c], fa), maxB = pack(p.coefficients[2 * c + 1], fb)
            magnitude += maxA * inputs.maxU[c] * inputs.maxU[c] + maxB * inputs.maxU[c]
        }
        magnitude += Double(
            swept_pack_floats(p.constant + start, block + 2 * nc * width, n, padded, -.infinity, 1))
        for c in discrete.indices {
            let fm = block + (2 * nc + 1 + 3 * c) * width, fi = fm + width, fo = fi + width
            let maxMu = pack(p.discrete[5 * c], fm), maxInvSigma = pack(p.discrete[5 * c + 1], fi)
            let maxOffset = pack(p.discrete[5 * c + 2], fo)
            let distance = (inputs.maxInterval[c] + maxMu) * maxInvSigma
            magnitude += inputs.maxLogWidth[c] + maxOffset + distance * distance
        }
        for c in categorical.indices {
            let source = p.choices[c] + start, target = choices + c * width
            target.update(from: source, count: n)
            for j in n..<padded { target[j] = -1 }
            magnitude += abs(categorical[c].logHit) + abs(categorical[c].logMiss)
        }
        // A NaN magnitude (an infinite coefficient) also lands here.
        let slack = Self.floatErrorPerMagnitude * magnitude
        return slack <= Self.exhaustiveSlack ? max(Self.minimumSlack, slack) : .infinity
    }

    /// Writes candidate `i`'s float bounds of the packed block's `n` components to `row` (padded to 8) and returns
    /// their maximum (−∞ for an empty block): constant + Σ (a·u² + b·u) over continuous dimensions (four at a
    /// time; a missing fourth reuses a real dimension's coefficients with u = 0, which adds exactly 0) + the
    /// categorical hit/miss select + the discretized bounds. The loop is the C kernel `swept_tpe_bound_row`
    /// (CSweptKernels): one pass per chunk of components with the sums in registers, vectorized for the widest
    /// instruction set the machine has (picked at run time), the same float operations in the same order (no
    /// fused multiply-adds) whichever it is, so the bounds and everything after them are the same bits
    /// everywhere.
    func boundRow(
        candidate i: Int, count n: Int, _ inputs: BlockInputs, block: UnsafePointer<Float>,
        choices: UnsafePointer<Int32>, row: UnsafeMutablePointer<Float>
    ) -> Float {
        let padded = (n + 7) & ~7, ncat = categorical.count
        return inputs.scalars.withUnsafeBufferPointer { scalars in
            inputs.choices.withUnsafeBufferPointer { candidateChoices in
                inputs.hits.withUnsafeBufferPointer { hits in
                    inputs.misses.withUnsafeBufferPointer { misses in
                        swept_tpe_bound_row(
                            block, Self.block, padded, continuous.count, discrete.count,
                            scalars.baseAddress.map { $0 + i * inputs.stride }, choices, ncat,
                            candidateChoices.baseAddress.map { $0 + i * ncat }, hits.baseAddress,
                            misses.baseAddress, row)
                    }
                }
            }
        }
    }
}
