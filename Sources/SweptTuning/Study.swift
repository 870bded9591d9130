/// An in-memory study with Optuna's ask/tell API. Embed it directly, or let the coordinator rebuild one from
/// the store with `restore(_:)`.
///
/// ```swift
/// let study = Study(direction: .minimize, sampler: RandomSampler(seed: 1))
/// for _ in 0..<20 {
///     let trial = try study.ask()
///     let x = try trial.suggestFloat("x", low: -10, high: 10)
///     try study.tell(trial, values: [(x - 2) * (x - 2)])
/// }
/// print(try study.bestTrial.params)
/// ```
///
/// A study is not thread-safe: confine it to one task or actor.
public final class Study: StudyView {
    /// One direction per objective.
    public let directions: [StudyDirection]
    /// The sampler proposing parameter values.
    public let sampler: any Sampler
    /// The pruner deciding early stops.
    public let pruner: any Pruner
    /// The wall clock for `startedAt` / `completedAt` (seconds since 1970, UTC); `nil` leaves them unset.
    /// The module does no I/O, so callers that want timestamps supply the clock.
    public var clock: (@Sendable () -> Double)?

    /// Attributes of the study set by the user (Optuna's study user attributes).
    public var userAttributes: [String: AttributeValue] = [:]
    /// Attributes of the study set by the system.
    public var systemAttributes: [String: AttributeValue] = [:]

    /// Every trial, index = number.
    public internal(set) var trials: [FrozenTrial] = []
    /// How many trials are COMPLETE.
    public internal(set) var completedTrialCount = 0
    /// How many trials are FAIL.
    public internal(set) var failedTrialCount = 0

    var stepIndex = StepIndex()
    var waitingNumbers: [Int] = []
    /// The latest distribution of each parameter name across the study (for the compatibility rule).
    public internal(set) var paramDistributions: [String: Distribution] = [:]
    var relativeSamples: [Int: RelativeSample] = [:]

    /// Creates a study with one or more objectives.
    /// - Throws: `TuningError.invalidArgument` when `directions` is empty.
    public init(
        directions: [StudyDirection], sampler: any Sampler = RandomSampler(), pruner: any Pruner = MedianPruner()
    ) throws {
        guard !directions.isEmpty else {
            throw TuningError(.invalidArgument, "directions: expected at least one direction, got []")
        }
        self.directions = directions
        self.sampler = sampler
        self.pruner = pruner
    }

    /// Creates a single-objective study.
    public init(
        direction: StudyDirection = .minimize, sampler: any Sampler = RandomSampler(),
        pruner: any Pruner = MedianPruner()
    ) {
        self.directions = [direction]
        self.sampler = sampler
        self.pruner = pruner
    }

    public func completedValues(atStep step: Int) -> StepValues {
        stepIndex.values(atStep: step)
    }

    /// Whether the sampler has no unvisited point left (a finished grid); a driver loop stops then.
    public var isExhausted: Bool { sampler.isExhausted(study: self) }

    /// The snapshot of trial `number`.
    /// - Throws: `TuningError.unknownTrial`.
    public func frozenTrial(_ number: Int) throws -> FrozenTrial {
        guard trials.indices.contains(number) else {
            throw TuningError(.unknownTrial, "trial \(number) does not exist (the study has \(trials.count) trials)")
        }
        return trials[number]
    }

    /// A handle on a RUNNING trial, e.g. one that was restored from a store.
    /// - Throws: `TuningError.unknownTrial` or `.trialNotRunning`.
    public func trial(_ number: Int) throws -> Trial {
        _ = try runningIndex(number)
        return Trial(study: self, number: number)
    }

    /// Starts a trial: claims the oldest WAITING trial, else creates one; suggests `fixedDistributions` at once.
    ///
    /// If one of the fixed suggestions throws, the new trial is told FAIL and the error is rethrown.
    public func ask(fixedDistributions: [String: Distribution] = [:]) throws -> Trial {
        let number: Int
        if !waitingNumbers.isEmpty {
            number = waitingNumbers.removeFirst()
            trials[number].state = .running
            trials[number].startedAt = clock?()
        } else {
            number = trials.count
            trials.append(FrozenTrial(number: number, state: .running, startedAt: clock?()))
        }
        let attributes = sampler.beforeTrial(study: self, trial: trials[number])
        trials[number].systemAttributes.merge(attributes) { _, new in new }
        let snapshot = trials[number]
        var space = sampler.inferRelativeSearchSpace(study: self, trial: snapshot)
        if let fixed = snapshot.fixedParams {
            for name in fixed.keys { space[name] = nil }
        }
        relativeSamples[number] = RelativeSample(trialAtAsk: snapshot, searchSpace: space, values: nil)

        let trial = Trial(study: self, number: number)
        do {
            for (name, distribution) in fixedDistributions.sorted(by: { $0.key < $1.key }) {
                _ = try suggest(trial: number, name: name, distribution: distribution)
            }
        } catch {
            _ = try? tell(number, state: .fail)
            throw error
        }
        return trial
    }

    /// The index of a RUNNING trial, or a thrown error naming the trial and its state.
    func runningIndex(_ number: Int) throws -> Int {
        guard trials.indices.contains(number) else {
            throw TuningError(.unknownTrial, "trial \(number) does not exist (the study has \(trials.count) trials)")
        }
        let state = trials[number].state
        guard state == .running else {
            let why = state == .waiting ? "is WAITING (ask for it first)" : "has already finished (\(state.rawValue))"
            throw TuningError(.trialNotRunning, "trial \(number) \(why) and cannot be updated")
        }
        return number
    }
}

/// The relative (joint) sample of one running trial, drawn lazily at its first sampled suggest.
struct RelativeSample {
    var trialAtAsk: FrozenTrial
    var searchSpace: [String: Distribution]
    var values: [String: Double]?
}
