/// Tree-structured Parzen Estimator sampler with Optuna 5.0's semantics and defaults (docs/tpe.md).
///
/// Until `nStartupTrials` trials are finished (COMPLETE + PRUNED) it samples at random (a `RandomSampler` with
/// the same seed). Then it splits the trials into a good ("below", the best gamma(n) = min(⌈0.1·n⌉, 25)) and a
/// rest ("above") group, fits a Parzen mixture to each, draws `nEICandidates` candidates from the below mixture
/// and keeps the one with the largest log l(x) − log g(x) (ties to the first). Single-objective studies sample
/// the intersection search space jointly (multivariate) and fall back to one-dimensional TPE for parameters
/// outside it; RUNNING trials join the above group (constant liar). Multi-objective studies use independent
/// TPE with a non-domination split (see docs/tpe.md). The same seed gives the same proposals.
///
/// ```swift
/// let study = Study(direction: .minimize, sampler: TPESampler(seed: 42))
/// ```
public final class TPESampler: Sampler {
    /// TPE's settings; the defaults are Optuna 5.0's.
    public struct Configuration: Sendable {
        /// Random trials before TPE starts (finished = COMPLETE + PRUNED trials are counted).
        public var nStartupTrials = 10
        /// Candidates drawn from the below mixture per sample.
        public var nEICandidates = 24
        /// Prior weight, magic clip, endpoints.
        public var parzen = ParzenEstimatorParameters()
        /// Joint sampling of the intersection space; `nil`: on for one objective, off for several.
        public var multivariate: Bool?
        /// Let RUNNING trials join the above group.
        public var constantLiar = true

        /// The default configuration.
        public init() {}
    }

    /// The settings in use.
    public let configuration: Configuration
    var rng: TuningRandom
    private let random: RandomSampler
    var ledger = TPELedger()
    private var above: TPEAboveGroup?
    private var aboveKey: (version: Int, names: [String])?
    /// The last below estimator and its scoring layout, with the group and trial numbers it was built from.
    private var belowCache: (group: TPEAboveGroup, numbers: [Int], sampler: TPEBelowSampler, mixture: TPEMixture)?
    /// Joint samples handed out to still-running trials (constant liar treats them as their parameters).
    private var relativeParams: [Int: [String: Double]] = [:]

    /// Creates a sampler; with a seed its proposals are reproducible.
    public init(seed: UInt64? = nil, configuration: Configuration = Configuration()) {
        self.configuration = configuration
        var system = SystemRandomNumberGenerator()
        let seed = seed ?? system.next()
        rng = TuningRandom(seed: seed)
        random = RandomSampler(seed: seed)
    }

    /// Creates a sampler with the most used settings spelled out.
    public convenience init(
        seed: UInt64? = nil, nStartupTrials: Int = 10, nEICandidates: Int = 24, multivariate: Bool? = nil,
        constantLiar: Bool = true, parzen: ParzenEstimatorParameters = ParzenEstimatorParameters()
    ) {
        var c = Configuration()
        c.nStartupTrials = nStartupTrials
        c.nEICandidates = nEICandidates
        c.multivariate = multivariate
        c.constantLiar = constantLiar
        c.parzen = parzen
        self.init(seed: seed, configuration: c)
    }

    private func isMultivariate(_ study: any StudyView) -> Bool {
        configuration.multivariate ?? !study.isMultiObjective
    }

    public func inferRelativeSearchSpace(study: any StudyView, trial: FrozenTrial) -> [String: Distribution] {
        guard isMultivariate(study) else { return [:] }
        refresh(study)
        return (ledger.intersection ?? [:]).filter { !$0.value.isSingle }
    }

    public func sampleRelative(
        study: any StudyView, trial: FrozenTrial, searchSpace: [String: Distribution]
    ) throws -> [String: Double] {
        if searchSpace.isEmpty { return [:] }
        refresh(study)
        if ledger.finishedCount < configuration.nStartupTrials { return [:] }
        let names = searchSpace.keys.sorted()
        let group = aboveGroup(study, names: names, distributions: names.compactMap { searchSpace[$0] })
        let result: [String: Double]
        if let group, !study.isMultiObjective {
            result = sampleJoint(study, trial: trial, names: names, group: group)
        } else {
            result = sampleFromScratch(study, trial: trial, names: names, space: searchSpace)
        }
        if configuration.constantLiar { relativeParams[trial.number] = result }
        return result
    }

    public func sampleIndependent(
        study: any StudyView, trial: FrozenTrial, name: String, distribution: Distribution
    ) throws -> Double {
        refresh(study)
        if ledger.finishedCount < configuration.nStartupTrials { return random.sample(distribution) }
        let value = sampleFromScratch(study, trial: trial, names: [name], space: [name: distribution])[name]
        return value ?? random.sample(distribution)
    }

