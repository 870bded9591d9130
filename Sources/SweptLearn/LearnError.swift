/// An error from SweptLearn. The message names the offending parameter, value, file or row and says what was expected.
public struct LearnError: Error, CustomStringConvertible, Equatable, Sendable {
    /// What kind of problem this is, for callers that branch on it.
    public enum Code: String, Sendable {
        /// Two shapes that must agree do not (matrix products, features versus model inputs).
        case shapeMismatch
        /// A parameter is outside its allowed range (zero-size layers, negative learning rates, …).
        case invalidParameter
        /// A dataset is empty or its labels are out of range.
        case invalidData
        /// A file is missing, truncated, or not in the expected format.
        case invalidFile
    }

    /// The kind of problem.
    public let code: Code
    /// A message for people: names the value and what was expected.
    public let message: String

    /// Creates an error with a code and a message.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}

extension LearnError {
    static func parameter(_ message: String) -> LearnError { LearnError(.invalidParameter, message) }
    static func shape(_ message: String) -> LearnError { LearnError(.shapeMismatch, message) }
    static func data(_ message: String) -> LearnError { LearnError(.invalidData, message) }
    static func file(_ message: String) -> LearnError { LearnError(.invalidFile, message) }
}
