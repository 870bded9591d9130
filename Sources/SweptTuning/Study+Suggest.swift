extension Study {
    /// Suggests a value for parameter `name` of running trial `number` (what `Trial.suggest` calls).
    ///
    /// Order of sources: the value already suggested in this trial (the distribution must be identical), an
    /// enqueued fixed value (validated against `distribution`), the single value of a single-valued
    /// distribution, the trial's relative sample, else the sampler's independent sample.
    /// - Throws: `TuningError` naming the parameter for incompatible distributions or invalid values.
    public func suggest(trial number: Int, name: String, distribution: Distribution) throws -> ParamValue {
        let index = try runningIndex(number)
        if let previous = trials[index].distributions[name] {
            guard previous == distribution else {
                throw TuningError(
                    .incompatibleDistribution,
                    "parameter '\(name)': trial \(number) already suggested it with \(previous), now \(distribution)"
                )
            }
            if let value = trials[index].params[name] { return value }
        }
        if let known = paramDistributions[name] {
            try known.checkCompatible(with: distribution, name: name)
        }
        let internalValue = try sampleValue(index: index, name: name, distribution: distribution)
        let value = distribution.toExternal(internalValue)
        trials[index].params[name] = value
        trials[index].distributions[name] = distribution
        paramDistributions[name] = distribution
        return value
    }

    private func sampleValue(index: Int, name: String, distribution: Distribution) throws -> Double {
        if let fixed = trials[index].fixedParams?[name] {
            let internalValue: Double
            do {
                internalValue = try distribution.toInternal(fixed)
            } catch let error as TuningError {
                throw TuningError(error.code, "enqueued value does not fit: \(error.message)").naming(parameter: name)
            }
            guard distribution.contains(internal: internalValue) else {
                throw TuningError(
                    .invalidValue, "parameter '\(name)': enqueued value \(fixed) is outside \(distribution)"
                )
            }
            return internalValue
        }
        if distribution.isSingle { return distribution.singleInternalValue }
        if let relative = try relativeValue(index: index, name: name, distribution: distribution) {
            return relative
        }
        let sampled: Double
        do {
            sampled = try sampler.sampleIndependent(
                study: self, trial: trials[index], name: name, distribution: distribution
            )
        } catch let error as TuningError {
            throw error.naming(parameter: name)
        }
        guard distribution.contains(internal: sampled) else {
            throw TuningError(
                .invalidValue,
                "parameter '\(name)': sampler \(type(of: sampler)) returned \(sampled), outside \(distribution)"
            )
        }
        return sampled
    }

    /// The relative sample for `name` when the trial's joint space holds a compatible distribution and the
    /// sampled value lies inside `distribution`; draws the joint sample on first use.
    private func relativeValue(index: Int, name: String, distribution: Distribution) throws -> Double? {
        guard var relative = relativeSamples[index], let spaceDistribution = relative.searchSpace[name] else {
            return nil
        }
        if relative.values == nil {
            relative.values = try sampler.sampleRelative(
                study: self, trial: relative.trialAtAsk, searchSpace: relative.searchSpace
            )
            relativeSamples[index] = relative
        }
        guard let value = relative.values?[name] else { return nil }
        try spaceDistribution.checkCompatible(with: distribution, name: name)
        return distribution.contains(internal: value) ? value : nil
    }

    /// Records an intermediate value of running trial `number` at `step` (NaN allowed).
    /// - Returns: `false` when `step` was already reported (the new value is ignored, as in Optuna).
    /// - Throws: for a negative step, a trial that is not running, or a multi-objective study.
    @discardableResult
    public func report(trial number: Int, value: Double, step: Int) throws -> Bool {
        let index = try runningIndex(number)
        guard directions.count == 1 else {
            throw TuningError(.multiObjective, "report: intermediate values are not supported with several objectives")
        }
        guard step >= 0 else {
            throw TuningError(.invalidArgument, "report: step must be >= 0, got \(step) (trial \(number))")
        }
        if trials[index].intermediateValues[step] != nil { return false }
        trials[index].intermediateValues[step] = value
        return true
    }

    /// Asks the pruner whether running trial `number` should stop now.
    /// - Throws: for a trial that is not running, or a multi-objective study.
    public func shouldPrune(trial number: Int) throws -> Bool {
        let index = try runningIndex(number)
        guard directions.count == 1 else {
            throw TuningError(.multiObjective, "shouldPrune: pruning is not supported with several objectives")
        }
        return pruner.shouldPrune(study: self, trial: trials[index])
    }

    /// Sets a user attribute on trial `number` (any state but finished).
    public func setUserAttribute(trial number: Int, key: String, value: AttributeValue) throws {
        let index = try runningIndex(number)
        trials[index].userAttributes[key] = value
    }

    /// Sets a system attribute on trial `number` (any state but finished).
    public func setSystemAttribute(trial number: Int, key: String, value: AttributeValue) throws {
        let index = try runningIndex(number)
        trials[index].systemAttributes[key] = value
    }
}
