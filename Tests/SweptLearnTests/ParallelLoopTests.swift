import Testing
@testable import SweptLearn

@Suite struct ParallelLoopTests {
    @Test(arguments: [1, 2, 3], [0, 1, 17, 1000])
    func coversEveryIndexExactlyOnce(threads: Int, count: Int) {
        var hits = [Int32](repeating: 0, count: count)
        hits.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            ParallelLoop(threads: threads, minimumCount: 1).run(count: count) { range in
                for i in range { base[i] += 1 }
            }
        }
        #expect(hits.allSatisfy { $0 == 1 })
    }

    @Test(arguments: [Optimizer.adam(), .adamW(), .sgd(momentum: 0.9, nesterov: true)])
    func splitUpdatesAreBitIdenticalToSerialOnes(optimizer: Optimizer) throws {
        let network = try NeuralNetwork.mlp(inputCount: 50, hidden: [40], classes: 3, seed: 4)
        var generator = SeededGenerator(seed: 9)
        var gradients = network.parameters.map { _ in generator.nextUnitFloat() - 0.5 }
        func run(_ parallel: ParallelLoop) -> [Float] {
            var parameters = network.parameters
            var state = OptimizerState(optimizer: optimizer, weightDecay: 0.01, parameterCount: parameters.count)
            parameters.withUnsafeMutableBufferPointer { p in
                gradients.withUnsafeMutableBufferPointer { g in
                    for _ in 0..<3 {
                        state.update(parameters: p, gradients: g, layouts: network.layouts, learningRate: 0.01,
                                     parallel: parallel)
                    }
                }
            }
            return parameters
        }
        let serial = run(ParallelLoop(threads: 1))
        let split = run(ParallelLoop(threads: 2, minimumCount: 1))
        #expect(serial.map(\.bitPattern) == split.map(\.bitPattern))
        #expect(serial != network.parameters)
    }
}
