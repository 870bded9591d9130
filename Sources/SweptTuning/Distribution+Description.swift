extension Distribution: CustomStringConvertible {
    /// Optuna-like rendering for messages: `FloatDistribution(low=0.0, high=1.0, step=None, log=False)`.
    public var description: String {
        func flag(_ value: Bool) -> String { value ? "True" : "False" }
        switch self {
        case .float(let d):
            let step = d.step.map { "\($0)" } ?? "None"
            return "FloatDistribution(low=\(d.low), high=\(d.high), step=\(step), log=\(flag(d.log)))"
        case .int(let d):
            return "IntDistribution(low=\(d.low), high=\(d.high), step=\(d.step), log=\(flag(d.log)))"
        case .categorical(let d):
            return "CategoricalDistribution(choices=[\(d.choices.map(\.description).joined(separator: ", "))])"
        }
    }
}
