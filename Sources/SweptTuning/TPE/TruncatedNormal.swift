/// Standard-normal helpers for truncated and discretized Gaussian kernels, with the numerics of Optuna 5.0's
/// `samplers/_tpe/_truncnorm.py` (itself a port of SciPy's): work in the left tail, switch to an asymptotic
/// series far out, and avoid cancellation in the central case.
public enum TruncatedNormal {
    /// log(√(2π)).
    public static let logSqrt2Pi = 0.918_938_533_204_672_7

    /// Φ(a), the standard normal CDF, accurate in both tails.
    public static func cdf(_ a: Double) -> Double {
        let x = a / 2.0.squareRoot()
        if x < -1 / 2.0.squareRoot() { return 0.5 * TuningMath.erfc(-x) }
        if x < 1 / 2.0.squareRoot() { return 0.5 + 0.5 * TuningMath.erf(x) }
        return 1.0 - 0.5 * TuningMath.erfc(x)
    }

    /// log Φ(a), accurate for very negative `a` (asymptotic series below −20).
    public static func logCDF(_ a: Double) -> Double {
        if a > 6 { return -cdf(-a) }
        if a > -20 { return TuningMath.log(cdf(a)) }
        let logLHS = -0.5 * a * a - TuningMath.log(-a) - 0.5 * TuningMath.log(2 * Double.pi)
        var lastTotal = 0.0
        var rightHandSide = 1.0
        var numerator = 1.0
        var denomFactor = 1.0
        let denomCons = 1 / (a * a)
        var sign = 1.0
        var i = 0.0
        while abs(lastTotal - rightHandSide) > Double.ulpOfOne {
            i += 1
            lastTotal = rightHandSide
            sign = -sign
            denomFactor *= denomCons
            numerator *= 2 * i - 1
            rightHandSide += sign * numerator * denomFactor
        }
        return logLHS + TuningMath.log(rightHandSide)
    }

    /// log(Φ(b) − Φ(a)) for a ≤ b: the log of the standard normal mass on [a, b].
    public static func logMass(_ a: Double, _ b: Double) -> Double {
        if b <= 0 { return logDiff(logCDF(b), logCDF(a)) }
        if a > 0 { return logDiff(logCDF(-a), logCDF(-b)) }
        return TuningMath.log1p(-centralCDF(a) - centralCDF(-b))
    }

    /// `logMass` with fewer transcendental calls, for the fast path's exact terms: on one side of 0 with the
    /// nearer end within 20 of it (no asymptotic series there) and the far end's CDF at most 0.99 of the near
    /// end's, log(Φ(b) − Φ(a)) directly — one log instead of two logs, an exp and a log1p. Both CDFs come from
    /// erfc in that tail with a relative error of about one ulp, so the difference is within (1 + r)/(1 − r) ≈ 200
    /// ulp (4·10⁻¹⁴) relative. Elsewhere it is `logMass` itself.
    static func logMassFast(_ a: Double, _ b: Double) -> Double {
        if b <= 0 && b >= -20 {
            let near = cdf(b), far = cdf(a)
            if far <= 0.99 * near { return TuningMath.log(near - far) }
        } else if a > 0 && a <= 20 {
            let near = cdf(-a), far = cdf(-b)
            if far <= 0.99 * near { return TuningMath.log(near - far) }
        }
        return logMass(a, b)
    }

    /// For a narrow interval (width h = b − a ≤ 0.5 and |c|·h ≤ 3, c = (a + b)/2): (Φ(b) − Φ(a)) / (h·φ(c)) from
    /// its Taylor series in h, Σₖ Heₖ₂(c)·(h/2)²ᵏ / (2k + 1)! (Hermite polynomials by their recurrence), with no
    /// transcendental call; nil for wider intervals. Twelve terms: by Cramér's bound |Heₙ(c)| ≤ 1.09·√n!·e^{c²/4}
    /// the rest is below 10⁻²³ of the sum there. `width` is passed rather than b − a so that a caller with
    /// exactly known ends (r − l of two nearby logs is exact) keeps it exact.
    @inline(__always)
    static func narrowMassRatio(center c: Double, width h: Double) -> Double? {
        isNarrow(center: c, width: h) ? narrowSeries(center: c, width: h) : nil
    }

    /// Whether `narrowMassRatio` accepts the interval.
    @inline(__always)
    static func isNarrow(center c: Double, width h: Double) -> Bool { h <= 0.5 && abs(c) * h <= 3 }

