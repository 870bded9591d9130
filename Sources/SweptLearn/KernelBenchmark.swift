/// Measurements that back the performance claims: the sgemm rate and whether elementwise kernels vectorize.
/// Used by `swept-bench train`; timings belong in release builds.
public enum KernelBenchmark {
    /// Element rates of the fused bias + relu kernel and of the same loop forced to stay scalar.
    public struct VectorizationResult: Sendable {
        /// Elements per block.
        public let elements: Int
        /// Billions of elements per second, vectorizable loop.
        public let vectorRate: Double
        /// Billions of elements per second, scalar-forced loop (early exit inside the loop).
        public let scalarRate: Double
        /// `vectorRate / scalarRate`; well above 1 means the loop vectorized.
        public var speedup: Double { vectorRate / scalarRate }
    }

    /// Best-of-`repetitions` GFLOP/s of `cblas_sgemm` on `n × n` matrices at the current thread count.
    public static func sgemmGFLOPS(n: Int = 1024, repetitions: Int = 10) throws -> Double {
        guard n >= 1, repetitions >= 1 else {
            throw LearnError.parameter("sgemm benchmark n \(n), repetitions \(repetitions): expected both ≥ 1")
        }
        var generator = SeededGenerator(seed: 1)
        let a = try Matrix(rows: n, columns: n, values: (0..<(n * n)).map { _ in generator.nextUnitFloat() - 0.5 })
        let b = try Matrix(rows: n, columns: n, values: (0..<(n * n)).map { _ in generator.nextUnitFloat() - 0.5 })
        var c = [Float](repeating: 0, count: n * n)
        let clock = ContinuousClock()
        var best = Double.infinity
        for repetition in 0...repetitions {
            let start = clock.now
            a.withUnsafeBufferPointer { pa in
                b.withUnsafeBufferPointer { pb in
                    c.withUnsafeMutableBufferPointer { pc in
                        guard let x = pa.baseAddress, let y = pb.baseAddress, let z = pc.baseAddress else { return }
                        BLAS.sgemm(
                            transposeA: false, transposeB: false, m: n, n: n, k: n, alpha: 1, a: x, lda: n, b: y,
                            ldb: n, beta: 0, c: z, ldc: n)
                    }
                }
            }
            let seconds = (clock.now - start).seconds
            if repetition > 0 { best = min(best, seconds) }  // the first call warms up threads and caches
        }
        return 2 * Double(n) * Double(n) * Double(n) / best / 1e9
    }

    /// Times the fused bias + relu kernel on a `rows × columns` block (cache-resident) against its scalar-forced
    /// twin, best of several rounds of `repetitions` calls each.
    public static func vectorization(rows: Int = 64, columns: Int = 100, repetitions: Int = 4000)
        -> VectorizationResult
    {
        let count = rows * columns
        let block = UnsafeMutablePointer<Float>.allocate(capacity: count)
        let bias = UnsafeMutablePointer<Float>.allocate(capacity: columns)
        defer {
            block.deallocate()
            bias.deallocate()
        }
        var generator = SeededGenerator(seed: 2)
        for i in 0..<count { block[i] = generator.nextUnitFloat() - 0.5 }
        for j in 0..<columns { bias[j] = (generator.nextUnitFloat() - 0.5) * 1e-6 }
        let clock = ContinuousClock()
        var vectorBest = Double.infinity
        var scalarBest = Double.infinity
        var stops = 0
        for _ in 0..<5 {
            var start = clock.now
            for _ in 0..<repetitions {
                ElementwiseKernels.biasRelu(block, bias: bias, rows: rows, columns: columns)
            }
            vectorBest = min(vectorBest, (clock.now - start).seconds)
            start = clock.now
            // The stop value is only known at run time (relu outputs stay below it), so the exit cannot be folded.
            let stopAt = 1000 + block[0]
            for _ in 0..<repetitions where
                ElementwiseKernels.biasReluScalar(block, bias: bias, rows: rows, columns: columns, stopAt: stopAt)
            {
                stops += 1
            }
            scalarBest = min(scalarBest, (clock.now - start).seconds)
        }
        let elements = Double(count * repetitions)
        return VectorizationResult(
            elements: count, vectorRate: elements / vectorBest / 1e9,
            scalarRate: stops == 0 ? elements / scalarBest / 1e9 : .nan)
    }
}

extension NeuralNetwork {
    /// Floating-point operations of one training step per row: forward `2·in·out` per layer, weight gradient
    /// `2·in·out` per layer, input gradient `2·in·out` for every layer but the first (which needs none).
    /// Elementwise work is not counted. 784-100-10: 319,600 FLOPs per row, ≈ 19.2 GFLOP per 60k-row epoch.
    public var trainingFLOPsPerRow: Double {
        layouts.enumerated().reduce(0) { total, item in
            let (index, l) = item
            let macs = Double(l.inputs * l.outputs)
            return total + 2 * macs * (index == 0 ? 2 : 3)
        }
    }
}
