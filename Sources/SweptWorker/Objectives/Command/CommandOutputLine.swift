/// A line an external command prints for swept to read.
///
/// Format (one per line on stdout; other lines are ignored):
/// - `swept: step=<int> <metric>=<number> [<key>=<value> …]` — an intermediate value at a step (step >= 0);
/// - `swept: final <metric>=<number> [<metric2>=<number> …]` — the final value(s), one per study metric.
///
/// Numbers are decimal (`0.41`, `1e-3`, `nan`, `inf`). Keys other than `step` and the metrics are ignored.
enum CommandOutputLine: Equatable {
    /// An intermediate report.
    case step(Int, [String: Double])
    /// The final values by metric name.
    case final([String: Double])

    /// The prefix that marks a line for swept.
    static let prefix = "swept:"

    /// Reads `line`: `nil` for a line that is not for swept, or an error message for a malformed one.
    static func parse(_ line: String) -> Result<CommandOutputLine, LineError>? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix(prefix) else { return nil }
        var tokens = trimmed.dropFirst(prefix.count).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
        var isFinal = false
        if tokens.first == "final" {
            isFinal = true
            tokens.removeFirst()
        }
        var step: Int?
        var values: [String: Double] = [:]
        for token in tokens {
            let parts = token.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty else {
                return .failure(LineError("'\(token)' is not key=value"))
            }
            let key = String(parts[0])
            if key == "step", !isFinal {
                guard let number = Int(parts[1]), number >= 0 else {
                    return .failure(LineError("step must be an integer >= 0, got '\(parts[1])'"))
                }
                step = number
                continue
            }
            guard let number = Double(parts[1]) else {
                return .failure(LineError("\(key) must be a number, got '\(parts[1])'"))
            }
            values[key] = number
        }
        if isFinal { return .success(.final(values)) }
        guard let step else { return .failure(LineError("expected 'step=<int>' or 'final'")) }
        return .success(.step(step, values))
    }

    /// Why a `swept:` line could not be read.
    struct LineError: Error, Equatable {
        let message: String
        init(_ message: String) { self.message = message }
    }
}
