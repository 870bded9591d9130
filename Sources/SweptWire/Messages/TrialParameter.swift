/// The value of one hyperparameter as a worker uses it.
public enum ParameterValue: Sendable, Equatable, Codable {
    /// A float parameter (uniform or log).
    case double(Double)
    /// An integer parameter.
    case int(Int64)
    /// A categorical choice, by its label.
    case string(String)
    /// A boolean choice.
    case bool(Bool)
}

/// A named hyperparameter value.
public struct TrialParameter: Sendable, Equatable, Codable, WireCodable {
    /// The parameter's name in the search space.
    public var name: String
    /// Its value.
    public var value: ParameterValue

    /// Creates a named parameter value.
    public init(name: String, value: ParameterValue) {
        self.name = name
        self.value = value
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(name)
        switch value {
        case .double(let number):
            writer.u8(0)
            writer.f64(number)
        case .int(let number):
            writer.u8(1)
            writer.i64(number)
        case .string(let label):
            writer.u8(2)
            writer.string(label)
        case .bool(let flag):
            writer.u8(3)
            writer.bool(flag)
        }
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        name = try reader.string("parameter.name")
        switch try reader.u8("parameter.type") {
        case 0: value = .double(try reader.f64("parameter.value"))
        case 1: value = .int(try reader.i64("parameter.value"))
        case 2: value = .string(try reader.string("parameter.value"))
        case 3: value = .bool(try reader.bool("parameter.value"))
        case let other:
            throw .invalidValue(field: "parameter.type", expected: "0 double, 1 int, 2 string or 3 bool (got \(other))")
        }
    }
}

/// A free-form string attribute attached to a trial (Optuna's user attributes).
public struct TrialAttribute: Sendable, Equatable, Codable, WireCodable {
    /// The attribute's key.
    public var key: String
    /// Its value (text; JSON when structured).
    public var value: String

    /// Creates an attribute.
    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    public func encode(to writer: inout WireWriter) {
        writer.string(key)
        writer.string(value)
    }

    public init(from reader: inout WireReader) throws(WireDecodeError) {
        key = try reader.string("attribute.key")
        value = try reader.string("attribute.value")
    }
}

/// The state of a trial, as Optuna names them.
public enum TrialState: UInt8, Sendable, Codable, CaseIterable {
    /// Leased to a worker and running.
    case running = 0
    /// Finished with values.
    case complete = 1
    /// Stopped early by the pruner.
    case pruned = 2
    /// Failed (error, or lease lost).
    case fail = 3
    /// Enqueued, not yet handed out.
    case waiting = 4
}
