/// What TPE remembers about a study between asks, updated incrementally: finished trials in discovery order,
/// the best complete and pruned trials for the below group, the trials still unfinished, and the intersection
/// search space of the finished (COMPLETE and PRUNED) trials. Each update looks only at new and unfinished
/// trials, so an ask costs O(new + unfinished) here, not O(study).
struct TPELedger {
    /// Below-group candidates are the best ≤ 25 of each kind: gamma(n) never exceeds 25.
    static let keep = 25

    /// Trials with a number below this were all looked at.
    private(set) var cursor = 0
    /// Numbers below `cursor` that were RUNNING or WAITING when last looked at.
    private(set) var unfinished: [Int] = []
    /// COMPLETE and PRUNED trial numbers in the order they were discovered.
    private(set) var finished: [Int] = []
    private(set) var completeCount = 0
    private(set) var prunedCount = 0
    /// The best complete trials by (loss, number), at most `keep`.
    private(set) var bestComplete: [(loss: Double, number: Int)] = []
    /// The best pruned trials by Optuna's score (further last step first, then its value; NaN worst).
    private(set) var bestPruned: [(step: Double, value: Double, number: Int)] = []
    /// Intersection of the finished trials' distributions (nil before the first finished trial).
    private(set) var intersection: [String: Distribution]?
    /// Bumped whenever `intersection` changes.
    private(set) var spaceVersion = 0

    /// Finished = COMPLETE + PRUNED (what n_startup_trials and gamma count).
    var finishedCount: Int { completeCount + prunedCount }

    /// Looks at new and previously unfinished trials; returns the numbers that finished since the last call.
    mutating func update(_ study: any StudyView) -> [Int] {
        let trials = study.trials
        var fresh: [Int] = []
        var stillOpen: [Int] = []
        for number in unfinished where number < trials.count {
            if !classify(trials[number], direction: study.direction, into: &fresh) { stillOpen.append(number) }
        }
        while cursor < trials.count {
            if !classify(trials[cursor], direction: study.direction, into: &fresh) { stillOpen.append(cursor) }
            cursor += 1
        }
        unfinished = stillOpen
        return fresh
    }

    /// Records `trial` if it is finished; returns false when it is still RUNNING or WAITING.
    private mutating func classify(_ trial: FrozenTrial, direction: StudyDirection, into fresh: inout [Int]) -> Bool {
        switch trial.state {
        case .running, .waiting:
            return false
        case .fail:
            return true
        case .complete:
            completeCount += 1
            let value = trial.value ?? .nan
            let loss = direction == .maximize ? -value : value
            insertBounded(&bestComplete, (loss, trial.number)) { ($0.loss, $0.number) < ($1.loss, $1.number) }
        case .pruned:
            prunedCount += 1
            let score = Self.prunedScore(trial, direction: direction)
            insertBounded(&bestPruned, (score.step, score.value, trial.number)) {
                ($0.step, $0.value, $0.number) < ($1.step, $1.value, $1.number)
            }
        }
        finished.append(trial.number)
        fresh.append(trial.number)
        intersect(trial.distributions)
        return true
    }

    /// Optuna's `_get_pruned_trial_score`: (−last step, value at it adjusted for direction; NaN → +∞), or (1, 0)
    /// without reports.
    static func prunedScore(_ trial: FrozenTrial, direction: StudyDirection) -> (step: Double, value: Double) {
        guard let step = trial.lastStep, let value = trial.intermediateValues[step] else { return (1, 0) }
        if value.isNaN { return (-Double(step), .infinity) }
        return (-Double(step), direction == .maximize ? -value : value)
    }

    private func insertBounded<T>(_ list: inout [T], _ item: T, by less: (T, T) -> Bool) {
        if list.count == Self.keep, let last = list.last, !less(item, last) { return }
        var i = list.count
        while i > 0 && less(item, list[i - 1]) { i -= 1 }
        list.insert(item, at: i)
        if list.count > Self.keep { list.removeLast() }
    }

    private mutating func intersect(_ distributions: [String: Distribution]) {
        guard let current = intersection else {
            intersection = distributions
            spaceVersion += 1
            return
        }
        let next = current.filter { distributions[$0.key] == $0.value }
        if next.count != current.count {
            intersection = next
            spaceVersion += 1
        }
    }

    /// The below group of a single-objective study: the best gamma(n) complete trials, then the best pruned
    /// ones for the remaining places (Optuna's `_split_trials`).
    func belowNumbers() -> Set<Int> {
        var k = TPEWeights.gamma(finishedCount)
        var below = Set<Int>()
        for entry in bestComplete.prefix(min(k, completeCount)) { below.insert(entry.number) }
        k -= below.count
        for entry in bestPruned.prefix(max(0, min(k, prunedCount))) { below.insert(entry.number) }
        return below
    }
}
