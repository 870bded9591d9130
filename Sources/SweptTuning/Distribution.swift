/// A parameter's search range: float, int or categorical.
///
/// Internal representation (what samplers and the store see): a float's value, an int's value as a
/// `Double`, a categorical's choice index as a `Double`.
public enum Distribution: Hashable, Sendable {
    case float(FloatDistribution)
    case int(IntDistribution)
    case categorical(CategoricalDistribution)

    /// The kind's name as Optuna spells its class (`FloatDistribution`, ...).
    public var kindName: String {
        switch self {
        case .float: return "FloatDistribution"
        case .int: return "IntDistribution"
        case .categorical: return "CategoricalDistribution"
        }
    }

    /// Whether the distribution is log-scaled (always `false` for categorical).
    public var isLog: Bool {
        switch self {
        case .float(let d): return d.log
        case .int(let d): return d.log
        case .categorical: return false
        }
    }

    /// Converts an external value to the internal representation.
    /// - Throws: `TuningError.invalidValue` when the value's kind does not fit (a string for a float, a
    ///   non-whole number for an int, a value that is not among the choices).
    public func toInternal(_ value: ParamValue) throws -> Double {
        switch self {
        case .float:
            guard let number = value.doubleValue else {
                throw TuningError(.invalidValue, "expected a number for a float parameter, got \(value)")
            }
            return number
        case .int:
            guard let integer = value.intValue else {
                throw TuningError(.invalidValue, "expected an integer for an int parameter, got \(value)")
            }
            return Double(integer)
        case .categorical(let d):
            guard let index = d.index(of: value) else {
                let list = d.choices.map(\.description).joined(separator: ", ")
                throw TuningError(.invalidValue, "expected one of the choices [\(list)], got \(value)")
            }
            return Double(index)
        }
    }

    /// Converts an internal value to the external one. Ints are rounded; categorical indices are clamped into
    /// range (callers check `contains(internal:)` first when the value comes from outside).
    public func toExternal(_ internalValue: Double) -> ParamValue {
        switch self {
        case .float:
            return .float(internalValue)
        case .int(let d):
            guard internalValue.isFinite else { return .int(internalValue > 0 ? d.high : d.low) }
            let clamped = min(max(internalValue.rounded(), Double(d.low)), Double(d.high))
            return .int(Int(clamped))
        case .categorical(let d):
            let index = internalValue.isFinite ? Int(min(max(internalValue, 0), Double(d.choices.count - 1))) : 0
            return d.choices[index]
        }
    }

    /// Whether an internal value belongs to the distribution (range, grid, integrality, index).
    public func contains(internal value: Double) -> Bool {
        switch self {
        case .float(let d): return d.contains(value)
        case .int(let d): return d.contains(value)
        case .categorical(let d): return d.contains(value)
        }
    }

    /// Whether only one value is possible; such a parameter bypasses the sampler.
    public var isSingle: Bool {
        switch self {
        case .float(let d): return d.isSingle
        case .int(let d): return d.isSingle
        case .categorical(let d): return d.isSingle
        }
    }

    /// The internal value of a single-valued distribution (`low`, or choice index 0).
    public var singleInternalValue: Double {
        switch self {
        case .float(let d): return d.low
        case .int(let d): return Double(d.low)
        case .categorical: return 0
        }
    }

    /// Checks the study-wide rule: one name keeps its kind and log flag; categorical choices must match.
    /// - Throws: `TuningError.incompatibleDistribution` naming the parameter.
    public func checkCompatible(with other: Distribution, name: String) throws {
        guard kindName == other.kindName else {
            throw TuningError(
                .incompatibleDistribution,
                "parameter '\(name)': cannot change distribution from \(kindName) to \(other.kindName) within a study"
            )
        }
        if case .categorical(let a) = self, case .categorical(let b) = other, a.choices != b.choices {
            let old = a.choices.map(\.description).joined(separator: ", ")
            let new = b.choices.map(\.description).joined(separator: ", ")
            throw TuningError(
                .incompatibleDistribution,
                "parameter '\(name)': categorical choices must stay [\(old)] within a study, got [\(new)]"
            )
        }
        guard isLog == other.isLog else {
            throw TuningError(
                .incompatibleDistribution,
                "parameter '\(name)': cannot change log from \(isLog) to \(other.isLog) within a study"
            )
        }
    }
}
