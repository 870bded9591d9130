#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How the learning rate changes over training. Evaluated once per optimizer step (mini-batch).
public indirect enum LearningRateSchedule: Sendable, Equatable {
    /// The base rate throughout.
    case constant
    /// Multiply by `factor` every `epochs` epochs.
    case step(epochs: Int, factor: Float)
    /// Cosine annealing from the base rate to `minimum` over the whole run.
    case cosine(minimum: Float = 0)
    /// Linear warm-up from 0 to the base rate over `epochs` epochs, then `then` (counting from the end of warm-up).
    case warmup(epochs: Int, then: LearningRateSchedule)

    func validate() throws {
        switch self {
        case .constant: break
        case .step(let epochs, let factor):
            guard epochs >= 1 else {
                throw LearnError.parameter("step schedule every \(epochs) epochs: expected ≥ 1")
            }
            guard factor > 0 else { throw LearnError.parameter("step schedule factor \(factor): expected > 0") }
        case .cosine(let minimum):
            guard minimum >= 0 else { throw LearnError.parameter("cosine minimum rate \(minimum): expected ≥ 0") }
        case .warmup(let epochs, let then):
            guard epochs >= 0 else { throw LearnError.parameter("warm-up of \(epochs) epochs: expected ≥ 0") }
            try then.validate()
        }
    }

    /// The rate at `step` (0-based, counted in batches) given the steps per epoch and the total number of steps.
    public func rate(base: Float, step: Int, stepsPerEpoch: Int, totalSteps: Int) -> Float {
        switch self {
        case .constant:
            return base
        case .step(let epochs, let factor):
            let drops = step / max(stepsPerEpoch * epochs, 1)
            return base * powf(factor, Float(drops))
        case .cosine(let minimum):
            let progress = min(Float(step) / Float(max(totalSteps, 1)), 1)
            return minimum + (base - minimum) * 0.5 * (1 + cosf(Float.pi * progress))
        case .warmup(let epochs, let then):
            let warmSteps = epochs * stepsPerEpoch
            if step < warmSteps {
                return base * Float(step + 1) / Float(warmSteps)
            }
            return then.rate(
                base: base, step: step - warmSteps, stepsPerEpoch: stepsPerEpoch,
                totalSteps: max(totalSteps - warmSteps, 1))
        }
    }
}
