import Foundation
import SweptConfig
import SweptLearn
import SweptTuning

/// One training run on a thread of its own; the epoch callback blocks that thread for the reporter's answer.
struct TrainingJob: @unchecked Sendable {
    let objective: TrainerObjective
    let prepared: PreparedData
    let settings: TrainerSettings
    let reporter: any TrialReporter
    let control: TrainingControl

    /// Trains and returns the outcome, with the trained network when the trial completed.
    func run() throws -> (ObjectiveOutcome, NeuralNetwork?) {
        let model = objective.config.model
        if model == .ridge { return try runRidge() }
        var network: NeuralNetwork
        var training = prepared.training
        var validation = prepared.validation
        let inputs = training.featureCount
        do {
            switch model {
            case .mlp:
                network = try .mlp(
                    inputCount: inputs, hidden: settings.hidden, activation: settings.activation,
                    dropout: settings.dropout, classes: prepared.classCount, seed: settings.training.seed)
            case .softmax, .ridge:
                network = try .softmaxRegression(inputCount: inputs, classes: prepared.classCount)
            case .logistic:
                network = try .logisticRegression(inputCount: inputs)
                training = try Self.binary(training, positive: objective.config.positiveClass)
                validation = try Self.binary(validation, positive: objective.config.positiveClass)
            }
        } catch {
            return (.failed(reason: "cannot build the \(model.rawValue) model: \(error)"), nil)
        }
        let trainer: Trainer
        do {
            trainer = try Trainer(configuration: settings.training)
        } catch {
            return (.failed(reason: "invalid training settings: \(error)"), nil)
        }
        let metrics = objective.metrics
        let single = metrics.count == 1
        let reporter = self.reporter
        let control = self.control
        var reportError: (any Error)?
        let result = try trainer.fit(&network, training: training, validation: validation) { epoch in
            if control.isCancelled {
                control.record(.stop)
                return .stop
            }
            guard single, let value = Self.metric(metrics[0], in: epoch) else { return .proceed }
            switch Self.wait({ try await reporter.report(step: epoch.epoch - 1, value: value) }) {
            case .success(let decision):
                control.record(decision)
                return decision == .proceed ? .proceed : .stop
            case .failure(let error):
                reportError = error
                return .stop
            }
        }
        if let reportError { throw reportError }
        switch result.outcome {
        case .diverged(let epoch):
            return (.failed(reason: "training diverged: the loss became NaN or infinite in epoch \(epoch) "
                + "(learning_rate=\(settings.training.learningRate))"), nil)
        case .stoppedByCallback:
            return (control.lastDecision == .prune ? .pruned : .stopped, nil)
        case .completed, .earlyStopped:
            guard let last = result.history.last else { return (.failed(reason: "training ran no epoch"), nil) }
            var values: [Double] = []
            for name in metrics {
                guard let value = Self.metric(name, in: last) else {
                    return (.failed(reason: "the \(model.rawValue) trainer does not report '\(name)'"), nil)
                }
                guard value.isFinite else { return (.failed(reason: "final \(name) is \(value)"), nil) }
                values.append(value)
            }
            return (.complete(values), network)
        }
    }

    /// Ridge in closed form: fit once, measure the validation split, report it as step 0.
    private func runRidge() throws -> (ObjectiveOutcome, NeuralNetwork?) {
        let network: NeuralNetwork
        do {
            network = try RidgeRegression.fit(
                try Self.oneHot(prepared.training, classes: prepared.classCount), alpha: settings.alpha)
        } catch {
            return (.failed(reason: "ridge (alpha=\(settings.alpha)): \(error)"), nil)
        }
        if control.isCancelled { return (.stopped, nil) }
        let measured = try Self.measure(network, on: prepared.validation, model: .ridge, config: objective.config)
        var values: [Double] = []
        for name in objective.metrics {
            guard let value = measured[name], value.isFinite else {
                return (.failed(reason: "ridge: \(name) is \(measured[name] ?? .nan)"), nil)
            }
            values.append(value)
        }
        if values.count == 1 {
            let reporter = self.reporter
            let value = values[0]
            switch Self.wait({ try await reporter.report(step: 0, value: value) }) {
            case .success(.proceed): break
            case .success(.prune): return (.pruned, nil)
            case .success(.stop): return (.stopped, nil)
            case .failure(let error): throw error
            }
        }
        return (.complete(values), network)
    }

    /// `val_accuracy` and `val_loss` of a trained network on a labelled dataset (binary labels for logistic,
    /// one-hot mean squared error for ridge).
    static func measure(
        _ network: NeuralNetwork, on dataset: Dataset, model: TrainerConfig.Model, config: TrainerConfig
    ) throws -> [String: Double] {
        switch model {
        case .ridge:
            let predicted = try network.predictClasses(dataset.features)
            let labels = dataset.labels ?? []
            let correct = zip(predicted, labels).filter { $0 == $1 }.count
            let loss = try network.evaluate(try oneHot(dataset, classes: network.head.outputCount))["loss"]
            return ["val_accuracy": Double(correct) / Double(max(labels.count, 1)), "val_loss": loss ?? .nan]
        case .logistic:
            let metrics = try network.evaluate(try binary(dataset, positive: config.positiveClass))
            return ["val_accuracy": metrics["accuracy"] ?? .nan, "val_loss": metrics["loss"] ?? .nan]
        case .mlp, .softmax:
            let metrics = try network.evaluate(dataset)
            return ["val_accuracy": metrics["accuracy"] ?? .nan, "val_loss": metrics["loss"] ?? .nan]
        }
    }

    /// The study metric's value in an epoch report (`val_accuracy` → validation accuracy, `val_loss` → loss).
    static func metric(_ name: String, in report: EpochReport) -> Double? {
        switch name {
        case "val_accuracy": return report.validation["accuracy"]
        case "val_loss": return report.validation["loss"]
        default: return nil
        }
    }

    /// Runs `body` on the concurrency pool and blocks this (non-pool) thread for its result.
    static func wait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) -> Result<T, any Error> {
        let semaphore = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task {
            let result: Result<T, any Error>
            do { result = .success(try await body()) } catch { result = .failure(error) }
            box.set(result)
            semaphore.signal()
        }
        semaphore.wait()
        return box.get() ?? .failure(CancellationError())
    }

    static func binary(_ dataset: Dataset, positive: Int) throws -> Dataset {
        let labels = (dataset.labels ?? []).map { Int($0) == positive ? Int32(1) : Int32(0) }
        return try Dataset(features: dataset.features, labels: labels, classCount: 2)
    }

    static func oneHot(_ dataset: Dataset, classes: Int) throws -> Dataset {
        let labels = dataset.labels ?? []
        var values = [Float](repeating: 0, count: labels.count * classes)
        for (row, label) in labels.enumerated() { values[row * classes + Int(label)] = 1 }
        return try Dataset(
            features: dataset.features, targets: Matrix(rows: labels.count, columns: classes, values: values))
    }
}
