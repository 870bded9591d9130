/// What a callback tells the training loop after an epoch.
public enum TrainingDecision: Sendable, Equatable {
    /// Go on with the next epoch.
    case proceed
    /// Stop now (e.g. the trial was pruned).
    case stop
}

/// One epoch's figures, handed to the callback.
public struct EpochReport: Sendable, Equatable {
    /// The epoch just finished, counting from 1.
    public let epoch: Int
    /// Mean training loss over the epoch's batches (weighted by rows).
    public let trainLoss: Double
    /// Validation metrics (`loss`, `accuracy`, … see `NeuralNetwork.evaluate`); empty without a validation set.
    public let validation: [String: Double]
    /// The learning rate of the epoch's last step.
    public let learningRate: Float
    /// Wall-clock seconds spent in the epoch's training steps (excluding validation).
    public let seconds: Double
}

/// How a training run ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// All epochs ran.
    case completed
    /// The callback returned `.stop` after `epoch`.
    case stoppedByCallback(epoch: Int)
    /// Early stopping fired after `epoch`; the best was `bestEpoch`.
    case earlyStopped(epoch: Int, bestEpoch: Int)
    /// The loss became NaN or infinite in `epoch` (a distinct outcome, not a crash); weights are left as they were
    /// at the end of the previous epoch.
    case diverged(epoch: Int)
}

/// The result of `Trainer.fit`.
public struct TrainingResult: Sendable, Equatable {
    /// How the run ended.
    public let outcome: TrainingOutcome
    /// One report per completed epoch.
    public let history: [EpochReport]
    /// The OpenBLAS thread count the run used.
    public let threads: Int
    /// OpenBLAS's core name, for tracking.
    public let coreName: String
}

/// Trains a `NeuralNetwork` with mini-batch gradient descent. Buffers are allocated once per run; batches are
/// gathered from shuffled row indices; the callback sees every epoch and may stop the run.
public struct Trainer: Sendable {
    /// The run's settings.
    public let configuration: TrainingConfiguration

    /// Creates a trainer; throws when the configuration is invalid (naming the field).
    public init(configuration: TrainingConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
    }

