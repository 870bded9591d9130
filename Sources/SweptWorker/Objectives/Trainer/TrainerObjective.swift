import Foundation
import SweptConfig
import SweptLearn
import SweptTuning

/// Trains a SweptLearn model (`mlp`, `softmax`, `logistic`, `ridge`) on the study's data for each trial.
///
/// The trial's params map onto model and optimizer settings (`TrainerSettings`). After every epoch the
/// validation metric is reported (step = epoch − 1); a `prune` or `stop` answer ends training at once. A NaN or
/// infinite loss ends the trial as FAIL with the reason. The final value is the last epoch's metric.
public struct TrainerObjective: Objective {
    /// The trainer's settings.
    public var config: TrainerConfig
    /// The data it trains on.
    public var data: DataConfig
    /// The study's metrics (`val_accuracy`, `val_loss`), in direction order.
    public var metrics: [String]
    /// Where prepared data is kept between trials.
    public var cache: PreparedDataCache

    /// Creates the objective.
    public init(config: TrainerConfig, data: DataConfig, metrics: [String], cache: PreparedDataCache = .shared) {
        self.config = config
        self.data = data
        self.metrics = metrics
        self.cache = cache
    }

    public func run(_ context: ObjectiveContext, reporter: any TrialReporter) async throws -> ObjectiveOutcome {
        let prepared: PreparedData
        let settings: TrainerSettings
        do {
            prepared = try cache.data(for: data)
            settings = try TrainerSettings(
                config: config, params: context.params, trialNumber: context.trialNumber,
                threads: context.blasThreads)
        } catch {
            return .failed(reason: "\(error)")
        }
        let control = TrainingControl()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let job = TrainingJob(
                    objective: self, prepared: prepared, settings: settings, reporter: reporter, control: control)
                Thread.detachNewThread {
                    continuation.resume(with: Result { try job.run() })
                }
            }
        } onCancel: {
            control.cancel()
        }
    }
}

/// What the training thread and the async side share: cancellation and the last decision.
final class TrainingControl: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var decision: ReportDecision = .proceed

    func cancel() { lock.withLock { cancelled = true } }
    var isCancelled: Bool { lock.withLock { cancelled } }
    func record(_ value: ReportDecision) { lock.withLock { decision = value } }
    var lastDecision: ReportDecision { lock.withLock { decision } }
}

/// One training run on a thread of its own; the epoch callback waits for the reporter's answer.
struct TrainingJob: @unchecked Sendable {
    let objective: TrainerObjective
    let prepared: PreparedData
    let settings: TrainerSettings
    let reporter: any TrialReporter
    let control: TrainingControl

    func run() throws -> ObjectiveOutcome {
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
            case .softmax:
                network = try .softmaxRegression(inputCount: inputs, classes: prepared.classCount)
            case .logistic:
                network = try .logisticRegression(inputCount: inputs)
                training = try Self.binary(training, positive: objective.config.positiveClass)
                validation = try Self.binary(validation, positive: objective.config.positiveClass)
            case .ridge:
                return .failed(reason: "ridge is solved in closed form")
            }
        } catch {
            return .failed(reason: "cannot build the \(model.rawValue) model: \(error)")
        }
        let trainer: Trainer
        do {
            trainer = try Trainer(configuration: settings.training)
        } catch {
            return .failed(reason: "invalid training settings: \(error)")
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
            let outcome = Self.wait { try await reporter.report(step: epoch.epoch - 1, value: value) }
            switch outcome {
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
            return .failed(reason: "training diverged: the loss became NaN or infinite in epoch \(epoch) "
                + "(learning_rate=\(settings.training.learningRate))")
        case .stoppedByCallback:
            return control.lastDecision == .prune ? .pruned : .stopped
        case .completed, .earlyStopped:
            guard let last = result.history.last else { return .failed(reason: "training ran no epoch") }
            var values: [Double] = []
            for name in metrics {
                guard let value = Self.metric(name, in: last) else {
                    return .failed(reason: "the \(model.rawValue) trainer does not report '\(name)'")
                }
                guard value.isFinite else { return .failed(reason: "final \(name) is \(value)") }
                values.append(value)
            }
            return .complete(values)
        }
    }

    /// Ridge in closed form: fit once, measure the validation split, report it as step 0.
    private func runRidge() throws -> ObjectiveOutcome {
        let network: NeuralNetwork
        let validationTargets: Dataset
        do {
            network = try RidgeRegression.fit(
                try Self.oneHot(prepared.training, classes: prepared.classCount), alpha: settings.alpha)
            validationTargets = try Self.oneHot(prepared.validation, classes: prepared.classCount)
        } catch {
            return .failed(reason: "ridge (alpha=\(settings.alpha)): \(error)")
        }
        if control.isCancelled { return .stopped }
        let predicted = try network.predictClasses(prepared.validation.features)
        let labels = prepared.validation.labels ?? []
        let correct = zip(predicted, labels).filter { $0 == $1 }.count
        let measured: [String: Double] = [
            "val_accuracy": Double(correct) / Double(max(labels.count, 1)),
            "val_loss": try network.evaluate(validationTargets)["loss"] ?? .nan,
        ]
        var values: [Double] = []
        for name in objective.metrics {
            guard let value = measured[name], value.isFinite else {
                return .failed(reason: "ridge: \(name) is \(measured[name] ?? .nan)")
            }
            values.append(value)
        }
        if values.count == 1 {
            let reporter = self.reporter
            let value = values[0]
            switch Self.wait({ try await reporter.report(step: 0, value: value) }) {
            case .success(.proceed): break
            case .success(.prune): return .pruned
            case .success(.stop): return .stopped
            case .failure(let error): throw error
            }
        }
        return .complete(values)
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
        return try Dataset(features: dataset.features, targets: Matrix(rows: labels.count, columns: classes, values: values))
    }
}

/// A value handed from a task to a waiting thread.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<T, any Error>?

    func set(_ result: Result<T, any Error>) { lock.withLock { value = result } }
    func get() -> Result<T, any Error>? { lock.withLock { value } }
}
