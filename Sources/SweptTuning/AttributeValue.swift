/// A JSON-like value for user and system attributes of trials and studies.
public indirect enum AttributeValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([AttributeValue])
    case object([String: AttributeValue])

    /// The attribute form of a parameter value (`float` becomes `double`).
    public init(_ value: ParamValue) {
        switch value {
        case .float(let number): self = .double(number)
        case .int(let number): self = .int(number)
        case .string(let text): self = .string(text)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .null
        }
    }

    /// The parameter value this attribute holds, or `nil` for arrays and objects.
    public var paramValue: ParamValue? {
        switch self {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .float(number)
        case .string(let text): return .string(text)
        case .array, .object: return nil
        }
    }

    /// The integer when this is an `int` (or a whole `double`), else `nil`.
    public var intValue: Int? { paramValue?.intValue }
}
