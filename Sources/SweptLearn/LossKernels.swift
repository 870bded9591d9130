#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Losses and their gradients with respect to the output layer's pre-activation, computed in one pass per row.
enum LossKernels {
    /// Writes `dLoss/dLogits` (already divided by `batchRows`, which defaults to `rows`) into `gradient` and returns
    /// the summed loss over rows. A thread that handles part of a batch passes the whole batch's row count.
    ///
    /// - softmax: categorical cross-entropy through a stable log-softmax (`logsumexp` shifted by the row maximum).
    /// - sigmoid: binary cross-entropy from the logit `z`: `max(z, 0) - z·y + log(1 + e^-|z|)`.
    /// - linear: mean squared error averaged over outputs.
    static func lossAndGradient(
        head: OutputHead, logits: UnsafePointer<Float>, labels: UnsafePointer<Int32>, targets: UnsafePointer<Float>,
        rows: Int, batchRows: Int? = nil, gradient: UnsafeMutablePointer<Float>
    ) -> Double {
        let invRows = 1 / Float(batchRows ?? rows)
        var total: Double = 0
        switch head {
        case .softmax(let classes):
            for r in 0..<rows {
                let z = logits + r * classes
                let g = gradient + r * classes
                var maxValue = z[0]
                for j in 1..<classes where z[j] > maxValue { maxValue = z[j] }
                var sum: Float = 0
                for j in 0..<classes {
                    let e = expf(z[j] - maxValue)
                    g[j] = e
                    sum += e
                }
                let label = Int(labels[r])
                let logSum = logf(sum)
                total += Double(logSum - (z[label] - maxValue))
                let scale = invRows / sum
                for j in 0..<classes { g[j] *= scale }
                g[label] -= invRows
            }
        case .sigmoid:
            for r in 0..<rows {
                let z = logits[r]
                let y: Float = labels[r] == 1 ? 1 : 0
                total += Double(max(z, 0) - z * y + log1pf(expf(-abs(z))))
                gradient[r] = (ActivationKernels.sigmoid(z) - y) * invRows
            }
        case .linear(let outputs):
            let scale = 2 * invRows / Float(outputs)
            for r in 0..<rows {
                var rowLoss: Float = 0
                for j in 0..<outputs {
                    let d = logits[r * outputs + j] - targets[r * outputs + j]
                    rowLoss += d * d
                    gradient[r * outputs + j] = d * scale
                }
                total += Double(rowLoss / Float(outputs))
            }
        }
        return total
    }

    /// Turns logits into outputs in place: softmax probabilities, sigmoid probabilities, or unchanged.
    static func outputs(head: OutputHead, logits: UnsafeMutablePointer<Float>, rows: Int) {
        switch head {
        case .softmax(let classes):
            for r in 0..<rows {
                let z = logits + r * classes
                var maxValue = z[0]
                for j in 1..<classes where z[j] > maxValue { maxValue = z[j] }
                var sum: Float = 0
                for j in 0..<classes {
                    z[j] = expf(z[j] - maxValue)
                    sum += z[j]
                }
                let inv = 1 / sum
                for j in 0..<classes { z[j] *= inv }
            }
        case .sigmoid:
            for r in 0..<rows { logits[r] = ActivationKernels.sigmoid(logits[r]) }
        case .linear:
            break
        }
    }
}
