extension Study {
    /// Finishes running trial `number`, with Optuna's rules:
    /// - no state: COMPLETE when `values` hold no NaN, one per direction (±infinity is accepted, as Optuna 5.0
    ///   does); a NaN gives FAIL (the reason goes to the system attribute `fail_reason`);
    /// - `.complete` needs values without NaN; `.pruned` and `.fail` take no values; a PRUNED trial's value becomes
    ///   its intermediate value at the last step, unless that is NaN.
    /// - Throws: `TuningError` for a trial that is not running (finished or waiting), a wrong number of values,
    ///   a state other than COMPLETE / PRUNED / FAIL, or missing/extra values for the state.
    @discardableResult
    public func tell(_ number: Int, values: [Double]? = nil, state: TrialState? = nil) throws -> FrozenTrial {
        let index = try runningIndex(number)
        if let state, !state.isFinished {
            throw TuningError(
                .invalidArgument,
                "tell: state must be COMPLETE, PRUNED or FAIL, got \(state.rawValue) (trial \(number))"
            )
        }
        if let values, values.count != directions.count {
            throw TuningError(
                .wrongValueCount,
                "tell: expected \(directions.count) value(s), one per direction, got \(values.count) (trial \(number))"
            )
        }
        var finalState: TrialState
        var finalValues: [Double]? = nil
        var failReason: String? = nil
        switch state {
        case nil, .complete:
            guard let values else {
                throw TuningError(
                    .invalidArgument,
                    "tell: values are required for a COMPLETE trial (trial \(number)); none were given"
                )
            }
            if !values.contains(where: \.isNaN) {
                finalState = .complete
                finalValues = values
            } else if state == .complete {
                throw TuningError(
                    .invalidArgument, "tell: state COMPLETE needs values without NaN, got \(values) (trial \(number))"
                )
            } else {
                finalState = .fail
                failReason = "The value(s) \(values) contain NaN; the trial failed."
            }
        case .pruned, .fail:
            if values != nil {
                throw TuningError(
                    .invalidArgument,
                    "tell: values cannot be given with state \(state?.rawValue ?? "") (trial \(number))"
                )
            }
            finalState = state ?? .fail
            if finalState == .pruned, let last = trials[index].lastStep,
                let lastValue = trials[index].intermediateValues[last], !lastValue.isNaN
            {
                finalValues = [lastValue]
            }
        default:
            finalState = .fail  // unreachable: other states were rejected above
        }
        sampler.afterTrial(study: self, trial: trials[index], state: finalState, values: finalValues)
        trials[index].state = finalState
        trials[index].values = finalValues
        trials[index].completedAt = clock?()
        if let failReason { trials[index].systemAttributes["fail_reason"] = .string(failReason) }
        relativeSamples[index] = nil
        if finalState == .complete {
            completedTrialCount += 1
            stepIndex.add(trials[index].intermediateValues)
        } else if finalState == .fail {
            failedTrialCount += 1
        }
        return trials[index]
    }

    /// Finishes `trial`; see `tell(_:values:state:)`.
    @discardableResult
    public func tell(_ trial: Trial, values: [Double]? = nil, state: TrialState? = nil) throws -> FrozenTrial {
        try tell(trial.number, values: values, state: state)
    }

    /// Finishes a single-objective `trial` with one value; see `tell(_:values:state:)`.
    @discardableResult
    public func tell(_ trial: Trial, value: Double) throws -> FrozenTrial {
        try tell(trial.number, values: [value])
    }
}
