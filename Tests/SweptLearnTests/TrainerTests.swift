import Testing
@testable import SweptLearn

@Suite struct TrainerTests {
    static func config(epochs: Int = 5, learningRate: Float = 0.01, seed: UInt64 = 1) -> TrainingConfiguration {
        var c = TrainingConfiguration()
        c.epochs = epochs
        c.learningRate = learningRate
        c.batchSize = 32
        c.seed = seed
        c.threads = 1
        return c
    }

    @Test(arguments: [Optimizer.sgd(momentum: 0.9, nesterov: true), .sgd(), .adam(), .adamW()])
    func mlpLearnsSeparableBlobs(optimizer: Optimizer) throws {
        let train = try TestData.blobs(rows: 600, features: 8, classes: 4, seed: 11)
        let test = try TestData.blobs(rows: 200, features: 8, classes: 4, seed: 11 &+ 0)
        var network = try NeuralNetwork.mlp(inputCount: 8, hidden: [16], activation: .relu, classes: 4, seed: 2)
        var c = Self.config(epochs: 8, learningRate: optimizer == .sgd() ? 0.1 : 0.01)
        c.optimizer = optimizer
        c.weightDecay = 1e-4
        let before = try network.evaluate(test)["loss"] ?? 0
        let result = try Trainer(configuration: c).fit(&network, training: train)
        #expect(result.outcome == .completed)
        #expect(result.history.count == 8)
        let metrics = try network.evaluate(test)
        #expect((metrics["accuracy"] ?? 0) > 0.95)
        #expect((metrics["loss"] ?? .infinity) < before)
    }

    @Test func softmaxAndLogisticRegressionLearn() throws {
        let multi = try TestData.blobs(rows: 400, features: 5, classes: 3, seed: 12)
        var softmax = try NeuralNetwork.softmaxRegression(inputCount: 5, classes: 3)
        _ = try Trainer(configuration: Self.config(epochs: 10)).fit(&softmax, training: multi)
        #expect((try softmax.evaluate(multi)["accuracy"] ?? 0) > 0.95)

        let binary = try TestData.blobs(rows: 400, features: 5, classes: 2, seed: 13)
        var logistic = try NeuralNetwork.logisticRegression(inputCount: 5)
        _ = try Trainer(configuration: Self.config(epochs: 10)).fit(&logistic, training: binary)
        #expect((try logistic.evaluate(binary)["accuracy"] ?? 0) > 0.95)
        let probabilities = try logistic.predict(binary.features)
        #expect(probabilities.columns == 1 && probabilities.values.allSatisfy { $0 >= 0 && $0 <= 1 })
    }

    @Test func linearRegressionRecoversWeights() throws {
        let data = try TestData.linear(rows: 500, weights: [2, -1, 0.5], noise: 0.01, seed: 14)
        var model = try NeuralNetwork.linearRegression(inputCount: 3)
        _ = try Trainer(configuration: Self.config(epochs: 30, learningRate: 0.05)).fit(&model, training: data)
        #expect(close(model.weights(layer: 0).values, [2, -1, 0.5], tolerance: 0.02))
        #expect(close(model.bias(layer: 0), [0.5], tolerance: 0.02))
        let metrics = try model.evaluate(data)
        #expect((metrics["r2"] ?? 0) > 0.999)
        #expect((metrics["rmse"] ?? 1) < 0.05)
    }

    @Test func ridgeDecayShrinksWeights() throws {
        let data = try TestData.linear(rows: 300, weights: [3, -3], noise: 0.01, seed: 15)
        var plain = try NeuralNetwork.linearRegression(inputCount: 2)
        var ridge = plain
        _ = try Trainer(configuration: Self.config(epochs: 20, learningRate: 0.05)).fit(&plain, training: data)
        var c = Self.config(epochs: 20, learningRate: 0.05)
        c.weightDecay = 1
        _ = try Trainer(configuration: c).fit(&ridge, training: data)
        let plainNorm = plain.weights(layer: 0).values.map { $0 * $0 }.reduce(0, +)
        let ridgeNorm = ridge.weights(layer: 0).values.map { $0 * $0 }.reduce(0, +)
        #expect(ridgeNorm < 0.5 * plainNorm)
    }

