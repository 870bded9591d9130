import Yams
import SweptTuning

/// The grid sampler's values: listed per parameter under `sampler.values`, or derived from the space
/// (categorical choices, every int, every stepped float).
enum GridValues {
    /// Grids larger than this per parameter are refused when derived from a range.
    static let maxDerived = 1000

    static func resolve(
        _ node: ConfigNode?, space: SearchSpace, at sampler: ConfigNode
    ) throws -> [String: [ParamValue]] {
        var listed: [String: [ParamValue]] = [:]
        if let node {
            for entry in try node.mapping(allowed: [], what: "a mapping of parameter names to value lists").entries {
                guard let parameter = space[entry.key] else {
                    let hint = EditDistance.hint(for: entry.key, among: space.names)
                    throw entry.keyNode.error("unknown parameter '\(entry.key)'\(hint); expected one of: "
                        + space.names.joined(separator: ", "))
                }
                let items = try entry.value.list(what: "a list of values")
                guard !items.isEmpty else { throw entry.value.error("expected at least one value, got []") }
                listed[entry.key] = try items.map { item in
                    let value = try item.paramValue()
                    let distribution = parameter.distribution
                    let fits = (try? distribution.toInternal(value)).map(distribution.contains(internal:)) ?? false
                    guard fits else { throw item.error("value \(value) is outside \(distribution)") }
                    return value
                }
            }
        }
        var values: [String: [ParamValue]] = [:]
        for parameter in space.parameters {
            if let given = listed[parameter.name] {
                values[parameter.name] = given
                continue
            }
            guard let derived = derive(parameter.distribution) else {
                throw sampler.error("the grid needs a finite list of values for '\(parameter.name)': give it a "
                    + "'step' (at most \(maxDerived) points) or list them under sampler.values.\(parameter.name)")
            }
            values[parameter.name] = derived
        }
        return values
    }

    static func derive(_ distribution: Distribution) -> [ParamValue]? {
        switch distribution {
        case .categorical(let d):
            return d.choices
        case .int(let d):
            let count = (d.high - d.low) / d.step + 1
            guard count <= maxDerived else { return nil }
            return (0..<count).map { .int(d.low + $0 * d.step) }
        case .float(let d):
            guard let step = d.step else { return d.low == d.high ? [.float(d.low)] : nil }
            let count = Int(((d.high - d.low) / step).rounded()) + 1
            guard count <= maxDerived else { return nil }
            return (0..<count).map { .float(min(d.low + Double($0) * step, d.high)) }
        }
    }
}
