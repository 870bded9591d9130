import CSweptKernels
import Testing
@testable import SweptTuning

/// The golden values of optuna-semantics.md (each checked against Optuna 5.0.0), domain [−1, 1], prior weight 1.
@Suite("Parzen estimator golden values")
struct ParzenGoldenTests {
    static let domain = ParzenDimension(low: -1, high: 1, step: nil, log: false)

    static func sigmas(_ observations: [Double], endpoints: Bool, clip: Bool) -> [Double] {
        let parameters = ParzenEstimatorParameters(considerMagicClip: clip, considerEndpoints: endpoints)
        return ParzenEstimator(observations: [observations], dimensions: [domain], parameters: parameters).sigmas[0]
    }

    @Test("{−0.3, 0.3}: σ = 0.6, 0.6 with endpoints off, 0.7, 0.7 with endpoints on; prior σ = 2")
    func twoObservations() {
        let off = Self.sigmas([-0.3, 0.3], endpoints: false, clip: true)
        let on = Self.sigmas([-0.3, 0.3], endpoints: true, clip: true)
        #expect(zip(off, [0.6, 0.6, 2]).allSatisfy { abs($0 - $1) < 1e-12 })
        #expect(zip(on, [0.7, 0.7, 2]).allSatisfy { abs($0 - $1) < 1e-12 })
    }

    @Test("{−0.4, 0.4, 0.41, 0.42}, endpoints on: 0.8, 0.8, 0.01, 0.58 unclipped; the 0.01 becomes 1/3 clipped")
    func magicClip() {
        let raw = Self.sigmas([-0.4, 0.4, 0.41, 0.42], endpoints: true, clip: false)
        let clipped = Self.sigmas([-0.4, 0.4, 0.41, 0.42], endpoints: true, clip: true)
        #expect(zip(raw, [0.8, 0.8, 0.01, 0.58, 2]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(raw)")
        #expect(zip(clipped, [0.8, 0.8, 1.0 / 3, 0.58, 2]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(clipped)")
    }

    @Test("categorical: one observation at index 1 of 3 gives row [0.2, 0.6, 0.2]; the prior row is uniform")
    func categoricalRows() {
        let rows = ParzenEstimator.categoricalRows([1], choices: 3, priorWeight: 1)
        #expect(zip(rows, [0.2, 0.6, 0.2, 1.0 / 3, 1.0 / 3, 1.0 / 3]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(rows)")
    }

    @Test("weights: all 1 below 25, a ramp from 1/m for the oldest m − 25 beyond; gamma rounds like Optuna")
    func weightsAndGamma() {
        #expect(TPEWeights.ramp(3) == [1, 1, 1])
        let w = TPEWeights.ramp(30)
        #expect(w.count == 30 && abs(w[0] - 1.0 / 30) < 1e-15 && w[4] == 1 && w[5...].allSatisfy { $0 == 1 })
        #expect([0, 1, 10, 11, 30, 100, 250, 251, 10_000].map(TPEWeights.gamma) == [0, 1, 1, 2, 3, 10, 25, 25, 25])
    }
}

@Suite("Truncated normal")
struct TruncatedNormalTests {
    @Test("the fast quantile agrees with Optuna's Newton ppf and inverts the truncated CDF",
          arguments: [(-1.0, 1.0), (-3.0, 0.5), (0.2, 4.0), (-8.0, -7.5), (5.0, 9.0), (-0.1, 40.0), (-40.0, 0.3)])
    func quantile(a: Double, b: Double) {
        for q in stride(from: 0.01, through: 0.99, by: 0.07) {
            let fast = TruncatedNormal.quantile(q, a, b)
            let newton = TruncatedNormal.quantileByNewton(q, a, b)
            #expect(abs(fast - newton) <= 1e-7 * max(1, abs(newton)), "q \(q) on [\(a), \(b)]: \(fast) vs \(newton)")
            #expect(fast >= a && fast <= b)
        }
    }

    @Test("the fast-path log mass equals logMass to 1e-13 on intervals of every width and place",
          arguments: [-30.0, -19.5, -6.0, -2.0, -0.3, 0.0, 0.4, 3.0, 12.0, 25.0])
    func logMassFast(start: Double) {
        for width in [1e-6, 1e-3, 0.01, 0.05, 0.3, 1, 4, 30] {
            for (a, b) in [(start, start + width), (start - width, start)] {
                let fast = TruncatedNormal.logMassFast(a, b), exact = TruncatedNormal.logMass(a, b)
                #expect(abs(fast - exact) <= 1e-13 * max(1, abs(exact)), "[\(a), \(b)]: \(fast) vs \(exact)")
            }
        }
    }

    /// The series is exact up to rounding; logMass loses about ε/h relative on a narrow interval (a difference of
    /// two close CDFs), so the comparison is to 1e-13 where that is below it and to 1e-9 on the narrowest.
    @Test("the narrow-interval series equals logMass on every place and width it accepts, and declines wide ones",
          arguments: [-12.0, -8.0, -3.0, -1.0, -0.2, 0.0, 0.7, 2.5, 6.0, 11.0])
    func narrowMass(center: Double) {
        for width in [1e-6, 1e-3, 0.01, 0.05, 0.2, 0.5, 0.6, 2] {
            let a = center - width / 2, b = center + width / 2
            guard let ratio = TruncatedNormal.narrowMassRatio(center: center, width: width) else {
                #expect(width > 0.5 || abs(center) * width > 3, "declined [\(a), \(b)]")
                continue
            }
            #expect(width <= 0.5 && abs(center) * width <= 3, "accepted [\(a), \(b)]")
            let series = TuningMath.log(width * ratio) - 0.5 * center * center - TruncatedNormal.logSqrt2Pi
            let exact = TruncatedNormal.logMass(a, b)
            let tolerance = width < 1e-2 ? 1e-9 : 1e-13
            #expect(abs(series - exact) <= tolerance * max(1, abs(exact)), "[\(a), \(b)]: \(series) vs \(exact)")
        }
    }

    /// The exact pass runs the series in C (CSweptKernels), eight intervals side by side; it must give the Swift
    /// reference's bits, in full groups of eight and in the tail, for every accepted interval.
    @Test("the C series gives the Swift series' bits", arguments: [1, 7, 8, 9, 23, 64])
    func narrowSeriesKernel(count: Int) {
        var random = TuningRandom(seed: UInt64(count))
        let widths = (0..<count).map { _ in 0.5 * random.nextDouble() }
        let centers = widths.map { width in (random.nextDouble() * 2 - 1) * min(12, 3 / max(width, 1e-9)) }
        var out = [Double](repeating: .nan, count: count)
        swept_narrow_series(centers, widths, &out, count)
        for i in 0..<count {
            let reference = TruncatedNormal.narrowSeries(center: centers[i], width: widths[i])
            #expect(out[i].bitPattern == reference.bitPattern, "c = \(centers[i]), h = \(widths[i])")
        }
    }
}
