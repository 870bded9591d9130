import CSweptKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A hidden-layer activation function.
public enum Activation: String, Sendable, CaseIterable, Codable {
    /// `max(z, 0)`.
    case relu
    /// Hyperbolic tangent.
    case tanh
    /// Gaussian error linear unit (tanh approximation, as in PyTorch's `approximate="tanh"`).
    case gelu
    /// Logistic sigmoid `1 / (1 + e^-z)`.
    case sigmoid
    /// No activation (used for output layers and linear models).
    case identity

    /// Whether the backward pass needs the pre-activation `z` (otherwise the output `a` suffices).
    var needsPreActivation: Bool { self == .gelu }

    /// The initialization that suits this activation: He for relu/gelu, Xavier (Glorot) otherwise.
    public var defaultInitialization: Initialization {
        switch self {
        case .relu, .gelu: .he
        case .tanh, .sigmoid, .identity: .xavier
        }
    }
}

/// Fused bias + activation kernels over raw row-major batch buffers. Plain loops the optimizer vectorizes.
enum ActivationKernels {
    /// `a[i, j] = f(z[i, j] + bias[j])` for a `rows × columns` batch. `z` and `a` may be the same buffer unless
    /// `keepPreActivation` is set, in which case `z` keeps `z + bias` for the backward pass.
    static func forward(
        _ activation: Activation, z: UnsafeMutablePointer<Float>, bias: UnsafePointer<Float>,
        a: UnsafeMutablePointer<Float>, rows: Int, columns: Int
    ) {
        if activation == .relu {
            // The C kernel (AVX2 / AVX-512 where the CPU has them): the same `max(z + b, 0)` per element.
            swept_bias_relu(z, bias, a, rows, columns)
            return
        }
        for r in 0..<rows {
            let zr = z + r * columns
            let ar = a + r * columns
            switch activation {
            case .relu:
                for j in 0..<columns {
                    let v = zr[j] + bias[j]
                    ar[j] = v > 0 ? v : 0
                }
            case .identity:
                for j in 0..<columns { ar[j] = zr[j] + bias[j] }
            case .tanh:
                for j in 0..<columns { ar[j] = tanhf(zr[j] + bias[j]) }
            case .sigmoid:
                for j in 0..<columns { ar[j] = sigmoid(zr[j] + bias[j]) }
            case .gelu:
                for j in 0..<columns {
                    let v = zr[j] + bias[j]
                    zr[j] = v
                    ar[j] = gelu(v)
                }
            }
        }
    }

    /// In place: `g[i] *= f'(·)` where the derivative is taken from the output `a` (or `z` for gelu).
    static func backward(
        _ activation: Activation, gradient g: UnsafeMutablePointer<Float>, a: UnsafePointer<Float>,
        z: UnsafePointer<Float>, count: Int
    ) {
        switch activation {
        case .relu:
            swept_relu_backward(g, a, count)
        case .identity:
            break
        case .tanh:
            for i in 0..<count { g[i] *= 1 - a[i] * a[i] }
        case .sigmoid:
            for i in 0..<count { g[i] *= a[i] * (1 - a[i]) }
        case .gelu:
            for i in 0..<count { g[i] *= geluDerivative(z[i]) }
        }
    }

    @inline(__always)
    static func sigmoid(_ x: Float) -> Float {
        // Stable for large |x|: exp of a non-positive number never overflows.
        if x >= 0 {
            return 1 / (1 + expf(-x))
        }
        let e = expf(x)
        return e / (1 + e)
    }

    static let geluScale: Float = 0.797_884_6  // sqrt(2 / pi)

    @inline(__always)
    static func gelu(_ x: Float) -> Float {
        0.5 * x * (1 + tanhf(geluScale * (x + 0.044715 * x * x * x)))
    }

    @inline(__always)
    static func geluDerivative(_ x: Float) -> Float {
        let inner = geluScale * (x + 0.044715 * x * x * x)
        let t = tanhf(inner)
        let dInner = geluScale * (1 + 3 * 0.044715 * x * x)
        return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * dInner
    }
}
