import CSweptKernels
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A gradient-based optimizer and its hyperparameters.
public enum Optimizer: Sendable, Equatable {
    /// Stochastic gradient descent with optional (Nesterov) momentum.
    case sgd(momentum: Float = 0, nesterov: Bool = false)
    /// Adam; `weightDecay` in the training configuration is added to the gradient (L2 penalty).
    case adam(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)
    /// AdamW: Adam with weight decay decoupled from the gradient (`w -= lr · decay · w`).
    case adamW(beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8)

    /// Default Adam.
    public static var adam: Optimizer { .adam() }

    func validate() throws {
        switch self {
        case .sgd(let momentum, let nesterov):
            guard momentum >= 0, momentum < 1 else {
                throw LearnError.parameter("sgd momentum \(momentum): expected 0 ≤ momentum < 1")
            }
            if nesterov, momentum == 0 {
                throw LearnError.parameter("sgd nesterov with momentum 0: expected momentum > 0 for Nesterov")
            }
        case .adam(let b1, let b2, let eps), .adamW(let b1, let b2, let eps):
            guard b1 >= 0, b1 < 1 else { throw LearnError.parameter("adam beta1 \(b1): expected 0 ≤ beta1 < 1") }
            guard b2 >= 0, b2 < 1 else { throw LearnError.parameter("adam beta2 \(b2): expected 0 ≤ beta2 < 1") }
            guard eps > 0 else { throw LearnError.parameter("adam epsilon \(eps): expected > 0") }
        }
    }
}

/// Optimizer state (moments) over a flat parameter vector, updated in fused loops per layer segment.
struct OptimizerState {
    let optimizer: Optimizer
    let weightDecay: Float
    var first: [Float]
    var second: [Float]
    var step = 0

    init(optimizer: Optimizer, weightDecay: Float, parameterCount: Int) {
        self.optimizer = optimizer
        self.weightDecay = weightDecay
        switch optimizer {
        case .sgd(let momentum, _):
            first = [Float](repeating: 0, count: momentum > 0 ? parameterCount : 0)
            second = []
        case .adam, .adamW:
            first = [Float](repeating: 0, count: parameterCount)
            second = [Float](repeating: 0, count: parameterCount)
        }
    }

    /// One update of `parameters` from `gradients` at `learningRate`. Weight decay applies to weights, not biases.
    mutating func update(
        parameters: UnsafeMutableBufferPointer<Float>, gradients: UnsafeMutableBufferPointer<Float>,
        layouts: [LayerLayout], learningRate: Float, parallel: ParallelLoop = ParallelLoop(threads: 1),
        clearGradients: Bool = false
    ) {
        step += 1
        let optimizer = optimizer
        let decay = weightDecay
        let t = Float(step)
        first.withUnsafeMutableBufferPointer { m in
            second.withUnsafeMutableBufferPointer { v in
                guard let p = parameters.baseAddress, let g = gradients.baseAddress else { return }
                func segment(_ segmentStart: Int, _ segmentEnd: Int, _ segmentDecay: Float) {
                    parallel.run(count: segmentEnd - segmentStart) { range in
                        chunk(segmentStart + range.lowerBound, segmentStart + range.upperBound, segmentDecay)
                    }
                }
                func chunk(_ start: Int, _ end: Int, _ segmentDecay: Float) {
                    let n = end - start
                    switch optimizer {
                    case .sgd(let momentum, let nesterov):
                        OptimizerKernels.sgd(
                            p + start, g + start, m.baseAddress.map { $0 + start }, n, learningRate, momentum,
                            nesterov, segmentDecay)
                    case .adam(let b1, let b2, let eps):
                        guard let mb = m.baseAddress, let vb = v.baseAddress else { return }
                        OptimizerKernels.adam(
                            p + start, g + start, mb + start, vb + start, n, learningRate, b1, b2, eps, t,
                            l2: segmentDecay, decoupled: 0, clearGradient: clearGradients)
                    case .adamW(let b1, let b2, let eps):
                        guard let mb = m.baseAddress, let vb = v.baseAddress else { return }
                        OptimizerKernels.adam(
                            p + start, g + start, mb + start, vb + start, n, learningRate, b1, b2, eps, t,
                            l2: 0, decoupled: segmentDecay, clearGradient: clearGradients)
                    }
                }
                for layout in layouts {
                    segment(layout.weightOffset, layout.biasOffset, decay)
                    segment(layout.biasOffset, layout.end, 0)
                }
            }
        }
    }
}

extension OptimizerState {
    /// Whether `update(…, clearGradients: true)` zeroes the gradients it read (Adam and AdamW do; SGD ignores it).
    var clearsGradients: Bool {
        if case .sgd = optimizer { return false }
        return true
    }

