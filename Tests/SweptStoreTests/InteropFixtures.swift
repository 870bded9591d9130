import Foundation
@testable import SweptStore
import SweptTuning

/// Shared pieces of the Optuna interoperability tests: a canonical one-line form of a trial that Python (from
/// `optuna.load_study`) and Swift (from the store or the input) both print, and the study written through swept.
enum InteropFixtures {
    /// Python that prints one canonical line per study and per trial of every study in a SQLite file.
    static let dumpScript = """
        import json, sys
        import optuna
        from optuna.distributions import distribution_to_json
        optuna.logging.set_verbosity(optuna.logging.ERROR)

        def line(t):
            params = ",".join(f"{k}={t.params[k]!r}" for k in sorted(t.params))
            dists = ",".join(f"{k}={distribution_to_json(t.distributions[k])}" for k in sorted(t.distributions))
            values = "None" if t.values is None else "[" + ", ".join(repr(float(v)) for v in t.values) + "]"
            ivs = ",".join(f"{s}:{float(t.intermediate_values[s])!r}" for s in sorted(t.intermediate_values))
            ua = json.dumps(t.user_attrs, sort_keys=True)
            start = t.datetime_start.strftime("%Y-%m-%d %H:%M:%S.%f") if t.datetime_start else "None"
            return f"{t.number}|{t.state.name}|{params}|{dists}|{values}|{ivs}|{ua}|{start}"

        storage = "sqlite:///" + sys.argv[1]
        for summary in optuna.get_all_study_summaries(storage):
            study = optuna.load_study(study_name=summary.study_name, storage=storage)
            if len(study.directions) == 1:
                complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
                best = str(study.best_trial.number) if complete else "None"
            else:
                best = ",".join(str(t.number) for t in sorted(study.best_trials, key=lambda t: t.number))
            directions = ",".join(d.name for d in study.directions)
            print(f"study|{study.study_name}|{directions}|{best}|{json.dumps(study.user_attrs, sort_keys=True)}")
            for t in study.trials:
                print(line(t))
        """

    /// The same canonical line, built in Swift.
    static func line(_ t: FrozenTrial) -> String {
        let params = t.params.keys.sorted().map { "\($0)=\(t.params[$0]!.description)" }.joined(separator: ",")
        let dists = t.distributions.keys.sorted().map { "\($0)=\(DistributionJSON.encode(t.distributions[$0]!))" }
            .joined(separator: ",")
        let values = t.values.map { "[" + $0.map { "\($0)" }.joined(separator: ", ") + "]" } ?? "None"
        let ivs = t.intermediateValues.keys.sorted().map { "\($0):\(t.intermediateValues[$0]!)" }.joined(separator: ",")
        let ua = AttributeJSON.encode(.object(t.userAttributes))
        let start = t.startedAt.map(OptunaDateTime.format) ?? "None"
        return "\(t.number)|\(t.state.rawValue)|\(params)|\(dists)|\(values)|\(ivs)|\(ua)|\(start)"
    }

    /// The canonical study line.
    static func studyLine(_ name: String, _ directions: [StudyDirection], best: String,
                          userAttributes: [String: AttributeValue]) -> String {
        "study|\(name)|\(directions.map(\.rawValue).joined(separator: ","))|\(best)|"
            + AttributeJSON.encode(.object(userAttributes))
    }

    static func space() throws -> [String: Distribution] {
        ["f": .float(try FloatDistribution(low: -1, high: 1)),
         "fl": .float(try FloatDistribution(low: 0.001, high: 1, log: true)),
         "fs": .float(try FloatDistribution(low: 0, high: 1, step: 0.25)),
         "i": .int(try IntDistribution(low: 0, high: 10)),
         "il": .int(try IntDistribution(low: 1, high: 64, log: true)),
         "is": .int(try IntDistribution(low: 0, high: 10, step: 2)),
         "c": .categorical(try CategoricalDistribution(choices: ["a", 1, 2.5, true, nil]))]
    }

    /// Writes the interop studies through the store's normal API and returns the expected canonical lines.
    static func writeStudies(_ store: StudyStore) async throws -> [String] {
        let space = try space()
        let t0 = 1_800_000_000.123456
        let s = try await store.createStudy(named: "interop", directions: [.minimize],
                                            userAttributes: ["owner": .string("swept"), "n": .int(3)])
        let choices: [ParamValue] = ["a", 1, 2.5, true, nil]
        var expected: [FrozenTrial] = []
        let plans: [(TrialState, [Double]?, [Int: Double])] = [
            (.complete, [0.5], [0: 1.0, 1: .nan, 2: .infinity, 3: -.infinity]),
            (.complete, [0.25], [0: 0.75]),
            (.pruned, [0.9], [0: 2.0, 1: 0.9]),
            (.fail, nil, [:]),
            (.complete, [.infinity], [:]),
            (.complete, [-3.5], [0: -1]),
            (.running, nil, [0: 5]),
        ]
        for (k, plan) in plans.enumerated() {
            let start = t0 + Double(k)
            let ref = try await store.createTrial(in: s.id, startedAt: start)
            let params: [String: ParamValue] = [
                "f": .float(-0.5 + Double(k) / 10), "fl": .float(0.01 * Double(k + 1)), "fs": .float(0.25 * Double(k % 5)),
                "i": .int(k), "il": .int(1 << k), "is": .int(2 * (k % 6)), "c": choices[k % 5]]
            try await store.setParams(ref.id, params, distributions: space)
            try await store.reportIntermediates(ref.id, plan.2.keys.sorted().map { (step: $0, value: plan.2[$0]!) })
            try await store.setTrialUserAttribute(ref.id, key: "k", value: .int(k))
            if plan.0 != .running {
                try await store.finishTrial(ref.id, state: plan.0, values: plan.1, completedAt: start + 0.5)
            }
            expected.append(FrozenTrial(number: k, state: plan.0, values: plan.1, params: params, distributions: space,
                                        intermediateValues: plan.2, userAttributes: ["k": .int(k)], startedAt: start))
        }
        _ = try await store.enqueueTrial(in: s.id, params: ["f": 0.125])
        expected.append(FrozenTrial(number: plans.count, state: .waiting))

        let mo = try await store.createStudy(named: "two-objectives", directions: [.minimize, .maximize])
        var moTrials: [FrozenTrial] = []
        for (k, v) in [[1.0, 1.0], [2.0, 3.0], [0.5, 0.5], [3.0, 2.0]].enumerated() {
            let trial = FrozenTrial(number: k, state: .complete, values: v, params: ["f": .float(Double(k) / 10)],
                                    distributions: ["f": space["f"]!], startedAt: t0, completedAt: t0 + 1)
            try await store.addTrial(trial, to: mo.id)
            moTrials.append(trial)
        }
        return [studyLine("interop", [.minimize], best: "5", userAttributes: ["owner": .string("swept"), "n": .int(3)])]
            + expected.map(line)
            + [studyLine("two-objectives", [.minimize, .maximize], best: "0,1,2", userAttributes: [:])]
            + moTrials.map(line)
    }
}
