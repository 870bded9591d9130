/// A parameter's external value: what a user suggests, enqueues or reads back from a trial.
///
/// Categorical choices may mix kinds (`"relu"`, `3`, `0.5`, `true`, `nil`) as in Optuna.
public enum ParamValue: Hashable, Sendable {
    case float(Double)
    case int(Int)
    case string(String)
    case bool(Bool)
    case null

    /// The value as a `Double` when it is numeric (`float` or `int`), else `nil`.
    public var doubleValue: Double? {
        switch self {
        case .float(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }

    /// The value as an `Int` when it is an `int`, or a `float` holding a whole number; else `nil`.
    public var intValue: Int? {
        switch self {
        case .int(let value): return value
        case .float(let value):
            guard value.isFinite, value == value.rounded(), abs(value) < 9.0e18 else { return nil }
            return Int(value)
        default: return nil
        }
    }

    /// The string when the value is a `string`, else `nil`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The boolean when the value is a `bool`, else `nil`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }
}

extension ParamValue: CustomStringConvertible {
    /// A short, Python-like rendering used in error messages (`0.5`, `3`, `'relu'`, `True`, `None`).
    public var description: String {
        switch self {
        case .float(let value): return "\(value)"
        case .int(let value): return "\(value)"
        case .string(let value): return "'\(value)'"
        case .bool(let value): return value ? "True" : "False"
        case .null: return "None"
        }
    }
}

extension ParamValue: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByStringLiteral,
    ExpressibleByBooleanLiteral, ExpressibleByNilLiteral
{
    public init(floatLiteral value: Double) { self = .float(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(nilLiteral: ()) { self = .null }
}
