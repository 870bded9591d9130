import SweptConfig
import SweptTuning

/// Everything the coordinator needs to run a study: the seam between any configuration format (JSON on the
/// wire, the YAML study configs of `SweptConfig`) and the scheduler.
///
/// The space, sampler and pruner use `SweptConfig`'s types, so a YAML config and a JSON spec mean exactly the
/// same study; `StudySpec(config:yaml:)` maps a parsed YAML config onto this type.
public struct StudySpec: Sendable, Equatable {
    /// The study's unique name.
    public var name: String
    /// One direction per objective.
    public var directions: [StudyDirection]
    /// The search space, parents before the parameters they switch on (conditional parameters).
    public var space: [SpaceParameter]
    /// How parameters are proposed.
    public var sampler: SamplerConfig
    /// How trials are stopped early.
    public var pruner: PrunerConfig
    /// When the study ends and how lost trials are retried.
    public var budget: BudgetSpec
    /// What workers run: the objective section as JSON text, passed to workers unchanged.
    public var objective: String

    /// Creates a spec.
    public init(name: String, directions: [StudyDirection], space: [SpaceParameter],
                sampler: SamplerConfig = .random(seed: nil), pruner: PrunerConfig = .none,
                budget: BudgetSpec = BudgetSpec(), objective: String = "{}") {
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

/// One hyperparameter of the search space, with the conditions under which it exists.
public typealias SpaceParameter = SearchParameter

/// When a study ends and how it treats lost trials.
public struct BudgetSpec: Sendable, Equatable {
    /// Trials to finish (COMPLETE, PRUNED, or FAIL without a retry); `nil`: no limit.
    public var trials: Int?
    /// Wall time after which the study stops, in seconds; `nil`: no limit.
    public var timeoutSeconds: Double?
    /// How many times a lost trial's parameters are retried (each retry records `retry_of`).
    public var maxRetries: Int
    /// At most this many trials run at once; `nil`: as many as workers ask for.
    public var parallel: Int?
    /// The study stops after this many FAILed trials; `nil`: never.
    public var maxFailures: Int?

    /// Creates a budget.
    public init(trials: Int? = nil, timeoutSeconds: Double? = nil, maxRetries: Int = 3, parallel: Int? = nil,
                maxFailures: Int? = nil) {
        self.trials = trials
        self.timeoutSeconds = timeoutSeconds
        self.maxRetries = maxRetries
        self.parallel = parallel
        self.maxFailures = maxFailures
    }
}