    /// Advances the step counter by one (what `update` does first) and returns the new step, for callers that
    /// then update the parameter vector range by range with `OptimizerRanges`.
    mutating func advance() -> Int {
        step += 1
        return step
    }

    /// Calls `body` with raw access to the moments, so several threads can update disjoint parameter ranges of
    /// the same step. The moment vectors must not be resized inside `body`.
    mutating func withRanges<R>(
        parameters: UnsafeMutablePointer<Float>, gradients: UnsafeMutablePointer<Float>,
        _ body: (OptimizerRanges) throws -> R
    ) rethrows -> R {
        let optimizer = optimizer
        let decay = weightDecay
        return try first.withUnsafeMutableBufferPointer { m in
            try second.withUnsafeMutableBufferPointer { v in
                try body(
                    OptimizerRanges(
                        optimizer: optimizer, weightDecay: decay, parameters: parameters, gradients: gradients,
                        first: m.baseAddress, second: v.baseAddress))
            }
        }
    }
}

/// One step's optimizer update over any range of the flat parameter vector: the same per-element arithmetic as
/// `OptimizerState.update`, so splitting the vector between threads gives bit-identical parameters.
struct OptimizerRanges: @unchecked Sendable {
    let optimizer: Optimizer
    let weightDecay: Float
    let parameters: UnsafeMutablePointer<Float>
    let gradients: UnsafeMutablePointer<Float>
    let first: UnsafeMutablePointer<Float>?
    let second: UnsafeMutablePointer<Float>?

    /// Updates parameters `start..<end` at step `step`; `decays` is false for bias ranges. With `clearGradient`,
    /// Adam and AdamW leave the range's gradients at zero (see `OptimizerState.clearsGradients`).
    func update(_ start: Int, _ end: Int, decays: Bool, learningRate: Float, step: Int, clearGradient: Bool = false) {
        let n = end - start
        guard n > 0 else { return }
        let p = parameters + start
        let g = gradients + start
        let segmentDecay = decays ? weightDecay : 0
        switch optimizer {
        case .sgd(let momentum, let nesterov):
            OptimizerKernels.sgd(p, g, first.map { $0 + start }, n, learningRate, momentum, nesterov, segmentDecay)
        case .adam(let b1, let b2, let eps):
            guard let m = first, let v = second else { return }
            OptimizerKernels.adam(
                p, g, m + start, v + start, n, learningRate, b1, b2, eps, Float(step), l2: segmentDecay, decoupled: 0,
                clearGradient: clearGradient)
        case .adamW(let b1, let b2, let eps):
            guard let m = first, let v = second else { return }
            OptimizerKernels.adam(
                p, g, m + start, v + start, n, learningRate, b1, b2, eps, Float(step), l2: 0, decoupled: segmentDecay,
                clearGradient: clearGradient)
        }
    }
}

/// The fused update loops.
enum OptimizerKernels {
    static func sgd(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ velocity: UnsafeMutablePointer<Float>?,
        _ n: Int, _ lr: Float, _ momentum: Float, _ nesterov: Bool, _ l2: Float
    ) {
        guard let vel = velocity, momentum > 0 else {
            for i in 0..<n { p[i] -= lr * (g[i] + l2 * p[i]) }
            return
        }
        if nesterov {
            for i in 0..<n {
                let grad = g[i] + l2 * p[i]
                let v = momentum * vel[i] - lr * grad
                vel[i] = v
                p[i] += momentum * v - lr * grad
            }
        } else {
            for i in 0..<n {
                let v = momentum * vel[i] - lr * (g[i] + l2 * p[i])
                vel[i] = v
                p[i] += v
            }
        }
    }

    static func adam(
        _ p: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ m: UnsafeMutablePointer<Float>,
        _ v: UnsafeMutablePointer<Float>, _ n: Int, _ lr: Float, _ b1: Float, _ b2: Float, _ eps: Float, _ t: Float,
        l2: Float, decoupled: Float, clearGradient: Bool = false
    ) {
        // Bias corrections folded into the step size and epsilon (as PyTorch and scikit-learn do).
        let c1 = 1 - powf(b1, t)
        let c2 = 1 - powf(b2, t)
        let stepSize = lr * c2.squareRoot() / c1
        let epsHat = eps * c2.squareRoot()
        let shrink = 1 - lr * decoupled
        // The C kernel (AVX2 / AVX-512 where the CPU has them) computes, per element and bit for bit:
        //   grad = g + l2·p;  m = b1·m + (1 − b1)·grad;  v = b2·v + (1 − b2)·grad·grad
        //   p = p·shrink − stepSize·m / (√v + epsHat)
        // and with `clearGradient` leaves g = 0 behind.
        swept_adam(p, g, m, v, n, l2, b1, 1 - b1, b2, 1 - b2, shrink, stepSize, epsHat, clearGradient ? 1 : 0)
    }
}
