import Yams
import SweptTuning

/// Parses the `space:` section: one entry per parameter, e.g.
/// `learning_rate: {float: [1e-4, 1e-1], log: true}` or `momentum: {float: [0, 0.99], when: {optimizer: sgd}}`.
enum SpaceParser {
    static let parameterKeys = ["float", "int", "categorical", "log", "step", "when"]

    private struct Declared {
        let parameter: SearchParameter
        let node: ConfigNode
        let conditionNodes: [String: ConfigNode]
    }

    static func parse(_ node: ConfigNode) throws -> SearchSpace {
        let mapping = try node.mapping(allowed: [], what: "a mapping of parameter names to ranges")
        guard !mapping.entries.isEmpty else { throw node.error("expected at least one parameter, got none") }
        var declared: [Declared] = []
        for entry in mapping.entries {
            declared.append(try parameter(entry.key, entry.value))
        }
        try checkConditions(declared)
        return SearchSpace(parameters: try dependencyOrder(declared))
    }

    private static func parameter(_ name: String, _ node: ConfigNode) throws -> Declared {
        let fields = try node.mapping(
            allowed: parameterKeys, what: "a range such as {float: [0.0, 1.0]}, {int: [1, 8]} or {categorical: [a, b]}"
        )
        let kinds = ["float", "int", "categorical"].filter { fields[$0] != nil }
        guard kinds.count == 1 else {
            let got = kinds.isEmpty ? "none" : kinds.joined(separator: " and ")
            throw node.error("expected exactly one of float, int or categorical, got \(got)")
        }
        let distribution: Distribution
        do {
            switch kinds[0] {
            case "float": distribution = try floatRange(fields, name: name)
            case "int": distribution = try intRange(fields, name: name)
            default: distribution = try categorical(fields)
            }
        } catch let error as TuningError {
            // The tuning core's validation message, located at the parameter's range.
            let at = fields[kinds[0]] ?? node
            throw at.error(error.message)
        }
        var conditions: [ParameterCondition] = []
        var conditionNodes: [String: ConfigNode] = [:]
        if let when = fields["when"] {
            let clauses = try when.mapping(allowed: [], what: "a mapping such as {optimizer: sgd}")
            guard !clauses.entries.isEmpty else { throw when.error("expected at least one condition, got none") }
            for clause in clauses.entries {
                let values: [ParamValue]
                if clause.value.isList {
                    values = try clause.value.list().map { try $0.paramValue() }
                    guard !values.isEmpty else { throw clause.value.error("expected at least one value, got []") }
                } else {
                    values = [try clause.value.paramValue()]
                }
                conditions.append(ParameterCondition(parent: clause.key, values: values))
                conditionNodes[clause.key] = clause.keyNode
            }
        }
        return Declared(
            parameter: SearchParameter(name: name, distribution: distribution, conditions: conditions),
            node: node, conditionNodes: conditionNodes
        )
    }

    private static func bounds(_ node: ConfigNode, integer: Bool) throws -> (ConfigNode, ConfigNode) {
        let what = integer ? "[low, high] with integers" : "[low, high] with numbers"
        let items = try node.list(what: what)
        guard items.count == 2 else { throw node.error("expected \(what), got \(items.count) value(s)") }
        return (items[0], items[1])
    }

    private static func floatRange(_ fields: ConfigMapping, name: String) throws -> Distribution {
        guard let rangeNode = fields["float"] else { throw fields.owner.error("expected float: [low, high]") }
        let (lowNode, highNode) = try bounds(rangeNode, integer: false)
        let low = try lowNode.double(), high = try highNode.double()
        let log = try fields["log"]?.bool() ?? false
        let step = try fields["step"]?.double(what: "a step > 0")
        return .float(try FloatDistribution(low: low, high: high, step: step, log: log))
    }

    private static func intRange(_ fields: ConfigMapping, name: String) throws -> Distribution {
        guard let rangeNode = fields["int"] else { throw fields.owner.error("expected int: [low, high]") }
        let (lowNode, highNode) = try bounds(rangeNode, integer: true)
        let low = try lowNode.int(), high = try highNode.int()
        let log = try fields["log"]?.bool() ?? false
        let step = try fields["step"]?.int(what: "an integer step > 0") ?? 1
        return .int(try IntDistribution(low: low, high: high, step: step, log: log))
    }

    private static func categorical(_ fields: ConfigMapping) throws -> Distribution {
        guard let choicesNode = fields["categorical"] else { throw fields.owner.error("expected categorical: [...]") }
        for key in ["log", "step"] {
            if let extra = fields[key] {
                throw extra.error("'\(key)' applies to float and int ranges, not categorical")
            }
        }
        let items = try choicesNode.list(what: "a list of choices such as [relu, tanh]")
        var choices: [ParamValue] = []
        for item in items {
            let value = try item.paramValue()
            if choices.contains(value) { throw item.error("choice \(value) appears twice") }
            choices.append(value)
        }
        return .categorical(try CategoricalDistribution(choices: choices))
    }

    /// Each condition names an earlier-or-later parameter that is categorical or int, with values it can take.
    private static func checkConditions(_ declared: [Declared]) throws {
        let names = declared.map(\.parameter.name)
        for item in declared {
            for condition in item.parameter.conditions {
                let at = item.conditionNodes[condition.parent] ?? item.node
                guard condition.parent != item.parameter.name else {
                    throw at.error("a parameter cannot depend on itself")
                }
                guard let parent = declared.first(where: { $0.parameter.name == condition.parent })?.parameter else {
                    let hint = EditDistance.hint(for: condition.parent, among: names)
                    throw at.error("unknown parameter '\(condition.parent)'\(hint) in 'when'; expected one of: "
                        + names.joined(separator: ", "))
                }
                let distribution = parent.distribution
                if case .float = distribution {
                    throw at.error("conditions need a categorical or int parameter; '\(parent.name)' is a float")
                }
                for value in condition.values {
                    let fits = (try? distribution.toInternal(value)).map(distribution.contains(internal:)) ?? false
                    guard fits else {
                        throw at.error("'\(parent.name)' never takes the value \(value); its range is \(distribution)")
                    }
                }
            }
        }
    }

    /// Parents before children, otherwise declaration order; a cycle is an error.
    private static func dependencyOrder(_ declared: [Declared]) throws -> [SearchParameter] {
        var ordered: [SearchParameter] = []
        var placed = Set<String>()
        var pending = declared
        while !pending.isEmpty {
            guard let next = pending.firstIndex(where: { item in
                item.parameter.conditions.allSatisfy { placed.contains($0.parent) }
            }) else {
                let stuck = pending.map(\.parameter.name).joined(separator: ", ")
                let first = pending[0]
                let at = first.conditionNodes.values.first ?? first.node
                throw at.error("the 'when' conditions of \(stuck) form a cycle; a parameter cannot depend on itself "
                    + "through others")
            }
            let item = pending.remove(at: next)
            ordered.append(item.parameter)
            placed.insert(item.parameter.name)
        }
        return ordered
    }
}