    /// Trains `network` on `training`, evaluating on `validation` after each epoch when given.
    ///
    /// - Throws: when the data does not fit the network (feature counts, class counts, target kind), or when the
    ///   callback throws. A NaN/infinite loss is not an error: it ends the run with `.diverged`.
    public func fit(
        _ network: inout NeuralNetwork, training: Dataset, validation: Dataset? = nil,
        onEpoch: (EpochReport) throws -> TrainingDecision = { _ in .proceed }
    ) throws -> TrainingResult {
        let config = configuration
        try network.check(training, name: "training data")
        if let validation { try network.check(validation, name: "validation data") }
        try BLAS.setThreadCount(config.threads)

        let rowCount = training.rowCount
        let batchSize = min(config.batchSize, rowCount)
        let workspace = Workspace(network: network, capacity: batchSize, training: true)
        let layouts = network.layouts
        let head = network.head
        let usesDropout = network.hiddenLayers.contains { $0.dropout > 0 }
        var order = (0..<rowCount).map { Int32($0) }
        var shuffler = SeededGenerator(seed: config.seed)
        var dropoutGenerator = SeededGenerator(seed: config.seed ^ 0x5DEE_CE66_D1CE_F00D)
        var optimizer = OptimizerState(
            optimizer: config.optimizer, weightDecay: config.weightDecay, parameterCount: network.parameters.count)
        let stepsPerEpoch = (rowCount + batchSize - 1) / batchSize
        let totalSteps = stepsPerEpoch * config.epochs
        var step = 0
        var history: [EpochReport] = []
        var best: (value: Double, epoch: Int, parameters: [Float])?
        var epochsWithoutImprovement = 0
        let clock = ContinuousClock()
        let clears = optimizer.clearsGradients

        // With several threads and no dropout, the run's own thread team splits each step (single-threaded sgemm
        // on every thread); otherwise OpenBLAS threads the products and the step runs on this thread.
        let team = config.splitsSteps && config.threads > 1 && !usesDropout ? ThreadTeam(parts: config.threads) : nil
        defer {
            team?.shutdown()
            BLAS.setThreadCountUnchecked(config.threads)
        }
        // The validation pass runs on the same team when there is one (a workspace per thread, single-threaded BLAS
        // in each): OpenBLAS's own threads, once woken, spin for about 0.1 s and would compete with the next epoch's
        // steps for the cores.
        let evaluators = validation == nil ? [] : (0..<(team?.parts ?? 1)).map { _ in
            Workspace(network: network, capacity: 1024, training: false)
        }

        func result(_ outcome: TrainingOutcome) -> TrainingResult {
            TrainingResult(outcome: outcome, history: history, threads: config.threads, coreName: BLAS.coreName)
        }

        for epoch in 1...config.epochs {
            if config.shuffle { shuffler.shuffle(&order) }
            let before = network.parameters  // restored if the epoch diverges
            var lossSum: Double = 0
            var diverged = false
            var learningRate = config.learningRate
            let started = clock.now
            network.parameters.withUnsafeMutableBufferPointer { parameters in
                guard let p = parameters.baseAddress else { return }
                order.withUnsafeBufferPointer { orderBuffer in
                    guard let ord = orderBuffer.baseAddress else { return }
                    if let team {
                        let steps = teamEpoch(
                            team: team, workspace: workspace, training: training, order: ord, parameters: p,
                            optimizer: &optimizer, step: &step, stepsPerEpoch: stepsPerEpoch, totalSteps: totalSteps)
                        (lossSum, diverged, learningRate) = (steps.lossSum, steps.diverged, steps.learningRate)
                        return
                    }
                    withUnsafeMutablePointer(to: &dropoutGenerator) { generator in
                        var start = 0
                        workspace.gather(training, order: ord, start: 0, count: min(batchSize, rowCount))
                        while start < rowCount {
                            let rows = min(batchSize, rowCount - start)
                            let next = start + rows
                            // Start loading the next batch's pixel rows now: by the time it is gathered (after
                            // this step's products) they are in cache instead of 128 random reads from memory.
                            if next < rowCount {
                                workspace.prefetch(
                                    training, order: ord, start: next, count: min(batchSize, rowCount - next))
                            }
                            workspace.forward(
                                parameters: p, rows: rows, dropoutGenerator: usesDropout ? generator : nil)
                            let loss = LossKernels.lossAndGradient(
                                head: head, logits: workspace.outputs[layouts.count - 1], labels: workspace.labels,
                                targets: workspace.targets, rows: rows,
                                gradient: workspace.gradients[layouts.count - 1])
                            guard loss.isFinite else {
                                diverged = true
                                return
                            }
                            lossSum += loss
                            workspace.backward(parameters: p, rows: rows, dropoutActive: usesDropout)
                            learningRate = config.schedule.rate(
                                base: config.learningRate, step: step, stepsPerEpoch: stepsPerEpoch,
                                totalSteps: totalSteps)
                            // Adam leaves the gradients at zero, so the next backward pass accumulates onto them.
                            optimizer.update(
                                parameters: parameters, gradients: workspace.parameterGradients, layouts: layouts,
                                learningRate: learningRate, clearGradients: clears)
                            if clears { workspace.weightGradientsAreZero = true }
                            if next < rowCount {
                                workspace.gather(
                                    training, order: ord, start: next, count: min(batchSize, rowCount - next))
                            }
                            step += 1
                            start = next
                        }
                    }
                }
            }
            let seconds = (clock.now - started).seconds
            if diverged {
                network.parameters = before
                return result(.diverged(epoch: epoch))
            }
            var metrics: [String: Double] = [:]
            if let validation {
                metrics = try network.evaluate(validation, workspaces: evaluators, team: team)
            }
            // The team left OpenBLAS at one thread; callbacks and the next epoch's serial work see the run's count.
            if team != nil { BLAS.setThreadCountUnchecked(config.threads) }
            let report = EpochReport(
                epoch: epoch, trainLoss: lossSum / Double(rowCount), validation: metrics,
                learningRate: learningRate, seconds: seconds)
            history.append(report)

            if let rule = config.earlyStopping {
                let value = validation == nil ? report.trainLoss : metrics[rule.metric]
                guard let value else {
                    throw LearnError.parameter(
                        "early stopping metric \"\(rule.metric)\": expected one of \(metrics.keys.sorted())")
                }
                if rule.improves(value, over: best?.value) {
                    best = (value, epoch, rule.restoreBest ? network.parameters : [])
                    epochsWithoutImprovement = 0
                } else {
                    epochsWithoutImprovement += 1
                    if epochsWithoutImprovement >= rule.patience, let best {
                        if rule.restoreBest { network.parameters = best.parameters }
                        return result(.earlyStopped(epoch: epoch, bestEpoch: best.epoch))
                    }
                }
            }
            if try onEpoch(report) == .stop {
                return result(.stoppedByCallback(epoch: epoch))
            }
        }
        return result(.completed)
    }
}

extension Duration {
    /// The duration in seconds as a `Double`.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
