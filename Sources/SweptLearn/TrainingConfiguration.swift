/// Everything a training run needs besides the model and the data. Defaults follow scikit-learn's MLPClassifier
/// (Adam, learning rate 0.001, batch 128 here for speed on BLAS).
public struct TrainingConfiguration: Sendable, Equatable {
    /// Number of passes over the training data; at least 1.
    public var epochs: Int = 10
    /// Rows per mini-batch; at least 1 (clamped to the dataset size).
    public var batchSize: Int = 128
    /// Base learning rate; must be positive.
    public var learningRate: Float = 0.001
    /// The optimizer.
    public var optimizer: Optimizer = .adam()
    /// How the learning rate changes over steps.
    public var schedule: LearningRateSchedule = .constant
    /// L2 weight decay on weights (not biases): added to the gradient, or decoupled for AdamW. At least 0.
    public var weightDecay: Float = 0
    /// Seed for shuffling and dropout. Same seed and thread count ⇒ bit-identical weights and metrics.
    public var seed: UInt64 = 0
    /// OpenBLAS threads for this run; set explicitly before training starts.
    public var threads: Int = 1
    /// With `threads` > 1 and no dropout, split each training step over the run's own threads, each calling
    /// single-threaded sgemm on its share (`true`, the default). `false` lets OpenBLAS thread the products. Both are
    /// deterministic for a seed and thread count; they may differ from each other in the last bits. Split
    /// runs set OpenBLAS's process-wide thread count to 1 during each epoch: run concurrent trainings in one
    /// process with `false`. See docs/learn.md for the measurements behind the default.
    public var splitsSteps: Bool = true
    /// Shuffle the rows each epoch (with the seeded generator).
    public var shuffle: Bool = true
    /// Stop when a monitored metric stops improving.
    public var earlyStopping: EarlyStopping?

    /// Creates a configuration with the defaults; set fields to change them.
    public init() {}

    /// Checks every field; the error names the field, its value and what was expected.
    public func validate() throws {
        guard epochs >= 1 else { throw LearnError.parameter("epochs \(epochs): expected at least 1") }
        guard batchSize >= 1 else { throw LearnError.parameter("batchSize \(batchSize): expected at least 1") }
        guard learningRate > 0, learningRate.isFinite else {
            throw LearnError.parameter("learningRate \(learningRate): expected a positive finite number")
        }
        guard weightDecay >= 0, weightDecay.isFinite else {
            throw LearnError.parameter("weightDecay \(weightDecay): expected a finite number ≥ 0")
        }
        guard threads >= 1 else { throw LearnError.parameter("threads \(threads): expected at least 1") }
        try optimizer.validate()
        try schedule.validate()
        if let earlyStopping { try earlyStopping.validate() }
    }
}

/// Whether larger or smaller values of a metric are better.
public enum MetricGoal: String, Sendable, Equatable {
    /// Smaller is better (losses, errors).
    case minimize
    /// Larger is better (accuracy, F1, R²).
    case maximize
}

/// Built-in early stopping: stop after `patience` epochs without an improvement larger than `minDelta`.
public struct EarlyStopping: Sendable, Equatable {
    /// The metric to watch: a validation metric name (e.g. `loss`, `accuracy`), or the training loss (`loss`) when
    /// there is no validation set.
    public var metric: String
    /// Whether the metric should go down or up.
    public var goal: MetricGoal
    /// Epochs without improvement tolerated before stopping; at least 1.
    public var patience: Int
    /// The smallest change that counts as an improvement; at least 0.
    public var minDelta: Double
    /// Put back the weights of the best epoch when stopping.
    public var restoreBest: Bool

    /// Creates an early-stopping rule.
    public init(
        metric: String = "loss", goal: MetricGoal = .minimize, patience: Int = 5, minDelta: Double = 0,
        restoreBest: Bool = true
    ) {
        self.metric = metric
        self.goal = goal
        self.patience = patience
        self.minDelta = minDelta
        self.restoreBest = restoreBest
    }

    func validate() throws {
        guard patience >= 1 else { throw LearnError.parameter("early stopping patience \(patience): expected ≥ 1") }
        guard minDelta >= 0 else { throw LearnError.parameter("early stopping minDelta \(minDelta): expected ≥ 0") }
    }

    func improves(_ value: Double, over best: Double?) -> Bool {
        guard let best else { return true }
        switch goal {
        case .minimize: return value < best - minDelta
        case .maximize: return value > best + minDelta
        }
    }
}
