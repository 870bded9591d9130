/// What COMPLETE trials reported at one step: the non-NaN values sorted ascending, plus how many were NaN.
public struct StepValues: Sendable, Equatable {
    /// Non-NaN values, ascending.
    public var sorted: SortedValues
    /// How many COMPLETE trials reported NaN at this step.
    public var nanCount: Int

    /// Creates step values; `sorted` must already be ascending and NaN-free.
    public init(sorted: [Double] = [], nanCount: Int = 0) {
        self.init(sorted: SortedValues(sorted), nanCount: nanCount)
    }

    /// Creates step values from values already kept sorted.
    public init(sorted: SortedValues, nanCount: Int) {
        self.sorted = sorted
        self.nanCount = nanCount
    }

    /// All reports at this step, NaN included.
    public var count: Int { sorted.count + nanCount }
}

/// The read-only view of a study that samplers and pruners see. Trials are ordered by number.
public protocol StudyView: AnyObject {
    /// One direction per objective.
    var directions: [StudyDirection] { get }
    /// Every trial, index = number.
    var trials: [FrozenTrial] { get }
    /// Values COMPLETE trials reported at exactly `step` (kept sorted incrementally; O(1) to fetch).
    func completedValues(atStep step: Int) -> StepValues
    /// How many trials are COMPLETE.
    var completedTrialCount: Int { get }
}

extension StudyView {
    /// The trials whose state is in `states`, by number.
    public func trials(states: Set<TrialState>) -> [FrozenTrial] {
        trials.filter { states.contains($0.state) }
    }

    /// The single direction of a one-objective study (the first direction otherwise).
    public var direction: StudyDirection { directions.first ?? .minimize }

    /// Whether the study has more than one objective.
    public var isMultiObjective: Bool { directions.count > 1 }
}
