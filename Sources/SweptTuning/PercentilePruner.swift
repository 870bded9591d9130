/// Prunes a trial whose best intermediate value is worse than the given percentile of what COMPLETE trials
/// reported at the same step (Optuna's `PercentilePruner`).
///
/// Rules, in order: no prune before `nStartupTrials` COMPLETE trials; none before step `nWarmupSteps`; only at
/// the first report in each window of `intervalSteps` after warm-up; an all-NaN trial is pruned; fewer than
/// `nMinTrials` reference values (NaN counted) ⇒ no prune; otherwise prune iff best > percentile (minimize) or
/// best < the (100 − percentile)-th percentile (maximize). Each call costs O(own steps), not O(trials).
public final class PercentilePruner: Pruner {
    /// The percentile in 0...100 (25 keeps the best quarter when minimizing).
    public let percentile: Double
    /// COMPLETE trials needed before any pruning.
    public let nStartupTrials: Int
    /// Steps before which a trial is never pruned.
    public let nWarmupSteps: Int
    /// Pruning is checked once per window of this many steps after warm-up.
    public let intervalSteps: Int
    /// Reference values needed at a step before pruning there.
    public let nMinTrials: Int

    /// Creates a pruner with Optuna's defaults (5, 0, 1, 1).
    /// - Throws: `TuningError.invalidArgument` for a percentile outside 0...100, negative startup or warm-up,
    ///   or interval / n_min_trials below 1.
    public convenience init(
        percentile: Double, nStartupTrials: Int = 5, nWarmupSteps: Int = 0, intervalSteps: Int = 1,
        nMinTrials: Int = 1
    ) throws {
        guard percentile >= 0, percentile <= 100 else {
            throw TuningError(.invalidArgument, "percentile: expected a value in 0...100, got \(percentile)")
        }
        guard nStartupTrials >= 0 else {
            throw TuningError(.invalidArgument, "n_startup_trials: expected >= 0, got \(nStartupTrials)")
        }
        guard nWarmupSteps >= 0 else {
            throw TuningError(.invalidArgument, "n_warmup_steps: expected >= 0, got \(nWarmupSteps)")
        }
        guard intervalSteps >= 1 else {
            throw TuningError(.invalidArgument, "interval_steps: expected >= 1, got \(intervalSteps)")
        }
        guard nMinTrials >= 1 else {
            throw TuningError(.invalidArgument, "n_min_trials: expected >= 1, got \(nMinTrials)")
        }
        self.init(
            unchecked: percentile, nStartupTrials: nStartupTrials, nWarmupSteps: nWarmupSteps,
            intervalSteps: intervalSteps, nMinTrials: nMinTrials
        )
    }

    /// Creates a pruner from arguments the caller has already validated.
    init(unchecked percentile: Double, nStartupTrials: Int, nWarmupSteps: Int, intervalSteps: Int, nMinTrials: Int) {
        self.percentile = percentile
        self.nStartupTrials = nStartupTrials
        self.nWarmupSteps = nWarmupSteps
        self.intervalSteps = intervalSteps
        self.nMinTrials = nMinTrials
    }

    public func shouldPrune(study: any StudyView, trial: FrozenTrial) -> Bool {
        let completed = study.completedTrialCount
        if completed == 0 || completed < nStartupTrials { return false }
        var step = -1
        var previousStep = -1
        for reported in trial.intermediateValues.keys {
            if reported > step {
                previousStep = step
                step = reported
            } else if reported > previousStep {
                previousStep = reported
            }
        }
        guard step >= 0, step >= nWarmupSteps else { return false }
        let windowStart = nWarmupSteps + (step - nWarmupSteps) / intervalSteps * intervalSteps
        guard previousStep < windowStart else { return false }

        let direction = study.direction
        var best = Double.nan
        for value in trial.intermediateValues.values where !value.isNaN {
            if best.isNaN || direction.isBetter(value, than: best) { best = value }
        }
        if best.isNaN { return true }

        let reference = study.completedValues(atStep: step)
        if reference.count < nMinTrials { return false }
        let q = direction == .maximize ? 100 - percentile : percentile
        let threshold = Percentile.ofSorted(reference.sorted, q: q)
        if threshold.isNaN { return false }
        return direction == .maximize ? best < threshold : best > threshold
    }
}

/// Prunes a trial whose best intermediate value is worse than the median of COMPLETE trials at the same step
/// (Optuna's `MedianPruner`, i.e. `PercentilePruner` at 50).
public final class MedianPruner: Pruner {
    private let percentilePruner: PercentilePruner

    /// Creates a median pruner with Optuna's defaults: 5 startup trials, no warm-up, interval 1, 1 reference.
    public init() {
        percentilePruner = PercentilePruner(
            unchecked: 50, nStartupTrials: 5, nWarmupSteps: 0, intervalSteps: 1, nMinTrials: 1
        )
    }

    /// Creates a median pruner; see `PercentilePruner.init` for the rules and errors.
    public init(nStartupTrials: Int = 5, nWarmupSteps: Int = 0, intervalSteps: Int = 1, nMinTrials: Int = 1) throws {
        percentilePruner = try PercentilePruner(
            percentile: 50, nStartupTrials: nStartupTrials, nWarmupSteps: nWarmupSteps,
            intervalSteps: intervalSteps, nMinTrials: nMinTrials
        )
    }

    public var nStartupTrials: Int { percentilePruner.nStartupTrials }
    public var nWarmupSteps: Int { percentilePruner.nWarmupSteps }
    public var intervalSteps: Int { percentilePruner.intervalSteps }
    public var nMinTrials: Int { percentilePruner.nMinTrials }

    public func shouldPrune(study: any StudyView, trial: FrozenTrial) -> Bool {
        percentilePruner.shouldPrune(study: study, trial: trial)
    }
}

/// Never prunes.
public final class NopPruner: Pruner {
    /// Creates a pruner that never prunes.
    public init() {}

    public func shouldPrune(study: any StudyView, trial: FrozenTrial) -> Bool { false }
}
