/// A mistake in a study config. The description names the file, line, column and field and says what was
/// expected, e.g. `fashion.yaml:12:18: space.learning_rate.log: expected true or false, got 'yes please'`.
public struct ConfigError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The config file's path as the user gave it (or `<string>` for text parsed without a file).
    public var file: String
    /// The 1-based line of the offending node, when known.
    public var line: Int?
    /// The 1-based column of the offending node, when known.
    public var column: Int?
    /// The dotted path of the field, e.g. `space.learning_rate.float` (empty for the whole document).
    public var field: String
    /// What was wrong and what was expected.
    public var message: String

    /// Creates an error.
    public init(file: String, line: Int?, column: Int?, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    public var description: String {
        var location = file
        if let line {
            location += ":\(line)"
            if let column { location += ":\(column)" }
        }
        return field.isEmpty ? "\(location): \(message)" : "\(location): \(field): \(message)"
    }
}
