import SweptConfig
import SweptTuning

extension StudySpec {
    /// The spec as JSON that `parseJSON` reads back to an equal spec; the coordinator keeps it with the study
    /// so that a restart rebuilds the same sampler, pruner, space and budget.
    public var canonicalJSON: JSONValue {
        var root: [String: JSONValue] = [
            "name": .string(name),
            "directions": .array(directions.map { .string($0.rawValue.lowercased()) }),
            "objective": JSONValue.parse(objective) ?? .object([:]),
        ]
        var space: [String: JSONValue] = [:]
        for parameter in self.space {
            var declaration = Self.encode(parameter.distribution)
            if !parameter.conditions.isEmpty, case .object(var object) = declaration {
                object["when"] = .object(Dictionary(parameter.conditions.map {
                    ($0.parent, JSONValue.array($0.values.map(Self.encode)))
                }, uniquingKeysWith: { first, _ in first }))
                declaration = .object(object)
            }
            space[parameter.name] = declaration
        }
        root["space"] = .object(space)
        root["space_order"] = .array(self.space.map { .string($0.name) })
        root["sampler"] = .object(Self.encode(sampler))
        root["pruner"] = .object(Self.encode(pruner))
        var budget: [String: JSONValue] = ["max_retries": .int(self.budget.maxRetries)]
        if let trials = self.budget.trials { budget["trials"] = .int(trials) }
        if let timeout = self.budget.timeoutSeconds { budget["timeout"] = .double(timeout) }
        if let parallel = self.budget.parallel { budget["parallel"] = .int(parallel) }
        if let maxFailures = self.budget.maxFailures { budget["max_failures"] = .int(maxFailures) }
        root["budget"] = .object(budget)
        return .object(root)
    }

    private static func encode(_ sampler: SamplerConfig) -> [String: JSONValue] {
        var object: [String: JSONValue] = [
            "type": .string(sampler.typeName),
            "seed": sampler.seed.map { .int(Int(truncatingIfNeeded: $0)) } ?? .null,
        ]
        switch sampler {
        case .random:
            break
        case .tpe(let options):
            object["n_startup_trials"] = .int(options.nStartupTrials)
            object["n_ei_candidates"] = .int(options.nEICandidates)
            object["multivariate"] = options.multivariate.map(JSONValue.bool) ?? .null
            object["constant_liar"] = options.constantLiar.map(JSONValue.bool) ?? .null
            object["prior_weight"] = .double(options.priorWeight)
            object["consider_magic_clip"] = .bool(options.considerMagicClip)
            object["consider_endpoints"] = .bool(options.considerEndpoints)
        case .grid(let values, _):
            object["values"] = .object(values.mapValues { .array($0.map(encode)) })
        }
        return object
    }

    private static func encode(_ pruner: PrunerConfig) -> [String: JSONValue] {
        var object: [String: JSONValue] = ["type": .string(pruner.typeName)]
        let options: PrunerOptions
        switch pruner {
        case .none: return object
        case .median(let o): options = o
        case .percentile(let percentile, let o):
            object["percentile"] = .double(percentile)
            options = o
        }
        object["n_startup_trials"] = .int(options.nStartupTrials)
        object["n_warmup_steps"] = .int(options.nWarmupSteps)
        object["interval_steps"] = .int(options.intervalSteps)
        object["n_min_trials"] = .int(options.nMinTrials)
        return object
    }

    private static func encode(_ value: ParamValue) -> JSONValue {
        switch value {
        case .float(let number): .double(number)
        case .int(let number): .int(number)
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        case .null: .null
        }
    }

    private static func encode(_ distribution: Distribution) -> JSONValue {
        switch distribution {
        case .float(let d):
            var object: [String: JSONValue] = ["float": .array([.double(d.low), .double(d.high)]), "log": .bool(d.log)]
            if let step = d.step { object["step"] = .double(step) }
            return .object(object)
        case .int(let d):
            return .object(["int": .array([.int(d.low), .int(d.high)]), "log": .bool(d.log), "step": .int(d.step)])
        case .categorical(let d):
            return .object(["categorical": .array(d.choices.map(encode))])
        }
    }
}
