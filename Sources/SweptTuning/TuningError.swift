/// An error from the tuning core. The message names the parameter, trial or argument and says what was expected.
public struct TuningError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of mistake happened; tests and callers branch on this, people read `message`.
    public enum Code: String, Sendable, Equatable {
        /// A distribution's arguments are invalid (log with low <= 0, empty choices, ...).
        case invalidDistribution
        /// A parameter was used with a distribution incompatible with an earlier one.
        case incompatibleDistribution
        /// A parameter value does not belong to its distribution.
        case invalidValue
        /// An argument of a study, sampler or pruner call is invalid.
        case invalidArgument
        /// No trial with this number exists in the study.
        case unknownTrial
        /// The trial already finished (or is still waiting) and cannot take this call.
        case trialNotRunning
        /// The number of values told does not match the number of directions.
        case wrongValueCount
        /// A single best trial was requested but none is complete.
        case noCompletedTrial
        /// The call is not supported for a multi-objective study.
        case multiObjective
        /// A parameter name is not known where it is used (enqueue, grid).
        case unknownParameter
    }

    /// The kind of error.
    public var code: Code
    /// A human-readable explanation naming what was wrong and what was expected.
    public var message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    /// The same error with `parameter 'name': ` in front of its message (unless already named).
    public func naming(parameter name: String) -> TuningError {
        let prefix = "parameter '\(name)': "
        if message.hasPrefix(prefix) { return self }
        return TuningError(code, prefix + message)
    }
}
