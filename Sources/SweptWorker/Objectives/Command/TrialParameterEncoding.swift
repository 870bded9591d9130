import SweptTuning

/// How an external command receives a trial's parameters: a JSON object on stdin and `SWEPT_PARAM_<NAME>`
/// environment variables.
enum TrialParameterEncoding {
    /// The parameters as a JSON object with keys in sorted order (`{"lr": 0.01, "optimizer": "adam"}`).
    static func json(_ params: [String: ParamValue]) -> String {
        let fields = params.keys.sorted().map { key in "\(quoted(key)): \(json(params[key] ?? .null))" }
        return "{" + fields.joined(separator: ", ") + "}"
    }

    /// One value as JSON (non-finite floats become `null`, which JSON cannot express otherwise).
    static func json(_ value: ParamValue) -> String {
        switch value {
        case .float(let number): return number.isFinite ? "\(number)" : "null"
        case .int(let number): return "\(number)"
        case .string(let text): return quoted(text)
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }

    /// `SWEPT_PARAM_<NAME>` for a parameter: upper-cased, every character but letters and digits as `_`.
    static func environmentName(_ name: String) -> String {
        let cleaned = name.uppercased().map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "_" }
        return "SWEPT_PARAM_" + String(cleaned)
    }

    /// A parameter value as environment text: numbers as written, strings raw, `true`/`false`, null as empty.
    static func environmentValue(_ value: ParamValue) -> String {
        switch value {
        case .float(let number): return "\(number)"
        case .int(let number): return "\(number)"
        case .string(let text): return text
        case .bool(let flag): return flag ? "true" : "false"
        case .null: return ""
        }
    }

    static func quoted(_ text: String) -> String { JSONStringLiteral.quoted(text) }
}
