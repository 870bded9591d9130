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
        let ordered = trials.sorted { $0.number < $1.number }
        for (position, trial) in ordered.enumerated() where trial.number != position {
            throw TuningError(
                .invalidArgument,
                "restore: trial numbers must be 0..<\(ordered.count) without gaps or repeats; found \(trial.number) "
                    + "at position \(position)"
            )
        }
        for trial in ordered {
            if let values = trial.values, trial.state == .complete, values.count != directions.count {
                throw TuningError(
                    .wrongValueCount,
                    "restore: trial \(trial.number) has \(values.count) value(s), expected \(directions.count)"
                )
            }
        }
        self.trials = ordered
        completedTrialCount = 0
        stepIndex = StepIndex()
        waitingNumbers = []
        paramDistributions = [:]
        relativeSamples = [:]
        for trial in ordered {
            switch trial.state {
            case .complete:
                completedTrialCount += 1
                stepIndex.add(trial.intermediateValues)
            case .waiting:
                waitingNumbers.append(trial.number)
            default:
                break
            }
            for (name, distribution) in trial.distributions { paramDistributions[name] = distribution }
        }
    }
}
