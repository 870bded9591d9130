import SweptTuning

/// Optuna's `distribution_json` column: `distribution_to_json` / `json_to_distribution` of Optuna 5.0, byte for
/// byte (key order included: float `step, low, high, log`; int `log, step, low, high`; categorical `choices`).
enum DistributionJSON {
    /// The JSON Optuna writes for `distribution`.
    static func encode(_ distribution: Distribution) -> String {
        let attributes: [(String, JSONValue)]
        switch distribution {
        case .float(let d):
            attributes = [
                ("step", d.step.map { .double($0) } ?? .null),
                ("low", .double(d.low)),
                ("high", .double(d.high)),
                ("log", .bool(d.log)),
            ]
        case .int(let d):
            attributes = [("log", .bool(d.log)), ("step", .int(d.step)), ("low", .int(d.low)), ("high", .int(d.high))]
        case .categorical(let d):
            attributes = [("choices", .array(d.choices.map(json(of:))))]
        }
        return JSONValue.object([("name", .string(distribution.kindName)), ("attributes", .object(attributes))])
            .pythonJSON
    }

    /// Reads Optuna's JSON (also the pre-3.0 names Optuna itself still accepts); `context` names the row.
    static func decode(_ text: String, context: String) throws -> Distribution {
        let value = try JSONParser.parse(text, context: context)
        guard case .string(let name)? = value["name"], let attributes = value["attributes"] else {
            throw StoreError(.invalidValue, "\(context): expected {\"name\": …, \"attributes\": {…}}, got \(text)")
        }
        func number(_ key: String) throws -> Double {
            switch attributes[key] {
            case .double(let d)?: return d
            case .int(let i)?: return Double(i)
            default: throw StoreError(.invalidValue, "\(context): \(name) needs a number '\(key)', got \(text)")
            }
        }
        func integer(_ key: String, default fallback: Int? = nil) throws -> Int {
            switch attributes[key] {
            case .int(let i)?: return i
            case .double(let d)? where d == d.rounded() && abs(d) < 9e18: return Int(d)
            case nil where fallback != nil: return fallback ?? 0
            default: throw StoreError(.invalidValue, "\(context): \(name) needs an integer '\(key)', got \(text)")
            }
        }
        func flag(_ key: String) -> Bool {
            if case .bool(true)? = attributes[key] { return true }
            return false
        }
        do {
            switch name {
            case "FloatDistribution":
                var step: Double?
                if let s = attributes["step"], s != .null { step = try number("step") }
                return .float(try FloatDistribution(low: number("low"), high: number("high"), step: step,
                                                    log: flag("log")))
            case "IntDistribution":
                return .int(try IntDistribution(low: integer("low"), high: integer("high"),
                                                step: integer("step", default: 1), log: flag("log")))
            case "CategoricalDistribution":
                guard case .array(let items)? = attributes["choices"] else {
                    throw StoreError(.invalidValue, "\(context): CategoricalDistribution needs 'choices', got \(text)")
                }
                return .categorical(try CategoricalDistribution(choices: items.map { try paramValue($0, context) }))
            case "UniformDistribution":
                return .float(try FloatDistribution(low: number("low"), high: number("high")))
            case "LogUniformDistribution":
                return .float(try FloatDistribution(low: number("low"), high: number("high"), log: true))
            case "DiscreteUniformDistribution":
                return .float(try FloatDistribution(low: number("low"), high: number("high"), step: number("q")))
            case "IntUniformDistribution":
                return .int(try IntDistribution(low: integer("low"), high: integer("high"),
                                                step: integer("step", default: 1)))
            case "IntLogUniformDistribution":
                return .int(try IntDistribution(low: integer("low"), high: integer("high"), log: true))
            default:
                throw StoreError(.invalidValue, "\(context): unknown distribution '\(name)'")
            }
        } catch let error as TuningError {
            throw StoreError(.invalidValue, "\(context): \(error.description) (in \(text))")
        }
    }

    /// A categorical choice as JSON.
    static func json(of value: ParamValue) -> JSONValue {
        switch value {
        case .float(let d): return .double(d)
        case .int(let i): return .int(i)
        case .string(let s): return .string(s)
        case .bool(let b): return .bool(b)
        case .null: return .null
        }
    }

    private static func paramValue(_ json: JSONValue, _ context: String) throws -> ParamValue {
        switch json {
        case .null: return .null
        case .bool(let b): return .bool(b)
        case .int(let i): return .int(i)
        case .double(let d): return .float(d)
        case .string(let s): return .string(s)
        case .array, .object:
            throw StoreError(.invalidValue, "\(context): categorical choices must be str, int, float, bool or null")
        }
    }
}
