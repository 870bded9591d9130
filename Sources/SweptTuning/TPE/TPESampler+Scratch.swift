/// TPE without the cache: one-dimensional sampling for parameters outside the joint space, joint sampling of a
/// space that is not the intersection space, and multi-objective studies. Builds both Parzen estimators from
/// the study's trials at each call (Optuna's `_sample`).
extension TPESampler {
    func sampleFromScratch(
        _ study: any StudyView, trial: FrozenTrial, names: [String], space: [String: Distribution]
    ) -> [String: Double] {
        let distributions = names.compactMap { space[$0] }
        let dims = distributions.map(ParzenDimension.init(_:))
        let trials = study.trials
        let below = study.isMultiObjective ? Self.multiObjectiveBelow(study) : ledger.belowNumbers()
        var belowColumns = Array(repeating: [Double](), count: names.count)
        var aboveColumns = Array(repeating: [Double](), count: names.count)
        for t in trials where t.number != trial.number {
            let values: [Double]?
            switch t.state {
            case .complete, .pruned: values = internalValues(t, names: names, study: study)
            case .running where configuration.constantLiar: values = runningValues(t, names: names, study: study)
            default: values = nil
            }
            guard let values, zip(values, distributions).allSatisfy({ $1.contains(internal: $0) }) else { continue }
            let isBelow = t.state != .running && below.contains(t.number)
            for d in names.indices {
                if isBelow { belowColumns[d].append(values[d]) } else { aboveColumns[d].append(values[d]) }
            }
        }
        let parzen = configuration.parzen
        let belowWeights = study.isMultiObjective ? Array(repeating: 1.0, count: belowColumns[0].count) : nil
        let belowEstimator = ParzenEstimator(
            observations: belowColumns, dimensions: dims, parameters: parzen, observationWeights: belowWeights)
        let aboveEstimator = ParzenEstimator(observations: aboveColumns, dimensions: dims, parameters: parzen)
        let candidates = belowEstimator.sample(count: configuration.nEICandidates, using: &rng)
        let belowMixture = TPEMixture(belowEstimator), prepared = belowMixture.prepare(candidates)
        let best = Self.argmax(
            belowMixture.logDensities(prepared), TPEMixture(aboveEstimator).logDensities(prepared))
        var result: [String: Double] = [:]
        for (d, name) in names.enumerated() { result[name] = candidates[d][best] }
        return result
    }

    /// Multi-objective below group: whole non-domination fronts of COMPLETE trials while they fit in
    /// ⌈0.1·n⌉ places, the next front cut by trial number (Optuna breaks that tie by hypervolume subset
    /// selection; see docs/tpe.md), then pruned trials by number for places left.
    static func multiObjectiveBelow(_ study: any StudyView) -> Set<Int> {
        let finished = study.trials.filter { $0.state == .complete || $0.state == .pruned }
        var places = Int((0.1 * Double(finished.count)).rounded(.up))
        let signs = study.directions.map { $0 == .maximize ? -1.0 : 1.0 }
        var remaining = finished.filter { $0.state == .complete && ($0.values?.count ?? 0) == signs.count }
            .map { t in (number: t.number, loss: zip(t.values ?? [], signs).map { $0 * $1 }) }
        var below = Set<Int>()
        while places > 0 && !remaining.isEmpty {
            let front = remaining.filter { a in
                !remaining.contains { b in
                    zip(b.loss, a.loss).allSatisfy { $0 <= $1 } && zip(b.loss, a.loss).contains { $0 < $1 }
                }
            }
            for entry in front.prefix(places) { below.insert(entry.number) }
            places -= min(places, front.count)
            let taken = Set(front.map(\.number))
            remaining.removeAll { taken.contains($0.number) }
        }
        for t in finished where places > 0 && t.state == .pruned {
            below.insert(t.number)
            places -= 1
        }
        return below
    }
}
