#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A seeded pseudo-random generator (xoshiro256**, seeded through SplitMix64). The same seed gives the same stream
/// on every platform, which is what makes training runs reproducible.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var s0: UInt64
    private var s1: UInt64
    private var s2: UInt64
    private var s3: UInt64

    /// Creates a generator from a 64-bit seed.
    public init(seed: UInt64) {
        var x = seed
        func splitMix() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = ((s1 &* 5) << 7 | (s1 &* 5) >> 57) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = (s3 << 45) | (s3 >> 19)
        return result
    }

    /// A uniform `Float` in `[0, 1)` with 24 random bits.
    @inline(__always)
    public mutating func nextUnitFloat() -> Float {
        Float(next() >> 40) * (1.0 / 16_777_216.0)
    }

    /// A uniform index in `0..<bound` (Lemire's method without rejection bias beyond 2^-64).
    @inline(__always)
    public mutating func nextIndex(below bound: Int) -> Int {
        Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A standard normal sample (Box–Muller in `Double`).
    public mutating func nextNormal() -> Double {
        let u1 = max(Double(next() >> 11) * 0x1p-53, 0x1p-60)
        let u2 = Double(next() >> 11) * 0x1p-53
        return (-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Shuffles `indices` in place (Fisher–Yates) with this generator.
    public mutating func shuffle(_ indices: inout [Int32]) {
        var i = indices.count - 1
        while i > 0 {
            let j = nextIndex(below: i + 1)
            indices.swapAt(i, j)
            i -= 1
        }
    }
}

/// Weight initialization schemes for dense layers.
public enum Initialization: String, Sendable, Codable, CaseIterable {
    /// He (Kaiming) normal: standard deviation `sqrt(2 / fanIn)`; suits relu and gelu.
    case he
    /// Xavier (Glorot) uniform: `±sqrt(6 / (fanIn + fanOut))`; suits tanh, sigmoid and linear layers.
    case xavier
    /// All zeros (linear models, where the loss is convex).
    case zeros

    /// Fills `weights` (`fanIn × fanOut`) from `generator`.
    func fill(_ weights: UnsafeMutableBufferPointer<Float>, fanIn: Int, fanOut: Int,
              generator: inout SeededGenerator) {
        switch self {
        case .he:
            let std = (2.0 / Double(fanIn)).squareRoot()
            for i in weights.indices { weights[i] = Float(generator.nextNormal() * std) }
        case .xavier:
            let limit = Float((6.0 / Double(fanIn + fanOut)).squareRoot())
            for i in weights.indices { weights[i] = (generator.nextUnitFloat() * 2 - 1) * limit }
        case .zeros:
            for i in weights.indices { weights[i] = 0 }
        }
    }
}
