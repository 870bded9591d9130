import SweptTuning

/// User and system attributes as Optuna stores them: `json.dumps(value)` in `value_json`.
enum AttributeJSON {
    /// The JSON text Optuna would store for `value` (object keys sorted, as swept's attributes are unordered).
    static func encode(_ value: AttributeValue) -> String { json(value).pythonJSON }

    /// Reads a stored `value_json`; `context` names the row for errors.
    static func decode(_ text: String, context: String) throws -> AttributeValue {
        attribute(try JSONParser.parse(text, context: context))
    }

    static func json(_ value: AttributeValue) -> JSONValue {
        switch value {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(json))
        case .object(let dict): return .object(dict.keys.sorted().map { ($0, json(dict[$0] ?? .null)) })
        }
    }

    static func attribute(_ json: JSONValue) -> AttributeValue {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .double(d)
        case .string(let s): return .string(s)
        case .array(let items): return .array(items.map(attribute))
        case .object(let pairs):
            var dict: [String: AttributeValue] = [:]
            for (k, v) in pairs { dict[k] = attribute(v) }
            return .object(dict)
        }
    }
}
