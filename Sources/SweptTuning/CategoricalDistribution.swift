/// A parameter taking one of a fixed list of choices; its internal representation is the choice index.
public struct CategoricalDistribution: Hashable, Sendable {
    /// The choices, in the order the user gave them.
    public let choices: [ParamValue]

    /// Validates and creates a distribution.
    /// - Throws: `TuningError.invalidDistribution` when `choices` is empty.
    public init(choices: [ParamValue]) throws {
        guard !choices.isEmpty else {
            throw TuningError(.invalidDistribution, "categorical distribution needs at least one choice, got []")
        }
        self.choices = choices
    }

    /// The index of `value` among the choices: an exact match first, then a numerically equal
    /// `int`/`float` (so `2` finds the choice `2.0`), else `nil`.
    public func index(of value: ParamValue) -> Int? {
        if let exact = choices.firstIndex(of: value) { return exact }
        if case .float(let number) = value, number.isNaN {
            return choices.firstIndex { if case .float(let c) = $0 { return c.isNaN } else { return false } }
        }
        switch value {
        case .int(let integer):
            return choices.firstIndex { $0 == .float(Double(integer)) }
        case .float(let number):
            return choices.firstIndex { choice in
                if case .int(let integer) = choice { return Double(integer) == number }
                return false
            }
        default:
            return nil
        }
    }

    /// Whether the range holds exactly one value.
    public var isSingle: Bool { choices.count == 1 }

    /// Whether an internal value is a valid choice index.
    public func contains(_ value: Double) -> Bool {
        value.isFinite && value == value.rounded() && value >= 0 && value < Double(choices.count)
    }
}
