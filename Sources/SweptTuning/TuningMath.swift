#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The few libm functions the tuning core needs, so no other file imports the C library.
///
/// The module otherwise uses the Swift standard library only; libm is the platform's math, not I/O.
public enum TuningMath {
    /// Natural logarithm.
    @inlinable public static func log(_ x: Double) -> Double { logWrapped(x) }
    /// e raised to `x`.
    @inlinable public static func exp(_ x: Double) -> Double { expWrapped(x) }
    /// The error function.
    @inlinable public static func erf(_ x: Double) -> Double { erfWrapped(x) }
    /// The complementary error function, accurate for large `x`.
    @inlinable public static func erfc(_ x: Double) -> Double { erfcWrapped(x) }
    /// log(1 + x), accurate for small `x`.
    @inlinable public static func log1p(_ x: Double) -> Double { log1pWrapped(x) }
    /// exp(x) − 1, accurate for small `x`.
    @inlinable public static func expm1(_ x: Double) -> Double { expm1Wrapped(x) }
    /// Cosine.
    @inlinable public static func cos(_ x: Double) -> Double { cosWrapped(x) }
    /// The next representable double after `x` towards `y`.
    @inlinable public static func nextafter(_ x: Double, _ y: Double) -> Double {
        if x.isNaN || y.isNaN { return .nan }
        if x == y { return y }
        return y > x ? x.nextUp : x.nextDown
    }
}

@usableFromInline func logWrapped(_ x: Double) -> Double { log(x) }
@usableFromInline func expWrapped(_ x: Double) -> Double { exp(x) }
@usableFromInline func erfWrapped(_ x: Double) -> Double { erf(x) }
@usableFromInline func erfcWrapped(_ x: Double) -> Double { erfc(x) }
@usableFromInline func log1pWrapped(_ x: Double) -> Double { log1p(x) }
@usableFromInline func expm1Wrapped(_ x: Double) -> Double { expm1(x) }
@usableFromInline func cosWrapped(_ x: Double) -> Double { cos(x) }
