import SweptTuning

/// A random sampler that also records how often the study called it (to observe bypasses).
final class CountingSampler: Sampler {
    private let inner: RandomSampler
    private(set) var independentCalls: [String] = []
    private(set) var relativeCalls = 0
    private(set) var afterTrialStates: [TrialState] = []
    private(set) var stateSeenAtTell: [TrialState] = []
    /// The joint space it claims, and the values it returns for it.
    var relativeSpace: [String: Distribution] = [:]
    var relativeValues: [String: Double] = [:]

    init(seed: UInt64) { inner = RandomSampler(seed: seed) }

    func inferRelativeSearchSpace(study: any StudyView, trial: FrozenTrial) -> [String: Distribution] {
        relativeSpace
    }

    func sampleRelative(
        study: any StudyView, trial: FrozenTrial, searchSpace: [String: Distribution]
    ) throws -> [String: Double] {
        relativeCalls += 1
        return relativeValues.filter { searchSpace[$0.key] != nil }
    }

    func sampleIndependent(
        study: any StudyView, trial: FrozenTrial, name: String, distribution: Distribution
    ) throws -> Double {
        independentCalls.append(name)
        return try inner.sampleIndependent(study: study, trial: trial, name: name, distribution: distribution)
    }

    func afterTrial(study: any StudyView, trial: FrozenTrial, state: TrialState, values: [Double]?) {
        stateSeenAtTell.append(trial.state)
        afterTrialStates.append(state)
    }
}