    @Test(arguments: [1, 2])
    func sameSeedAndThreadsGiveBitIdenticalRuns(threads: Int) throws {
        try withExclusiveBLASThreads {
            // Big enough that OpenBLAS splits the products across threads.
            let train = try TestData.blobs(rows: 512, features: 96, classes: 3, seed: 16)
            let validation = try TestData.blobs(rows: 100, features: 96, classes: 3, seed: 17)
            func run() throws -> (NeuralNetwork, TrainingResult) {
                var network = try NeuralNetwork(
                    inputCount: 96, hiddenLayers: [DenseLayer(units: 64, activation: .gelu, dropout: 0.2)],
                    head: .softmax(classes: 3), seed: 5)
                var c = Self.config(epochs: 3, seed: 77)
                c.batchSize = 256
                c.threads = threads
                let result = try Trainer(configuration: c).fit(&network, training: train, validation: validation)
                return (network, result)
            }
            let (a, resultA) = try run()
            let (b, resultB) = try run()
            #expect(a.parameters.map(\.bitPattern) == b.parameters.map(\.bitPattern))
            #expect(resultA.history.map(\.trainLoss) == resultB.history.map(\.trainLoss))
            #expect(resultA.history.map(\.validation) == resultB.history.map(\.validation))
            #expect(resultA.threads == threads)

            var other = try NeuralNetwork(
                inputCount: 96, hiddenLayers: [DenseLayer(units: 64, activation: .gelu, dropout: 0.2)],
                head: .softmax(classes: 3), seed: 5)
            var c = Self.config(epochs: 3, seed: 78)
            c.threads = threads
            _ = try Trainer(configuration: c).fit(&other, training: train)
            #expect(other.parameters != a.parameters)
        }
    }

    @Test func callbackSeesEveryEpochAndCanStop() throws {
        let train = try TestData.blobs(rows: 200, features: 4, classes: 2, seed: 18)
        let validation = try TestData.blobs(rows: 50, features: 4, classes: 2, seed: 19)
        var network = try NeuralNetwork.mlp(inputCount: 4, hidden: [8], classes: 2)
        var seen: [Int] = []
        let result = try Trainer(configuration: Self.config(epochs: 10)).fit(
            &network, training: train, validation: validation
        ) { report in
            seen.append(report.epoch)
            #expect(report.validation["accuracy"] != nil && report.validation["loss"] != nil)
            #expect(report.trainLoss.isFinite)
            return report.epoch == 3 ? .stop : .proceed
        }
        #expect(seen == [1, 2, 3])
        #expect(result.outcome == .stoppedByCallback(epoch: 3))
        #expect(result.history.count == 3)
    }

    @Test func earlyStoppingFiresAfterPatienceAndRestoresBest() throws {
        let train = try TestData.blobs(rows: 100, features: 4, classes: 2, seed: 20)
        var network = try NeuralNetwork.mlp(inputCount: 4, hidden: [8], classes: 2)
        var c = Self.config(epochs: 50)
        // A delta no improvement can beat once the loss is small: training loss is watched without validation.
        c.earlyStopping = EarlyStopping(metric: "loss", patience: 2, minDelta: 10, restoreBest: true)
        let fresh = network
        let result = try Trainer(configuration: c).fit(&network, training: train)
        #expect(result.outcome == .earlyStopped(epoch: 3, bestEpoch: 1))
        // The restored weights are exactly those after epoch 1 (runs are deterministic).
        var oneEpoch = fresh
        c.epochs = 1
        c.earlyStopping = nil
        _ = try Trainer(configuration: c).fit(&oneEpoch, training: train)
        #expect(network.parameters == oneEpoch.parameters)
    }

