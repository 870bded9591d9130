/// A running trial of a `Study`: suggest parameters, report intermediate values, ask whether to prune.
///
/// The handle is a thin reference (study + number); the study holds the state.
public final class Trial {
    /// The study this trial belongs to.
    public let study: Study
    /// The trial's number within the study.
    public let number: Int

    init(study: Study, number: Int) {
        self.study = study
        self.number = number
    }

    /// The current snapshot of this trial.
    /// - Throws: `TuningError.unknownTrial` when the study no longer has it (after a `restore` with fewer trials).
    public var frozen: FrozenTrial {
        get throws { try study.frozenTrial(number) }
    }

    /// The parameters suggested so far, in external representation (empty if the study no longer has this trial,
    /// after a `restore` with fewer trials).
    public var params: [String: ParamValue] {
        study.trials.indices.contains(number) ? study.trials[number].params : [:]
    }

    /// Suggests a value for `name` from `distribution`; see `Study.suggest(trial:name:distribution:)`.
    public func suggest(_ name: String, _ distribution: Distribution) throws -> ParamValue {
        try study.suggest(trial: number, name: name, distribution: distribution)
    }

    /// Suggests a float in `[low, high]`, optionally stepped or log-scaled.
    /// - Throws: invalid bounds, or a distribution that conflicts with an earlier use of `name`.
    public func suggestFloat(
        _ name: String, low: Double, high: Double, step: Double? = nil, log: Bool = false
    ) throws -> Double {
        let distribution: FloatDistribution
        do {
            distribution = try FloatDistribution(low: low, high: high, step: step, log: log)
        } catch let error as TuningError {
            throw error.naming(parameter: name)
        }
        let value = try suggest(name, .float(distribution))
        return value.doubleValue ?? .nan
    }

    /// Suggests an integer in `[low, high]` with a step, optionally log-scaled.
    /// - Throws: invalid bounds, or a distribution that conflicts with an earlier use of `name`.
    public func suggestInt(_ name: String, low: Int, high: Int, step: Int = 1, log: Bool = false) throws -> Int {
        let distribution: IntDistribution
        do {
            distribution = try IntDistribution(low: low, high: high, step: step, log: log)
        } catch let error as TuningError {
            throw error.naming(parameter: name)
        }
        let value = try suggest(name, .int(distribution))
        return value.intValue ?? low
    }

    /// Suggests one of `choices`.
    /// - Throws: empty choices, or choices that differ from an earlier use of `name` in the study.
    public func suggestCategorical(_ name: String, choices: [ParamValue]) throws -> ParamValue {
        let distribution: CategoricalDistribution
        do {
            distribution = try CategoricalDistribution(choices: choices)
        } catch let error as TuningError {
            throw error.naming(parameter: name)
        }
        return try suggest(name, .categorical(distribution))
    }

    /// Reports an intermediate value at `step` (>= 0; NaN allowed). A repeated step is ignored.
    /// - Returns: `false` when the step was already reported.
    @discardableResult
    public func report(_ value: Double, step: Int) throws -> Bool {
        try study.report(trial: number, value: value, step: step)
    }

    /// Whether the study's pruner says to stop this trial now.
    public func shouldPrune() throws -> Bool {
        try study.shouldPrune(trial: number)
    }

    /// Sets a user attribute on this trial.
    public func setUserAttribute(_ key: String, _ value: AttributeValue) throws {
        try study.setUserAttribute(trial: number, key: key, value: value)
    }
}