    /// The series of `narrowMassRatio` without the check (meaningful only where `isNarrow`).
    @inline(__always)
    static func narrowSeries(center c: Double, width h: Double) -> Double {
        narrowSeries(center: SIMD2(repeating: c), width: SIMD2(repeating: h))[0]
    }

    /// `narrowSeries` for several intervals at once: lane by lane the same operations in the same order (so the
    /// same bits as one at a time), but the Hermite recurrence of one interval is a chain of dependent multiplies,
    /// so lanes side by side are what keeps the units busy (a scalar loop over intervals does not vectorize: the
    /// term loop is not unrolled).
    @inline(__always)
    static func narrowSeries<V: SIMD>(center c: V, width h: V) -> V where V.Scalar == Double {
        let t2 = 0.25 * h * h
        var previous = V(repeating: 1), current = c  // He₀, He₁
        var sum = V(repeating: 1), scale = V(repeating: 1)
        for k in 0..<12 {
            let n = Double(2 * k + 1)
            let even = c * current - n * previous  // He₍ₙ₊₁₎, n + 1 even
            scale *= t2 * (1 / ((n + 1) * (n + 2)))  // a constant: no division in the loop
            sum += even * scale
            let odd = c * even - (n + 1) * current
            previous = even
            current = odd
        }
        return sum
    }

    /// Φ(b) − Φ(a) itself where `logMassFast` would take the log of a well-conditioned difference (one side
    /// of 0, the same bounds), and in the central case (a ≤ 0 ≤ b) 1 − Φ(a) − Φ(−b), what `logMass` passes to
    /// log1p; nil elsewhere (far tails, poorly conditioned differences: use `logMass`). Lets the exact pass
    /// multiply by the mass instead of adding its log.
    static func massFast(_ a: Double, _ b: Double) -> Double? {
        if b <= 0 {
            guard b >= -20 else { return nil }
            let near = cdf(b), far = cdf(a)
            return far <= 0.99 * near ? near - far : nil
        }
        if a > 0 {
            guard a <= 20 else { return nil }
            let near = cdf(-a), far = cdf(-b)
            return far <= 0.99 * near ? near - far : nil
        }
        return 1 + (-centralCDF(a) - centralCDF(-b))
    }

    /// log φ(z) of the standard normal density.
    @inline(__always)
    public static func logDensity(_ z: Double) -> Double { -0.5 * z * z - logSqrt2Pi }

    /// Log density at `x` of N(mu, sigma²) truncated to [low, high]; −∞ outside.
    public static func logPDF(_ x: Double, mu: Double, sigma: Double, low: Double, high: Double) -> Double {
        let a = (low - mu) / sigma, b = (high - mu) / sigma
        if a == b { return .nan }
        let z = (x - mu) / sigma
        if z < a || z > b { return -.infinity }
        return logDensity(z) - logMass(a, b) - TuningMath.log(sigma)
    }

    /// The quantile `q` ∈ [0, 1] of the standard normal truncated to [a, b].
    ///
    /// When the truncated mass is not tiny, Φ⁻¹(Φ(a) + q·(Φ(b) − Φ(a))) in the tail where the point lies (for
    /// a point above 0, −Φ⁻¹ of the upper tail's mass beyond it, Φ(−x) = Φ(−b) + (1 − q)·(Φ(−a) − Φ(−b))): one
    /// rational approximation plus a Halley step, ~1e-15 relative; otherwise Optuna's `ppf` (Newton on log Φ),
    /// which stays accurate far out in the tails.
    public static func quantile(_ q: Double, _ a: Double, _ b: Double) -> Double {
        if a == b { return .nan }
        if q == 0 { return a }
        if q == 1 { return b }
        return quantile(q, Prepared(a, b))
    }

    /// A standard normal truncated to [a, b] with the CDFs that `quantile` needs, for drawing from one kernel
    /// many times.
    struct Prepared {
        let a: Double, b: Double
        /// Φ(a), Φ(b) when a < 0, else Φ(−b), Φ(−a).
        let pa: Double, pb: Double
        /// Φ(−b), Φ(−a) when a < 0 < b (the upper tail, for points above 0), else 0.
        let ra: Double, rb: Double

        init(_ a: Double, _ b: Double) {
            self.a = a
            self.b = b
            (pa, pb) = a < 0 ? (cdf(a), cdf(b)) : (cdf(-b), cdf(-a))
            (ra, rb) = a < 0 && b > 0 ? (cdf(-b), cdf(-a)) : (0, 0)
        }
    }

