import SweptTuning

/// A study declared in YAML, parsed and validated: everything needed to create the study, sample its
/// parameters, schedule its trials and run its objective.
public struct StudyConfig: Sendable, Equatable {
    /// The study's name (unique in a store).
    public var name: String
    /// One direction per objective value.
    public var directions: [StudyDirection]
    /// One metric name per objective value (what the objective reports, e.g. `val_accuracy`).
    public var metrics: [String]
    /// How parameters are proposed.
    public var sampler: SamplerConfig
    /// How trials are stopped early.
    public var pruner: PrunerConfig
    /// How much the study may spend.
    public var budget: BudgetConfig
    /// The dataset trainers read; `nil` for objectives without data (functions, commands).
    public var data: DataConfig?
    /// What each trial runs.
    public var objective: ObjectiveConfig
    /// The parameters to tune, conditional ones included.
    public var space: SearchSpace
    /// The file the config came from (for messages).
    public var sourceFile: String

    /// The single metric of a single-objective study (the first metric otherwise).
    public var metric: String { metrics[0] }

    /// Whether the study optimizes several values at once.
    public var isMultiObjective: Bool { directions.count > 1 }

    /// Creates a config from its parts (parsers use `StudyConfigParser`).
    public init(
        name: String, directions: [StudyDirection], metrics: [String], sampler: SamplerConfig,
        pruner: PrunerConfig, budget: BudgetConfig, data: DataConfig?, objective: ObjectiveConfig,
        space: SearchSpace, sourceFile: String = "<memory>"
    ) {
        self.name = name
        self.directions = directions
        self.metrics = metrics
        self.sampler = sampler
        self.pruner = pruner
        self.budget = budget
        self.data = data
        self.objective = objective
        self.space = space
        self.sourceFile = sourceFile
    }
}

/// The sampler named in a config, with its options.
public enum SamplerConfig: Sendable, Equatable {
    /// Tree-structured Parzen estimator.
    case tpe(TPEOptions)
    /// Independent uniform sampling.
    case random(seed: UInt64?)
    /// Every point of a grid; `values` lists each parameter's grid values by name.
    case grid(values: [String: [ParamValue]], seed: UInt64?)

    /// The type's name as written in YAML.
    public var typeName: String {
        switch self {
        case .tpe: return "tpe"
        case .random: return "random"
        case .grid: return "grid"
        }
    }

    /// The seed, when one was given.
    public var seed: UInt64? {
        switch self {
        case .tpe(let options): return options.seed
        case .random(let seed), .grid(_, let seed): return seed
        }
    }
}

/// TPE options; unset ones keep `TPESampler`'s defaults (Optuna 5.0's numbers).
public struct TPEOptions: Sendable, Equatable {
    /// The seed; `nil` seeds from the system.
    public var seed: UInt64?
    /// Trials sampled at random before TPE takes over.
    public var nStartupTrials: Int = 10
    /// Candidates drawn from the below-group mixture per suggestion.
    public var nEICandidates: Int = 24
    /// Whether to model the joint space (multivariate TPE); `nil` keeps the sampler's default (on for one
    /// objective, off for several).
    public var multivariate: Bool?
    /// Whether RUNNING trials join the above group (for parallel workers); `nil` keeps the sampler's default (on).
    public var constantLiar: Bool?
    /// The prior's weight in the Parzen mixture.
    public var priorWeight: Double = 1.0
    /// Whether bandwidths are clipped from below (Optuna's magic clip).
    public var considerMagicClip: Bool = true
    /// Whether the range endpoints widen the edge kernels.
    public var considerEndpoints: Bool = false

    /// Creates options with Optuna's defaults.
    public init(seed: UInt64? = nil) { self.seed = seed }
}

/// The pruner named in a config, with its options.
public enum PrunerConfig: Sendable, Equatable {
    /// Prune below the median of completed trials at the same step.
    case median(PrunerOptions)
    /// Prune below the given percentile of completed trials at the same step.
    case percentile(Double, PrunerOptions)
    /// Never prune.
    case none

    /// The type's name as written in YAML.
    public var typeName: String {
        switch self {
        case .median: return "median"
        case .percentile: return "percentile"
        case .none: return "none"
        }
    }
}

/// The options median and percentile pruners share (Optuna's names and defaults).
public struct PrunerOptions: Sendable, Equatable {
    /// COMPLETE trials needed before any pruning.
    public var nStartupTrials: Int = 5
    /// Steps before which no trial is pruned.
    public var nWarmupSteps: Int = 0
    /// Pruning is checked once per this many steps.
    public var intervalSteps: Int = 1
    /// Reference values needed at a step before pruning there.
    public var nMinTrials: Int = 1

    /// Creates options with Optuna's defaults.
    public init() {}
}

/// What a study may spend.
public struct BudgetConfig: Sendable, Equatable {
    /// The number of trials to finish (any state); `nil` = until the timeout or the sampler is exhausted.
    public var trials: Int?
    /// Wall-clock limit for the whole study, in seconds.
    public var timeout: Double?
    /// How many trials may run at once; `nil` = as many as workers ask for.
    public var parallel: Int?
    /// The study stops after this many FAILed trials; `nil` = never.
    public var maxFailures: Int?
    /// How often a trial whose worker was lost is requeued before it FAILs.
    public var maxRetries: Int = 2
    /// Per-trial wall-clock limit in seconds; `nil` = none (commands have their own `timeout`).
    public var trialTimeout: Double?

    /// Creates an empty budget (run until stopped, one at a time).
    public init() {}
}
