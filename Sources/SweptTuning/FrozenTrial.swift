/// A snapshot of one trial: its state, values, parameters, intermediate values and attributes.
public struct FrozenTrial: Sendable, Hashable {
    /// The trial's number within its study, from 0 in creation order.
    public var number: Int
    /// The life-cycle state.
    public var state: TrialState
    /// One value per study direction for COMPLETE trials (one value for a PRUNED trial that reported);
    /// `nil` otherwise.
    public var values: [Double]?
    /// Parameters in external representation.
    public var params: [String: ParamValue]
    /// The distribution each parameter was suggested with.
    public var distributions: [String: Distribution]
    /// Intermediate values by step (NaN allowed).
    public var intermediateValues: [Int: Double]
    /// Attributes set by the user.
    public var userAttributes: [String: AttributeValue]
    /// Attributes set by the system (`fixed_params` for enqueued trials, `grid_id`, ...).
    public var systemAttributes: [String: AttributeValue]
    /// When the trial started running, in seconds since 1970 (UTC); `nil` while waiting or unknown.
    public var startedAt: Double?
    /// When the trial finished, in seconds since 1970 (UTC); `nil` until then or unknown.
    public var completedAt: Double?

    /// Creates a snapshot; everything but the number has an empty default.
    public init(
        number: Int,
        state: TrialState = .running,
        values: [Double]? = nil,
        params: [String: ParamValue] = [:],
        distributions: [String: Distribution] = [:],
        intermediateValues: [Int: Double] = [:],
        userAttributes: [String: AttributeValue] = [:],
        systemAttributes: [String: AttributeValue] = [:],
        startedAt: Double? = nil,
        completedAt: Double? = nil
    ) {
        self.number = number
        self.state = state
        self.values = values
        self.params = params
        self.distributions = distributions
        self.intermediateValues = intermediateValues
        self.userAttributes = userAttributes
        self.systemAttributes = systemAttributes
        self.startedAt = startedAt
        self.completedAt = completedAt
    }

    /// The single objective value (the first of `values`), or `nil`.
    public var value: Double? { values?.first }

    /// A parameter in internal representation, or `nil` when the trial has no such parameter.
    public func internalValue(of name: String) -> Double? {
        guard let value = params[name], let distribution = distributions[name] else { return nil }
        return try? distribution.toInternal(value)
    }

    /// The largest step with an intermediate value, or `nil` when nothing was reported.
    public var lastStep: Int? { intermediateValues.keys.max() }

    /// The params an enqueued trial was created with (system attribute `fixed_params`), if any.
    public var fixedParams: [String: ParamValue]? {
        guard case .object(let object) = systemAttributes[FrozenTrial.fixedParamsKey] else { return nil }
        var result: [String: ParamValue] = [:]
        for (name, attribute) in object {
            if let value = attribute.paramValue { result[name] = value }
        }
        return result
    }

    /// The system attribute key that holds an enqueued trial's fixed params (Optuna's name).
    public static let fixedParamsKey = "fixed_params"
}