    @Test func divergenceEndsWithDistinctOutcome() throws {
        let data = try TestData.linear(rows: 64, weights: [100, -100], noise: 0, seed: 21)
        var model = try NeuralNetwork.linearRegression(inputCount: 2)
        var c = Self.config(epochs: 50, learningRate: 1e6)
        c.optimizer = .sgd()
        let result = try Trainer(configuration: c).fit(&model, training: data)
        guard case .diverged(let epoch) = result.outcome else {
            Issue.record("expected divergence, got \(result.outcome)")
            return
        }
        #expect(epoch >= 1 && result.history.count == epoch - 1)
        #expect(model.parameters.allSatisfy { $0.isFinite })
    }

    @Test func trainerFollowsTheSchedulePerStep() throws {
        let train = try TestData.blobs(rows: 64, features: 3, classes: 2, seed: 22)
        var network = try NeuralNetwork.softmaxRegression(inputCount: 3, classes: 2)
        var c = Self.config(epochs: 4, learningRate: 0.1)
        c.batchSize = 32  // 2 steps per epoch
        c.schedule = .step(epochs: 2, factor: 0.5)
        let result = try Trainer(configuration: c).fit(&network, training: train)
        #expect(result.history.map(\.learningRate) == [0.1, 0.1, 0.05, 0.05])
        c.schedule = .warmup(epochs: 2, then: .constant)
        var warm = try NeuralNetwork.softmaxRegression(inputCount: 3, classes: 2)
        let warmResult = try Trainer(configuration: c).fit(&warm, training: train)
        #expect(warmResult.history.map(\.learningRate) == [0.05, 0.1, 0.1, 0.1])
    }

    @Test func dropoutOnlyActsWhileTraining() throws {
        let data = try TestData.blobs(rows: 50, features: 4, classes: 2, seed: 23)
        let network = try NeuralNetwork(
            inputCount: 4, hiddenLayers: [DenseLayer(units: 16, activation: .relu, dropout: 0.5)],
            head: .softmax(classes: 2), seed: 1)
        // Prediction is deterministic (no dropout) and equals the network without dropout.
        var plain = try NeuralNetwork(
            inputCount: 4, hiddenLayers: [DenseLayer(units: 16, activation: .relu)], head: .softmax(classes: 2), seed: 1)
        plain.parameters = network.parameters
        #expect(try network.predict(data.features) == plain.predict(data.features))
        // Training with dropout takes a different path from training without it.
        var a = network
        var b = plain
        _ = try Trainer(configuration: Self.config(epochs: 1)).fit(&a, training: data)
        _ = try Trainer(configuration: Self.config(epochs: 1)).fit(&b, training: data)
        #expect(a.parameters != b.parameters)
    }

    @Test func learningRateSchedules() {
        let base: Float = 1
        #expect(LearningRateSchedule.constant.rate(base: base, step: 99, stepsPerEpoch: 10, totalSteps: 100) == 1)
        let step = LearningRateSchedule.step(epochs: 2, factor: 0.5)
        #expect(step.rate(base: base, step: 19, stepsPerEpoch: 10, totalSteps: 100) == 1)
        #expect(step.rate(base: base, step: 20, stepsPerEpoch: 10, totalSteps: 100) == 0.5)
        #expect(step.rate(base: base, step: 45, stepsPerEpoch: 10, totalSteps: 100) == 0.25)
        let cosine = LearningRateSchedule.cosine(minimum: 0.1)
        #expect(cosine.rate(base: base, step: 0, stepsPerEpoch: 10, totalSteps: 100) == 1)
        #expect(abs(cosine.rate(base: base, step: 50, stepsPerEpoch: 10, totalSteps: 100) - 0.55) < 1e-6)
        #expect(abs(cosine.rate(base: base, step: 100, stepsPerEpoch: 10, totalSteps: 100) - 0.1) < 1e-6)
        let warm = LearningRateSchedule.warmup(epochs: 1, then: .constant)
        #expect(warm.rate(base: base, step: 0, stepsPerEpoch: 10, totalSteps: 100) == 0.1)
        #expect(warm.rate(base: base, step: 9, stepsPerEpoch: 10, totalSteps: 100) == 1)
        #expect(warm.rate(base: base, step: 50, stepsPerEpoch: 10, totalSteps: 100) == 1)
    }

