/// Chooses parameter values for trials. Values cross this protocol in internal representation.
///
/// A study calls, per trial: `beforeTrial` (at ask), then — lazily at the first suggest that needs the
/// sampler — `inferRelativeSearchSpace` and `sampleRelative`; `sampleIndependent` for parameters outside the
/// relative space; `afterTrial` at tell (the trial is still RUNNING in the study then).
public protocol Sampler: AnyObject {
    /// The joint search space to sample with `sampleRelative` (empty for independent samplers).
    func inferRelativeSearchSpace(study: any StudyView, trial: FrozenTrial) -> [String: Distribution]
    /// Samples the relative search space jointly; internal values by name (may omit names).
    func sampleRelative(
        study: any StudyView, trial: FrozenTrial, searchSpace: [String: Distribution]
    ) throws -> [String: Double]
    /// Samples one parameter on its own; returns an internal value inside `distribution`.
    func sampleIndependent(
        study: any StudyView, trial: FrozenTrial, name: String, distribution: Distribution
    ) throws -> Double
    /// Called when a trial starts running; returns system attributes to attach to it (e.g. `grid_id`).
    func beforeTrial(study: any StudyView, trial: FrozenTrial) -> [String: AttributeValue]
    /// Called at tell, before the trial's state changes in the study.
    func afterTrial(study: any StudyView, trial: FrozenTrial, state: TrialState, values: [Double]?)
    /// Whether the sampler has nothing new left to propose (a grid with every point visited).
    func isExhausted(study: any StudyView) -> Bool
}

extension Sampler {
    public func inferRelativeSearchSpace(study: any StudyView, trial: FrozenTrial) -> [String: Distribution] {
        [:]
    }

    public func sampleRelative(
        study: any StudyView, trial: FrozenTrial, searchSpace: [String: Distribution]
    ) throws -> [String: Double] {
        [:]
    }

    public func beforeTrial(study: any StudyView, trial: FrozenTrial) -> [String: AttributeValue] { [:] }

    public func afterTrial(study: any StudyView, trial: FrozenTrial, state: TrialState, values: [Double]?) {}

    public func isExhausted(study: any StudyView) -> Bool { false }
}

/// Decides whether a running trial should stop early, from its intermediate values and the study's.
public protocol Pruner: AnyObject {
    /// Whether `trial` (RUNNING, with its latest reports) should be pruned now.
    func shouldPrune(study: any StudyView, trial: FrozenTrial) -> Bool
}
