import SweptTuning
import SweptWire

extension ParameterValue {
    /// The wire form of a parameter value (`null` travels as the text `None`).
    public init(_ value: ParamValue) {
        switch value {
        case .float(let number): self = .double(number)
        case .int(let number): self = .int(Int64(number))
        case .string(let text): self = .string(text)
        case .bool(let flag): self = .bool(flag)
        case .null: self = .string("None")
        }
    }

    /// The tuning core's form of a wire value.
    public var paramValue: ParamValue {
        switch self {
        case .double(let number): .float(number)
        case .int(let number): .int(Int(truncatingIfNeeded: number))
        case .string(let text): .string(text)
        case .bool(let flag): .bool(flag)
        }
    }
}

extension SweptWire.TrialState {
    /// The wire state of a tuning-core state.
    public init(_ state: SweptTuning.TrialState) {
        switch state {
        case .running: self = .running
        case .complete: self = .complete
        case .pruned: self = .pruned
        case .fail: self = .fail
        case .waiting: self = .waiting
        }
    }

    /// The tuning-core state.
    public var tuningState: SweptTuning.TrialState {
        switch self {
        case .running: .running
        case .complete: .complete
        case .pruned: .pruned
        case .fail: .fail
        case .waiting: .waiting
        }
    }
}

extension SweptWire.StudyDirection {
    /// The wire direction of a tuning-core direction.
    init(_ direction: SweptTuning.StudyDirection) {
        self = direction == .maximize ? .maximize : .minimize
    }
}

/// Trial parameters in a stable (name) order for the wire.
func wireParameters(_ params: [String: ParamValue]) -> [TrialParameter] {
    params.keys.sorted().compactMap { name in
        params[name].map { TrialParameter(name: name, value: ParameterValue($0)) }
    }
}