    @Test func optimizerStepsMatchTheirFormulas() {
        // One parameter, gradient 2, learning rate 0.1.
        var p: [Float] = [1]
        var g: [Float] = [2]
        var velocity: [Float] = [0]
        OptimizerKernels.sgd(&p, &g, &velocity, 1, 0.1, 0.9, false, 0)
        #expect(abs(p[0] - 0.8) < 1e-6 && abs(velocity[0] + 0.2) < 1e-6)
        OptimizerKernels.sgd(&p, &g, &velocity, 1, 0.1, 0.9, false, 0)
        #expect(abs(p[0] - 0.42) < 1e-6)  // v = 0.9·(-0.2) - 0.2 = -0.38
        var q: [Float] = [1]
        var vn: [Float] = [0]
        OptimizerKernels.sgd(&q, &g, &vn, 1, 0.1, 0.9, true, 0)
        #expect(abs(q[0] - (1 - 0.18 - 0.2)) < 1e-6)  // p += μ·v - lr·g with v = -0.2
        // Adam's first step moves by lr (bias-corrected m/√v = ±1).
        var a: [Float] = [1]
        var m: [Float] = [0]
        var v: [Float] = [0]
        OptimizerKernels.adam(&a, &g, &m, &v, 1, 0.1, 0.9, 0.999, 1e-8, 1, l2: 0, decoupled: 0)
        #expect(abs(a[0] - 0.9) < 1e-5)
        // AdamW also shrinks the weight by lr · decay.
        var w: [Float] = [1]
        m = [0]
        v = [0]
        OptimizerKernels.adam(&w, &g, &m, &v, 1, 0.1, 0.9, 0.999, 1e-8, 1, l2: 0, decoupled: 0.5)
        #expect(abs(w[0] - (0.95 - 0.1)) < 1e-5)
    }
}

@Suite struct RidgeRegressionTests {
    @Test func closedFormRecoversWeightsAndShrinksWithAlpha() throws {
        let data = try TestData.linear(rows: 400, weights: [2, -1, 0.5], noise: 0.01, seed: 40)
        let exact = try RidgeRegression.fit(data, alpha: 0)
        #expect(close(exact.weights(layer: 0).values, [2, -1, 0.5], tolerance: 0.01))
        #expect(close(exact.bias(layer: 0), [0.5], tolerance: 0.01))
        #expect((try exact.evaluate(data)["r2"] ?? 0) > 0.9999)
        let shrunk = try RidgeRegression.fit(data, alpha: 400)
        let norm = { (m: NeuralNetwork) in m.weights(layer: 0).values.map { $0 * $0 }.reduce(0, +) }
        #expect(norm(shrunk) < 0.5 * norm(exact))
    }

    @Test func collinearFeaturesNeedAlpha() throws {
        let x = try Matrix(rows: 4, columns: 2, values: [1, 2, 2, 4, 3, 6, 4, 8])
        let data = try Dataset(features: x, targets: [1, 2, 3, 4])
        let error = try #require(throws: LearnError.self) { try RidgeRegression.fit(data, alpha: 0) }
        #expect(error.message.contains("singular") && error.message.contains("alpha > 0"))
        _ = try RidgeRegression.fit(data, alpha: 0.1)
        #expect(throws: LearnError.self) { try RidgeRegression.fit(data, alpha: -1) }
    }
}
