import Foundation
import SweptConfig
import SweptLearn
import SweptTuning

/// Trains a SweptLearn model (`mlp`, `softmax`, `logistic`, `ridge`) on the study's data for each trial.
///
/// The trial's params map onto model and optimizer settings (`TrainerSettings`). After every epoch the
/// validation metric is reported (step = epoch − 1); a `prune` or `stop` answer ends training at once. A NaN or
/// infinite loss ends the trial as FAIL with the reason. The final value is the last epoch's metric. Ridge is
/// solved in closed form and reports once (step 0).
public struct TrainerObjective: Objective {
    /// The trainer's settings.
    public var config: TrainerConfig
    /// The data it trains on.
    public var data: DataConfig
    /// The study's metrics (`val_accuracy`, `val_loss`), in direction order.
    public var metrics: [String]
    /// Where prepared data is kept between trials.
    public var cache: PreparedDataCache
    /// A wall-clock limit per trial in seconds (`budget.trial_timeout`); training stops at the next epoch
    /// boundary past it and the trial FAILs.
    public var timeout: Double?

    /// Creates the objective.
    public init(
        config: TrainerConfig, data: DataConfig, metrics: [String], cache: PreparedDataCache = .shared,
        timeout: Double? = nil
    ) {
        self.config = config
        self.data = data
        self.metrics = metrics
        self.cache = cache
        self.timeout = timeout
    }

    public func run(_ context: ObjectiveContext, reporter: any TrialReporter) async throws -> ObjectiveOutcome {
        try await train(context, reporter: reporter).outcome
    }

    /// Trains like `run`, then measures the trained model once on the source's **test** set: `test_accuracy`
    /// and `test_loss` (nil unless the trial completed). Training is deterministic for a seed and thread count,
    /// so this reproduces a finished trial's model; use it on the chosen trial only, never while tuning.
    public func runAndEvaluateTest(
        _ context: ObjectiveContext, reporter: any TrialReporter
    ) async throws -> (outcome: ObjectiveOutcome, test: [String: Double]?) {
        let (outcome, trained) = try await train(context, reporter: reporter)
        guard case .complete = outcome, let (network, prepared) = trained else { return (outcome, nil) }
        let testSet = try DataPreparation.testSet(data, like: prepared)
        let measured = try TrainingJob.measure(network, on: testSet, model: config.model, config: config)
        return (outcome, ["test_accuracy": measured["val_accuracy"] ?? .nan, "test_loss": measured["val_loss"] ?? .nan])
    }

    private func train(
        _ context: ObjectiveContext, reporter: any TrialReporter
    ) async throws -> (outcome: ObjectiveOutcome, trained: (NeuralNetwork, PreparedData)?) {
        let prepared: PreparedData
        let settings: TrainerSettings
        do {
            prepared = try cache.data(for: data)
            settings = try TrainerSettings(
                config: config, params: context.params, trialNumber: context.trialNumber,
                threads: context.blasThreads, concurrentTrials: context.concurrentTrials)
        } catch {
            return (.failed(reason: "\(error)"), nil)
        }
        let control = TrainingControl()
        let timer = timeout.map { limit in
            Task {
                try await Task.sleep(nanoseconds: UInt64(limit * 1e9))
                control.timeOut()
            }
        }
        defer { timer?.cancel() }
        let job = TrainingJob(
            objective: self, prepared: prepared, settings: settings, reporter: reporter, control: control)
        let (outcome, network) = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                Thread.detachNewThread {
                    continuation.resume(with: Result { try job.run() })
                }
            }
        } onCancel: {
            control.cancel()
        }
        if control.hasTimedOut, outcome == .stopped {
            let limit = DurationText.format(timeout ?? 0)
            return (.failed(reason: "timed out after \(limit) (training stopped at an epoch boundary)"), nil)
        }
        return (outcome, network.map { ($0, prepared) })
    }
}

/// What the training thread and the async side share: cancellation and the last decision.
final class TrainingControl: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var timedOut = false
    private var decision: ReportDecision = .proceed

    func cancel() { lock.withLock { cancelled = true } }
    var isCancelled: Bool { lock.withLock { cancelled } }
    /// The trial ran past its time limit: stop like a cancellation, and say why.
    func timeOut() { lock.withLock { timedOut = true; cancelled = true } }
    var hasTimedOut: Bool { lock.withLock { timedOut } }
    func record(_ value: ReportDecision) { lock.withLock { decision = value } }
    var lastDecision: ReportDecision { lock.withLock { decision } }
}

/// A value handed from a task to a waiting thread.
final class ResultBox<T: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Result<T, any Error>?

    func set(_ result: Result<T, any Error>) { lock.withLock { value = result } }
    func get() -> Result<T, any Error>? { lock.withLock { value } }
}
