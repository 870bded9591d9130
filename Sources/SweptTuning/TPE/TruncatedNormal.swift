#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard-normal helpers for truncated and discretized Gaussian kernels, with the numerics of Optuna 5.0's
/// `samplers/_tpe/_truncnorm.py` (itself a port of SciPy's): work in the left tail, switch to an asymptotic
/// series far out, and avoid cancellation in the central case.
public enum TruncatedNormal {
    /// log(√(2π)).
    public static let logSqrt2Pi = 0.918_938_533_204_672_7

    /// Φ(a), the standard normal CDF, accurate in both tails.
    public static func cdf(_ a: Double) -> Double {
        let x = a / 2.0.squareRoot()
        if x < -1 / 2.0.squareRoot() { return 0.5 * erfc(-x) }
        if x < 1 / 2.0.squareRoot() { return 0.5 + 0.5 * erf(x) }
        return 1.0 - 0.5 * erfc(x)
    }

    /// log Φ(a), accurate for very negative `a` (asymptotic series below −20).
    public static func logCDF(_ a: Double) -> Double {
        if a > 6 { return -cdf(-a) }
        if a > -20 { return log(cdf(a)) }
        let logLHS = -0.5 * a * a - log(-a) - 0.5 * log(2 * Double.pi)
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
        return logLHS + log(rightHandSide)
    }

    /// log(Φ(b) − Φ(a)) for a ≤ b: the log of the standard normal mass on [a, b].
    public static func logMass(_ a: Double, _ b: Double) -> Double {
        if b <= 0 { return logDiff(logCDF(b), logCDF(a)) }
        if a > 0 { return logDiff(logCDF(-a), logCDF(-b)) }
        return log1p(-centralCDF(a) - centralCDF(-b))
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
        return logDensity(z) - logMass(a, b) - log(sigma)
    }

    /// The quantile `q` ∈ [0, 1] of the standard normal truncated to [a, b] (Optuna's `ppf`).
    public static func quantile(_ q: Double, _ a: Double, _ b: Double) -> Double {
        if a == b { return .nan }
        if q == 0 { return a }
        if q == 1 { return b }
        let mass = logMass(a, b)
        if a < 0 {
            return inverseLogCDF(logSum(logCDF(a), log(q) + mass))
        }
        return -inverseLogCDF(logSum(logCDF(-b), log1p(-q) + mass))
    }

    /// x with log Φ(x) = y (Newton's method from Optuna's `_ndtri_exp`, relative tolerance 1e-8).
    static func inverseLogCDF(_ y: Double) -> Double {
        let flipped = y > -1e-2
        let z = flipped ? log(-expm1(y)) : y
        var x: Double
        if z < -5 {
            x = -(-2.0 * (z + logSqrt2Pi)).squareRoot()
        } else {
            x = -(3.0.squareRoot() / Double.pi) * log(expm1(-z))
        }
        for _ in 0..<100 {
            let logCDFx = logCDF(x)
            let logPDFx = -0.5 * x * x - logSqrt2Pi
            let dx = (logCDFx - z) * exp(logCDFx - logPDFx)
            x -= dx
            if abs(dx) < 1e-8 * abs(x) { break }
        }
        return flipped ? -x : x
    }

    @inline(__always)
    static func centralCDF(_ a: Double) -> Double { 0.5 + 0.5 * erf(a / 2.0.squareRoot()) }

    @inline(__always)
    static func logDiff(_ logP: Double, _ logQ: Double) -> Double { logP + log1p(-exp(logQ - logP)) }

    @inline(__always)
    static func logSum(_ x: Double, _ y: Double) -> Double {
        let m = max(x, y)
        if m == -.infinity { return m }
        return m + log1p(exp(-abs(x - y)))
    }
}