    public func afterTrial(study: any StudyView, trial: FrozenTrial, state: TrialState, values: [Double]?) {
        relativeParams[trial.number] = nil
    }

    // MARK: - Joint sampling on the cached above group

    private func refresh(_ study: any StudyView) {
        let fresh = ledger.update(study)
        guard let above, let key = aboveKey, key.version == ledger.spaceVersion else { return }
        let trials = study.trials
        for number in fresh {
            guard let values = internalValues(trials[number], names: key.names, study: study) else { continue }
            above.add(number: number, internalValues: values)
        }
    }

    /// The cached above group for `names` (rebuilt when the intersection space changed); nil when the space is
    /// not the intersection space (then the caller samples from scratch).
    private func aboveGroup(_ study: any StudyView, names: [String], distributions: [Distribution]) -> TPEAboveGroup? {
        let intersection = (ledger.intersection ?? [:]).filter { !$0.value.isSingle }
        guard intersection.keys.sorted() == names, distributions.count == names.count else { return nil }
        if let above, let key = aboveKey, key.version == ledger.spaceVersion, key.names == names { return above }
        let group = TPEAboveGroup(
            dimensions: distributions.map(ParzenDimension.init(_:)), parameters: configuration.parzen)
        let trials = study.trials
        for number in ledger.finished.sorted() {
            if let values = internalValues(trials[number], names: names, study: study) {
                group.add(number: number, internalValues: values)
            }
        }
        above = group
        aboveKey = (ledger.spaceVersion, names)
        return group
    }

    private func sampleJoint(
        _ study: any StudyView, trial: FrozenTrial, names: [String], group: TPEAboveGroup
    ) -> [String: Double] {
        let below = ledger.belowNumbers()
        let (belowSampler, belowMixture) = belowGroup(below, in: group)
        var running: [(number: Int, values: [Double])] = []
        if configuration.constantLiar {
            let trials = study.trials
            for number in ledger.unfinished where number != trial.number && trials[number].state == .running {
                if let values = runningValues(trials[number], names: names, study: study) {
                    running.append((number, values))
                }
            }
        }
        group.prepare(excluded: below, running: running)
        let candidates = belowSampler.sample(count: configuration.nEICandidates, using: &rng)
        let prepared = group.mixture.prepare(candidates)  // the same dimensions as the below mixture's
        let best = Self.argmax(belowMixture.logDensities(prepared), group.mixture.logDensities(prepared))
        var result: [String: Double] = [:]
        for (d, name) in names.enumerated() { result[name] = candidates[d][best] }
        return result
    }

    /// The below estimator l(x) over `below` (in trial-number order) and its mixture laid out for scoring; kept
    /// while the below group and the above group it draws its values from stay the same (from one ask to the
    /// next the below group mostly does: a trial enters it only by being among the best 25).
    private func belowGroup(_ below: Set<Int>, in group: TPEAboveGroup) -> (TPEBelowSampler, TPEMixture) {
        let numbers = below.sorted()
        if let cached = belowCache, cached.group === group, cached.numbers == numbers {
            return (cached.sampler, cached.mixture)
        }
        let dims = group.dimensions
        var columns = Array(repeating: [Double](), count: dims.count)
        for row in numbers.compactMap({ group.internalValues(of: $0) }) {
            for d in dims.indices { columns[d].append(row[d]) }
        }
        let estimator = ParzenEstimator(observations: columns, dimensions: dims, parameters: configuration.parzen)
        let mixture = TPEMixture(estimator), sampler = TPEBelowSampler(estimator)
        belowCache = (group, numbers, sampler, mixture)
        return (sampler, mixture)
    }

    /// Index of the largest log l − log g (the first one on ties).
    static func argmax(_ logL: [Double], _ logG: [Double]) -> Int {
        var best = 0
        var bestScore = -Double.infinity
        for i in logL.indices {
            let score = logL[i] - logG[i]
            if score > bestScore { best = i; bestScore = score }
        }
        return best
    }

    // MARK: - Observations

    /// A finished trial's internal values for `names`, or nil when it lacks one.
    func internalValues(_ trial: FrozenTrial, names: [String], study: any StudyView) -> [Double]? {
        var out: [Double] = []
        out.reserveCapacity(names.count)
        for name in names {
            guard let v = trial.internalValue(of: name) else { return nil }
            out.append(v)
        }
        return out
    }

    /// A running trial's values for `names`: what it suggested, else its joint sample; nil when incomplete.
    func runningValues(_ trial: FrozenTrial, names: [String], study: any StudyView) -> [Double]? {
        let relative = relativeParams[trial.number]
        var out: [Double] = []
        for name in names {
            if let v = trial.internalValue(of: name) ?? relative?[name] { out.append(v) } else { return nil }
        }
        return out
    }
}
