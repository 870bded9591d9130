extension Study {
    /// The COMPLETE trial with the best value (ties: the lowest number), single objective only.
    /// - Throws: `TuningError.noCompletedTrial` when none is complete, `.multiObjective` with several objectives.
    public var bestTrial: FrozenTrial {
        get throws {
            guard directions.count == 1 else {
                throw TuningError(
                    .multiObjective, "bestTrial: a study with \(directions.count) objectives has no single best trial; "
                        + "use bestTrials (the Pareto front)"
                )
            }
            let direction = directions[0]
            var best: FrozenTrial?
            for trial in trials where trial.state == .complete {
                guard let value = trial.value else { continue }
                if let current = best?.value, !direction.isBetter(value, than: current) { continue }
                best = trial
            }
            guard let best else {
                throw TuningError(.noCompletedTrial, "bestTrial: no trial is COMPLETE yet, so there is no best trial")
            }
            return best
        }
    }

    /// The best value of a single-objective study; see `bestTrial`.
    public var bestValue: Double {
        get throws { try bestTrial.value ?? .nan }
    }

    /// The parameters of the best trial; see `bestTrial`.
    public var bestParams: [String: ParamValue] {
        get throws { try bestTrial.params }
    }

    /// The Pareto front of COMPLETE trials, by number (for one objective: every trial with the best value).
    public var bestTrials: [FrozenTrial] {
        ParetoFront.trials(trials.filter { $0.state == .complete }, directions: directions)
    }
}
