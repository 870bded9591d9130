import Testing
@testable import SweptLearn

#if canImport(Glibc)
import Glibc
#endif

/// The split training step (`TrainingConfiguration.splitsSteps`) and the thread team under it.
@Suite struct TeamStepTests {
    @Test(arguments: [(2, 5), (2, 2), (3, 7), (4, 1)])
    func teamRunsEveryPartOnceAndFinishesBeforeReturning(threads: Int, parts: Int) {
        let team = ThreadTeam(parts: threads)
        defer { team.shutdown() }
        var counts = [Int](repeating: 0, count: parts)
        counts.withUnsafeMutableBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            for _ in 0..<200 {
                team.run(parts: parts) { part in base[part] += 1 }
            }
        }
        #expect(counts == [Int](repeating: 200, count: parts))
    }

    @Test("part 0 of every job runs on the calling thread, so the caller's share stays in its own caches")
    func callerKeepsPartZero() {
        let team = ThreadTeam(parts: 2)
        defer { team.shutdown() }
        let caller = pthread_self()
        var onCaller = 0
        withUnsafeMutablePointer(to: &onCaller) { count in
            for _ in 0..<2_000 {
                team.run { part in
                    if part == 0, pthread_equal(pthread_self(), caller) != 0 { count.pointee += 1 }
                }
            }
        }
        #expect(onCaller == 2_000)
    }

    @Test func sharesCoverTheRangeWithoutOverlap() {
        for count in [0, 1, 7, 96, 128, 784] {
            for parts in 1...4 {
                let shares = (0..<parts).map { Workspace.share(of: count, part: $0, parts: parts) }
                #expect(shares.map(\.count).reduce(0, +) == count)
                for (a, b) in zip(shares, shares.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
            }
        }
    }

    /// A two-hidden-layer network on data whose row count leaves a short last batch.
    static func run(
        threads: Int, splits: Bool, activation: Activation = .relu, optimizer: Optimizer = .adam(), seed: UInt64 = 77
    ) throws -> (NeuralNetwork, TrainingResult) {
        let train = try TestData.blobs(rows: 500, features: 96, classes: 4, seed: 21)
        var network = try NeuralNetwork.mlp(
            inputCount: 96, hidden: [48, 24], activation: activation, classes: 4, seed: 5)
        var c = TrainingConfiguration()
        c.epochs = 3
        c.batchSize = 128
        c.learningRate = 0.01
        c.optimizer = optimizer
        c.weightDecay = 1e-4
        c.seed = seed
        c.threads = threads
        c.splitsSteps = splits
        let result = try Trainer(configuration: c).fit(&network, training: train)
        return (network, result)
    }

    @Test(arguments: [2, 3])
    func splitStepsAreBitIdenticalForTheSameSeedAndThreads(threads: Int) throws {
        try withExclusiveBLASThreads {
            let (a, resultA) = try Self.run(threads: threads, splits: true)
            let (b, resultB) = try Self.run(threads: threads, splits: true)
            #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
            #expect(resultA.history.map(\.trainLoss) == resultB.history.map(\.trainLoss))
            #expect(resultA.threads == threads)
            #expect(BLAS.threadCount == threads)  // restored after the split steps
            let (other, _) = try Self.run(threads: threads, splits: true, seed: 78)
            #expect(other.parameters != a.parameters)
        }
    }

    @Test(arguments: [Activation.relu, .gelu, .tanh], [Optimizer.adam(), .adamW(), .sgd(momentum: 0.9)])
    func splitStepsComputeWhatTheSerialStepComputes(activation: Activation, optimizer: Optimizer) throws {
        try withExclusiveBLASThreads {
            let (split, splitResult) = try Self.run(
                threads: 2, splits: true, activation: activation, optimizer: optimizer)
            let (serial, serialResult) = try Self.run(
                threads: 2, splits: false, activation: activation, optimizer: optimizer)
            let initial = try NeuralNetwork.mlp(
                inputCount: 96, hidden: [48, 24], activation: activation, classes: 4, seed: 5)
            #expect(split.parameters != initial.parameters)
            // The same arithmetic per element; only OpenBLAS's blocking may differ in the last bits.
            #expect(close(split.parameters, serial.parameters, tolerance: 1e-4))
            for (a, b) in zip(splitResult.history, serialResult.history) {
                #expect(abs(a.trainLoss - b.trainLoss) <= 1e-5 * max(1, abs(b.trainLoss)))
            }
        }
    }

    @Test func splitStepsReportDivergenceAndRestoreTheThreadCount() throws {
        try withExclusiveBLASThreads {
            let data = try TestData.linear(rows: 300, weights: [100, -100], noise: 0, seed: 21)
            var model = try NeuralNetwork(
                inputCount: 2, hiddenLayers: [DenseLayer(units: 8, activation: .tanh)], head: .linear(outputs: 1))
            var c = TrainingConfiguration()
            c.epochs = 50
            c.batchSize = 32
            c.learningRate = 1e6
            c.optimizer = .sgd()
            c.threads = 2
            c.splitsSteps = true
            let result = try Trainer(configuration: c).fit(&model, training: data)
            guard case .diverged(let epoch) = result.outcome else {
                Issue.record("expected divergence, got \(result.outcome)")
                return
            }
            #expect(result.history.count == epoch - 1)
            #expect(model.parameters.allSatisfy { $0.isFinite })
            #expect(BLAS.threadCount == 2)
        }
    }

    @Test(arguments: [(1, false), (2, false), (2, true)])
    func byteFeaturesTrainExactlyLikeTheirFloats(threads: Int, splits: Bool) throws {
        try withExclusiveBLASThreads {
            var generator = SeededGenerator(seed: 31)
            let rows = 300
            let width = 40
            let bytes = (0..<(rows * width)).map { _ in UInt8(generator.nextIndex(below: 256)) }
            let labels = (0..<rows).map { Int32(Int(bytes[$0 * width]) % 3) }
            let scale: Float = 1.0 / 255.0
            let features = try Matrix(rows: rows, columns: width, values: bytes.map { Float($0) * scale })
            let plain = try Dataset(features: features, labels: labels, classCount: 3)
            let packed = try Dataset(
                features: features, bytes: ByteFeatures(values: bytes, scale: scale), labels: labels, classCount: 3)
            #expect(packed == plain)
            #expect(packed.bytes != nil && plain.bytes == nil)
            func train(_ data: Dataset) throws -> [UInt32] {
                var network = try NeuralNetwork.mlp(inputCount: width, hidden: [16], classes: 3, seed: 3)
                var c = TrainingConfiguration()
                c.epochs = 2
                c.batchSize = 64
                c.threads = threads
                c.splitsSteps = splits
                _ = try Trainer(configuration: c).fit(&network, training: data)
                return network.parameters.map(\.bitPattern)
            }
            #expect(try train(packed) == train(plain))
        }
    }

    /// The validation pass on a team (chunks spread over a workspace per thread) gives the metrics of the pass on
    /// one thread: the same correct count, the same regression outputs in row order, losses equal to the last bits
    /// OpenBLAS's blocking may move.
    @Test(arguments: [2, 3])
    func teamEvaluationMatchesOneThread(threads: Int) throws {
        try withExclusiveBLASThreads {
            let team = ThreadTeam(parts: threads)
            defer {
                team.shutdown()
                BLAS.setThreadCountUnchecked(threads)
            }
            let blobs = try TestData.blobs(rows: 157, features: 12, classes: 3, seed: 4)
            var classifier = try NeuralNetwork.mlp(inputCount: 12, hidden: [9], classes: 3, seed: 2)
            var c = TrainingConfiguration()
            c.epochs = 20
            c.learningRate = 0.02
            c.threads = 1
            _ = try Trainer(configuration: c).fit(&classifier, training: blobs)
            let linear = try TestData.linear(rows: 157, weights: [2, -1, 0.5], noise: 0.1, seed: 5)
            let regressor = try NeuralNetwork.linearRegression(inputCount: 3)
            for (network, data) in [(classifier, blobs), (regressor, linear)] {
                // 10-row chunks: 16 of them, the last short, spread unevenly over the parts.
                let one = try network.evaluate(
                    data, workspaces: [Workspace(network: network, capacity: 10, training: false)], team: nil)
                let workspaces = (0..<threads).map { _ in Workspace(network: network, capacity: 10, training: false) }
                let split = try network.evaluate(data, workspaces: workspaces, team: team)
                #expect(BLAS.threadCount == 1)  // the team's threads each call it: the caller restores the count
                #expect(one.keys.sorted() == split.keys.sorted())
                for (key, value) in one {
                    let other = try #require(split[key])
                    if key == "accuracy" {
                        #expect(other == value)
                    } else {
                        #expect(abs(other - value) <= 1e-6 * max(1, abs(value)), "\(key): \(other) vs \(value)")
                    }
                }
                #expect(one["accuracy"].map { $0 > 0.6 } ?? (one["r2"] != nil))  // a trained model, not a constant
            }
        }
    }
}
