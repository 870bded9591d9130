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
            space[parameter.name] = Self.encode(parameter.distribution)
        }
        root["space"] = .object(space)
        switch sampler {
        case .random(let seed):
            root["sampler"] = .object(["type": .string("random"), "seed": seed.map { .int(Int(truncatingIfNeeded: $0)) } ?? .null])
        case .tpe(let seed):
            root["sampler"] = .object(["type": .string("tpe"), "seed": seed.map { .int(Int(truncatingIfNeeded: $0)) } ?? .null])
        }
        switch pruner {
        case .none:
            root["pruner"] = .object(["type": .string("none")])
        case .median(let startup, let warmup, let interval):
            root["pruner"] = .object(["type": .string("median"), "n_startup_trials": .int(startup),
                                      "n_warmup_steps": .int(warmup), "interval_steps": .int(interval)])
        case .percentile(let percentile, let startup, let warmup, let interval):
            root["pruner"] = .object(["type": .string("percentile"), "percentile": .double(percentile),
                                      "n_startup_trials": .int(startup), "n_warmup_steps": .int(warmup),
                                      "interval_steps": .int(interval)])
        }
        var budget: [String: JSONValue] = ["max_retries": .int(self.budget.maxRetries)]
        if let trials = self.budget.trials { budget["trials"] = .int(trials) }
        if let timeout = self.budget.timeoutSeconds { budget["timeout"] = .double(timeout) }
        root["budget"] = .object(budget)
        return .object(root)
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
            return .object(["categorical": .array(d.choices.map { choice in
                switch choice {
                case .float(let number): .double(number)
                case .int(let number): .int(number)
                case .string(let text): .string(text)
                case .bool(let flag): .bool(flag)
                case .null: .null
                }
            })])
        }
    }
}
