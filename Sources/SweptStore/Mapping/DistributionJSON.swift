import Synchronization
import SweptTuning

/// Optuna's `distribution_json` column: `distribution_to_json` / `json_to_distribution` of Optuna 5.0, byte for
/// byte (key order included: float `step, low, high, log`; int `log, step, low, high`; categorical `choices`).
enum DistributionJSON {
    /// The JSON Optuna writes for `distribution`. A study's parameters keep their distributions from trial to
    /// trial, so the texts are remembered (keyed by the exact bits of every number, since 0.0 and -0.0 compare
    /// equal but are written differently); the cache forgets everything once it holds `cacheLimit` texts.
    static func encode(_ distribution: Distribution) -> String {
        let key = ExactDistribution(distribution)
        if let known = cache.withLock({ $0[key] }) { return known }
        let text = render(distribution)
        cache.withLock { texts in
            if texts.count >= cacheLimit { texts.removeAll() }
            texts[key] = text
        }
        return text
    }

    /// Most distribution texts `encode` keeps.
    static let cacheLimit = 1024
    private static let cache = Mutex<[ExactDistribution: String]>([:])

    /// Builds the JSON text of `distribution`.
    static func render(_ distribution: Distribution) -> String {
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

/// A distribution compared and hashed by the bits of its numbers and the bytes of its strings (Swift's `String`
/// equality treats canonically equivalent texts as equal, which JSON writes differently): two keys are equal only
/// when their JSON texts are.
struct ExactDistribution: Hashable, Sendable {
    let distribution: Distribution

    init(_ distribution: Distribution) {
        self.distribution = distribution
    }

    static func == (lhs: ExactDistribution, rhs: ExactDistribution) -> Bool {
        switch (lhs.distribution, rhs.distribution) {
        case (.float(let a), .float(let b)):
            return a.low.bitPattern == b.low.bitPattern && a.high.bitPattern == b.high.bitPattern
                && a.step?.bitPattern == b.step?.bitPattern && a.log == b.log
        case (.int(let a), .int(let b)):
            return a == b
        case (.categorical(let a), .categorical(let b)):
            return a.choices.count == b.choices.count
                && zip(a.choices, b.choices).allSatisfy { Self.sameBits($0, $1) }
        default:
            return false
        }
    }

    /// The distribution's own hash: keys equal here are equal distributions too (same bits, same bytes), so they
    /// hash alike; 0.0 and -0.0 share a bucket and `==` tells them apart.
    func hash(into hasher: inout Hasher) {
        hasher.combine(distribution)
    }

    private static func sameBits(_ a: ParamValue, _ b: ParamValue) -> Bool {
        switch (a, b) {
        case (.float(let x), .float(let y)): return x.bitPattern == y.bitPattern
        case (.string(let x), .string(let y)): return x.utf8.elementsEqual(y.utf8)
        default: return a == b
        }
    }
}
