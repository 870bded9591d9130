extension Study {
    /// Adds a WAITING trial whose parameters are fixed to `params`; `ask` claims WAITING trials oldest first.
    ///
    /// Values are checked now against `searchSpace` when given (unknown names and values outside it are
    /// errors), else against the study's known distribution for each name (names the study has not seen yet are
    /// accepted, since a later trial may suggest them); they are checked again against the distribution the
    /// trial actually suggests.
    /// - Parameters:
    ///   - skipIfExists: when a trial already has (or is fixed to) these values, enqueue nothing.
    /// - Returns: the new trial's number, or `nil` when skipped.
    @discardableResult
    public func enqueue(
        params: [String: ParamValue], userAttributes: [String: AttributeValue] = [:],
        searchSpace: [String: Distribution]? = nil, skipIfExists: Bool = false
    ) throws -> Int? {
        for (name, value) in params.sorted(by: { $0.key < $1.key }) {
            let distribution: Distribution
            if let searchSpace {
                guard let declared = searchSpace[name] else {
                    let known = searchSpace.keys.sorted().joined(separator: ", ")
                    throw TuningError(
                        .unknownParameter, "enqueue: unknown parameter '\(name)'; the search space has [\(known)]"
                    )
                }
                distribution = declared
            } else if let known = paramDistributions[name] {
                distribution = known
            } else {
                continue
            }
            let internalValue: Double
            do {
                internalValue = try distribution.toInternal(value)
            } catch let error as TuningError {
                throw TuningError(error.code, "enqueue: \(error.message)").naming(parameter: name)
            }
            guard distribution.contains(internal: internalValue) else {
                throw TuningError(
                    .invalidValue, "parameter '\(name)': enqueue: value \(value) is outside \(distribution)"
                )
            }
        }
        if skipIfExists, !params.isEmpty, trials.contains(where: { Study.matches($0, params) }) { return nil }
        let number = trials.count
        let fixed = AttributeValue.object(params.mapValues(AttributeValue.init))
        trials.append(
            FrozenTrial(
                number: number, state: .waiting, userAttributes: userAttributes,
                systemAttributes: [FrozenTrial.fixedParamsKey: fixed]
            )
        )
        waitingNumbers.append(number)
        return number
    }

    private static func matches(_ trial: FrozenTrial, _ params: [String: ParamValue]) -> Bool {
        let existing = trial.state == .waiting ? (trial.fixedParams ?? [:]) : trial.params
        return params.allSatisfy { name, value in
            guard let other = existing[name] else { return false }
            return other == value || (other.doubleValue != nil && other.doubleValue == value.doubleValue)
        }
    }

    /// Replaces the study's trials with `trials` (e.g. read from a store) and rebuilds every index: completed
    /// count, per-step values, the WAITING queue and the parameter distributions. RUNNING trials stay running and
    /// can be continued with `trial(_:)`.
    /// - Throws: `TuningError.invalidArgument` unless the numbers are exactly 0..<trials.count.
    public func restore(_ trials: [FrozenTrial]) throws {
        // A store hands trials over in number order; sort only when they are not.
        let inOrder = trials.indices.allSatisfy { trials[$0].number == $0 }
        let ordered = inOrder ? trials : trials.sorted { $0.number < $1.number }
        if !inOrder {
            for (position, trial) in ordered.enumerated() where trial.number != position {
                throw TuningError(
                    .invalidArgument,
                    "restore: trial numbers must be 0..<\(ordered.count) without gaps or repeats; found "
                        + "\(trial.number) at position \(position)"
                )
            }
        }
        var completed = 0
        var failed = 0
        var waiting: [Int] = []
        for trial in ordered {
            switch trial.state {
            case .complete:
                completed += 1
                if let values = trial.values, values.count != directions.count {
                    throw TuningError(
                        .wrongValueCount,
                        "restore: trial \(trial.number) has \(values.count) value(s), expected \(directions.count)"
                    )
                }
            case .waiting:
                waiting.append(trial.number)
            case .fail:
                failed += 1
            default:
                break
            }
        }
        self.trials = ordered
        completedTrialCount = completed
        failedTrialCount = failed
        waitingNumbers = waiting
        relativeSamples = [:]
        stepIndex = StepIndex()
        stepIndex.addAll(ordered.lazy.filter { $0.state == .complete }.map(\.intermediateValues))
        paramDistributions = Study.latestDistributions(ordered)
    }

    /// The latest distribution of each parameter name: walks the trials from the last one back and keeps the
    /// first distribution met per name.
    private static func latestDistributions(_ trials: [FrozenTrial]) -> [String: Distribution] {
        var latest: [String: Distribution] = [:]
        for index in trials.indices.reversed() where !trials[index].distributions.isEmpty {
            for (name, distribution) in trials[index].distributions where latest[name] == nil {
                latest[name] = distribution
            }
        }
        return latest
    }
}
