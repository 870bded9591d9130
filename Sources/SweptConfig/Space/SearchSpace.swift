import Yams
import SweptTuning

/// A condition on a parameter: it exists only when `parent` took one of `values`.
public struct ParameterCondition: Sendable, Equatable {
    /// The parameter the condition reads.
    public var parent: String
    /// The values of `parent` that switch the parameter on.
    public var values: [ParamValue]

    /// Creates a condition.
    public init(parent: String, values: [ParamValue]) {
        self.parent = parent
        self.values = values
    }

    /// Whether `value` is one of `values` (ints and floats compare numerically).
    public func holds(for value: ParamValue) -> Bool {
        values.contains { candidate in
            if candidate == value { return true }
            if let a = candidate.doubleValue, let b = value.doubleValue { return a == b }
            return false
        }
    }
}

/// One tunable parameter: its distribution and the conditions (all must hold) under which it exists.
public struct SearchParameter: Sendable, Equatable {
    /// The parameter's name.
    public var name: String
    /// Its range.
    public var distribution: Distribution
    /// Conditions that must all hold; empty for an unconditional parameter.
    public var conditions: [ParameterCondition]

    /// Creates a parameter.
    public init(name: String, distribution: Distribution, conditions: [ParameterCondition] = []) {
        self.name = name
        self.distribution = distribution
        self.conditions = conditions
    }

    /// Whether the parameter exists given the values suggested so far (a missing parent switches it off).
    public func isActive(given values: [String: ParamValue]) -> Bool {
        conditions.allSatisfy { condition in values[condition.parent].map(condition.holds(for:)) ?? false }
    }
}

/// A study's search space: parameters in dependency order (every parent before the parameters it switches),
/// otherwise in the order the config declares them.
public struct SearchSpace: Sendable, Equatable {
    /// The parameters, parents first.
    public var parameters: [SearchParameter]

    /// Creates a space; `parameters` must already be in dependency order (`StudyConfigParser` sorts them).
    public init(parameters: [SearchParameter]) { self.parameters = parameters }

    /// `parameters` reordered so that every parent comes before the parameters it switches on, otherwise in the
    /// given order; `nil` when the conditions form a cycle or name a parameter that is not in the list.
    public static func dependencyOrdered(_ parameters: [SearchParameter]) -> [SearchParameter]? {
        let names = Set(parameters.map(\.name))
        guard parameters.allSatisfy({ $0.conditions.allSatisfy { names.contains($0.parent) } }) else { return nil }
        var ordered: [SearchParameter] = []
        var placed = Set<String>()
        var pending = parameters
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { $0.conditions.allSatisfy { placed.contains($0.parent) } })
            else { return nil }
            let parameter = pending.remove(at: next)
            ordered.append(parameter)
            placed.insert(parameter.name)
        }
        return ordered
    }

    /// The parameter names, in dependency order.
    public var names: [String] { parameters.map(\.name) }

    /// The parameter called `name`, or `nil`.
    public subscript(_ name: String) -> SearchParameter? { parameters.first { $0.name == name } }

    /// Suggests every active parameter of `trial`, parents first; a parameter whose conditions do not hold is
    /// not suggested at all (so it is absent from the trial, as in Optuna's define-by-run spaces).
    /// - Returns: the trial's parameters by name.
    /// - Throws: the study's `TuningError` (e.g. an enqueued value outside its distribution).
    public func suggest(_ trial: Trial) throws -> [String: ParamValue] {
        var values: [String: ParamValue] = [:]
        for parameter in parameters where parameter.isActive(given: values) {
            values[parameter.name] = try trial.suggest(parameter.name, parameter.distribution)
        }
        return values
    }

    /// The parameters that are active for a full assignment `values` (e.g. to check enqueued values).
    public func activeParameters(given values: [String: ParamValue]) -> [SearchParameter] {
        var seen: [String: ParamValue] = [:]
        var active: [SearchParameter] = []
        for parameter in parameters where parameter.isActive(given: seen) {
            active.append(parameter)
            if let value = values[parameter.name] { seen[parameter.name] = value }
        }
        return active
    }
}
