import SweptTuning

/// Everything the coordinator needs to run a study: the seam between any configuration format (JSON on the
/// wire today, the YAML study configs of `SweptConfig`) and the scheduler.
///
/// A configuration layer maps its own declarations onto this type; the coordinator never parses YAML itself.
public struct StudySpec: Sendable, Equatable {
    /// The study's unique name.
    public var name: String
    /// One direction per objective.
    public var directions: [StudyDirection]
    /// The search space, in declaration order.
    public var space: [SpaceParameter]
    /// How parameters are proposed.
    public var sampler: SamplerSpec
    /// How trials are stopped early.
    public var pruner: PrunerSpec
    /// When the study ends and how lost trials are retried.
    public var budget: BudgetSpec
    /// What workers run: the objective section as JSON text, passed to workers unchanged.
    public var objective: String

    /// Creates a spec.
    public init(name: String, directions: [StudyDirection], space: [SpaceParameter], sampler: SamplerSpec = .random(seed: nil),
                pruner: PrunerSpec = .none, budget: BudgetSpec = BudgetSpec(), objective: String = "{}") {
        self.name = name
        self.directions = directions
        self.space = space
        self.sampler = sampler
        self.pruner = pruner
        self.budget = budget
        self.objective = objective
    }

    /// The search space as a dictionary.
    public var distributions: [String: Distribution] {
        Dictionary(space.map { ($0.name, $0.distribution) }, uniquingKeysWith: { first, _ in first })
    }
}

/// One hyperparameter of the search space.
public struct SpaceParameter: Sendable, Equatable {
    /// Its name.
    public var name: String
    /// Its distribution.
    public var distribution: Distribution

    /// Creates a parameter.
    public init(name: String, distribution: Distribution) {
        self.name = name
        self.distribution = distribution
    }
}

/// A sampler choice.
public enum SamplerSpec: Sendable, Equatable {
    /// Independent uniform sampling.
    case random(seed: UInt64?)
    /// Tree-structured Parzen estimator with Optuna's defaults.
    case tpe(seed: UInt64?)
}

/// A pruner choice.
public enum PrunerSpec: Sendable, Equatable {
    /// Never prune.
    case none
    /// Optuna's median pruner.
    case median(nStartupTrials: Int, nWarmupSteps: Int, intervalSteps: Int)
    /// Optuna's percentile pruner.
    case percentile(percentile: Double, nStartupTrials: Int, nWarmupSteps: Int, intervalSteps: Int)
}

/// When a study ends and how it treats lost trials.
public struct BudgetSpec: Sendable, Equatable {
    /// Trials to finish (COMPLETE, PRUNED, or FAIL without a retry); `nil`: no limit.
    public var trials: Int?
    /// Wall time after which the study stops, in seconds; `nil`: no limit.
    public var timeoutSeconds: Double?
    /// How many times a lost trial's parameters are retried (each retry records `retry_of`).
    public var maxRetries: Int

    /// Creates a budget.
    public init(trials: Int? = nil, timeoutSeconds: Double? = nil, maxRetries: Int = 3) {
        self.trials = trials
        self.timeoutSeconds = timeoutSeconds
        self.maxRetries = maxRetries
    }
}
