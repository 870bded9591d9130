/// The life-cycle state of a trial, spelled as Optuna stores it.
public enum TrialState: String, Sendable, CaseIterable, Hashable {
    case running = "RUNNING"
    case complete = "COMPLETE"
    case pruned = "PRUNED"
    case fail = "FAIL"
    case waiting = "WAITING"

    /// Finished means neither RUNNING nor WAITING.
    public var isFinished: Bool { self != .running && self != .waiting }
}

/// Whether an objective is minimized or maximized, spelled as Optuna stores it.
public enum StudyDirection: String, Sendable, CaseIterable, Hashable {
    case minimize = "MINIMIZE"
    case maximize = "MAXIMIZE"

    /// Whether `lhs` is strictly better than `rhs` in this direction.
    @inlinable
    public func isBetter(_ lhs: Double, than rhs: Double) -> Bool {
        self == .minimize ? lhs < rhs : lhs > rhs
    }
}
