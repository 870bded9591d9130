extension Study {
    /// Adds a finished (or WAITING) trial made elsewhere — Optuna's `add_trial`, e.g. to warm-start a study with
    /// results already known. The trial gets the next number; samplers and pruners see it like any other.
    ///
    /// - Throws: `TuningError` when the state is RUNNING; a COMPLETE trial lacks one value per direction or has a
    ///   NaN; a parameter has no distribution, a value outside it, or a distribution incompatible with the study.
    /// - Returns: the number the trial was given.
    @discardableResult
    public func add(_ trial: FrozenTrial) throws -> Int {
        guard trial.state != .running else {
            throw TuningError(.invalidArgument, "add: a RUNNING trial cannot be added; use ask() to start one")
        }
        if trial.state == .complete {
            guard let values = trial.values, values.count == directions.count else {
                throw TuningError(
                    .wrongValueCount,
                    "add: a COMPLETE trial needs \(directions.count) value(s), got \(trial.values?.count ?? 0)"
                )
            }
            guard !values.contains(where: \.isNaN) else {
                throw TuningError(.invalidArgument, "add: a COMPLETE trial cannot have NaN values, got \(values)")
            }
        }
        for (name, value) in trial.params.sorted(by: { $0.key < $1.key }) {
            guard let distribution = trial.distributions[name] else {
                throw TuningError(.invalidArgument, "parameter '\(name)': add: the trial has no distribution for it")
            }
            if let known = paramDistributions[name] { try known.checkCompatible(with: distribution, name: name) }
            let internalValue: Double
            do {
                internalValue = try distribution.toInternal(value)
            } catch let error as TuningError {
                throw TuningError(error.code, "add: \(error.message)").naming(parameter: name)
            }
            guard distribution.contains(internal: internalValue) else {
                throw TuningError(.invalidValue, "parameter '\(name)': add: value \(value) is outside \(distribution)")
            }
        }
        var added = trial
        added.number = trials.count
        for (name, value) in trial.params {
            if let distribution = trial.distributions[name], let internalValue = try? distribution.toInternal(value) {
                added.params[name] = distribution.toExternal(internalValue)
            }
        }
        trials.append(added)
        for (name, distribution) in added.distributions { paramDistributions[name] = distribution }
        switch added.state {
        case .complete:
            completedTrialCount += 1
            stepIndex.add(added.intermediateValues)
        case .waiting:
            waitingNumbers.append(added.number)
        case .fail:
            failedTrialCount += 1
        default:
            break
        }
        return added.number
    }
}