    /// `quantile(q, a, b)` of a prepared kernel.
    static func quantile(_ q: Double, _ kernel: Prepared) -> Double {
        let a = kernel.a, b = kernel.b, pa = kernel.pa, pb = kernel.pb
        if a == b { return .nan }
        if q == 0 { return a }
        if q == 1 { return b }
        if a < 0 {
            let p = pa + q * (pb - pa)
            if pb - pa > 1e-6 && p > 1e-10 && p < 0.5 { return min(max(inverseCDF(p), a), b) }
            if b > 0 && p >= 0.5 {
                let ra = kernel.ra, rb = kernel.rb
                let upper = ra + (1 - q) * (rb - ra)
                if rb - ra > 1e-6 && upper > 1e-10 && upper < 0.5 { return min(max(-inverseCDF(upper), a), b) }
            }
        } else {
            let p = pa + (1 - q) * (pb - pa)
            if pb - pa > 1e-6 && p > 1e-10 && p < 0.5 { return min(max(-inverseCDF(p), a), b) }
        }
        return quantileByNewton(q, a, b)
    }

    /// Φ⁻¹(p) for p in (0, 0.5]: Acklam's rational approximation refined by one Halley step.
    static func inverseCDF(_ p: Double) -> Double {
        // The coefficients written out (array literals here would be built, or at least retained, per call).
        var x: Double
        if p < 0.02425 {
            let t = (-2 * TuningMath.log(p)).squareRoot()
            x = (((((-7.784894002430293e-03 * t - 3.223964580411365e-01) * t - 2.400758277161838e+00) * t
                - 2.549732539343734e+00) * t + 4.374664141464968e+00) * t + 2.938163982698783e+00)
                / ((((7.784695709041462e-03 * t + 3.224671290700398e-01) * t + 2.445134137142996e+00) * t
                    + 3.754408661907416e+00) * t + 1)
        } else {
            let t = p - 0.5, r = t * t
            x = (((((-3.969683028665376e+01 * r + 2.209460984245205e+02) * r - 2.759285104469687e+02) * r
                + 1.383577518672690e+02) * r - 3.066479806614716e+01) * r + 2.506628277459239e+00) * t
                / (((((-5.447609879822406e+01 * r + 1.615858368580409e+02) * r - 1.556989798598866e+02) * r
                    + 6.680131188771972e+01) * r - 1.328068155288572e+01) * r + 1)
        }
        let e = cdf(x) - p
        let u = e * (2 * Double.pi).squareRoot() * TuningMath.exp(0.5 * x * x)
        x -= u / (1 + 0.5 * x * u)
        return x
    }

    /// Optuna's `ppf`: Newton's method on log Φ.
    static func quantileByNewton(_ q: Double, _ a: Double, _ b: Double) -> Double {
        let mass = logMass(a, b)
        if a < 0 {
            return inverseLogCDF(logSum(logCDF(a), TuningMath.log(q) + mass))
        }
        return -inverseLogCDF(logSum(logCDF(-b), TuningMath.log1p(-q) + mass))
    }

    /// x with log Φ(x) = y (Newton's method from Optuna's `_ndtri_exp`, relative tolerance 1e-8).
    static func inverseLogCDF(_ y: Double) -> Double {
        let flipped = y > -1e-2
        let z = flipped ? TuningMath.log(-TuningMath.expm1(y)) : y
        var x: Double
        if z < -5 {
            x = -(-2.0 * (z + logSqrt2Pi)).squareRoot()
        } else {
            x = -(3.0.squareRoot() / Double.pi) * TuningMath.log(TuningMath.expm1(-z))
        }
        for _ in 0..<100 {
            let logCDFx = logCDF(x)
            let logPDFx = -0.5 * x * x - logSqrt2Pi
            let dx = (logCDFx - z) * TuningMath.exp(logCDFx - logPDFx)
            x -= dx
            if abs(dx) < 1e-8 * abs(x) { break }
        }
        return flipped ? -x : x
    }

    @inline(__always)
    static func centralCDF(_ a: Double) -> Double { 0.5 + 0.5 * TuningMath.erf(a / 2.0.squareRoot()) }

    @inline(__always)
    static func logDiff(_ logP: Double, _ logQ: Double) -> Double {
        logP + TuningMath.log1p(-TuningMath.exp(logQ - logP))
    }

    @inline(__always)
    static func logSum(_ x: Double, _ y: Double) -> Double {
        let m = max(x, y)
        if m == -.infinity { return m }
        return m + TuningMath.log1p(TuningMath.exp(-abs(x - y)))
    }
}
