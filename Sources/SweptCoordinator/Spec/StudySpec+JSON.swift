import Foundation
import SweptConfig
import SweptTuning

/// A study configuration the coordinator refused; the message names the source, the field and what was expected.
public struct StudySpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The whole message.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

extension StudySpec {
    /// Parses a JSON study configuration.
    ///
    /// ```json
    /// {"name": "demo", "direction": "minimize",
    ///  "space": {"x": {"float": [-5, 5]}, "lr": {"float": [1e-4, 0.1], "log": true},
    ///            "layers": {"int": [1, 3]}, "act": {"categorical": ["relu", "tanh"]},
    ///            "units_2": {"int": [16, 256], "log": true, "when": {"layers": [2, 3]}}},
    ///  "sampler": {"type": "tpe", "seed": 1, "n_startup_trials": 10},
    ///  "pruner": {"type": "median", "n_startup_trials": 5, "n_warmup_steps": 0},
    ///  "budget": {"trials": 100, "timeout": 600, "max_retries": 3, "parallel": 4, "max_failures": 10},
    ///  "objective": {"type": "test-function", "function": "quadratic", "steps": 5, "sleep_ms": 10}}
    /// ```
    public static func parseJSON(_ bytes: [UInt8], source: String) throws(StudySpecError) -> StudySpec {
        let object: JSONValue
        do {
            object = try JSONValue.parse(bytes: bytes)
        } catch {
            throw StudySpecError("\(source): not valid JSON (\(error))")
        }
        guard case .object(let root) = object else {
            throw StudySpecError("\(source): expected a JSON object at the top level")
        }
        let fields = JSONFields(root, path: source)
        let name = try fields.string("name")
        guard !name.isEmpty, name.utf8.count <= 255 else {
            throw StudySpecError("\(source): field 'name' must be 1 to 255 bytes of text")
        }
        var directions: [StudyDirection] = []
        if let list = fields.raw["directions"] {
            guard case .array(let items) = list, !items.isEmpty,
                  case let names = items.compactMap(\.stringValue), names.count == items.count else {
                throw StudySpecError("\(source): field 'directions' must be a non-empty list of minimize/maximize")
            }
            directions = try names.map { text throws(StudySpecError) in try direction(text, source, "directions") }
        } else {
            directions = [try direction(fields.optionalString("direction") ?? "minimize", source, "direction")]
        }
        let spaceObject = try fields.object("space")
        var declared: [SpaceParameter] = []
        for parameter in try spaceOrder(fields, names: Array(spaceObject.raw.keys)) {
            let declaration = try spaceObject.object(parameter)
            declared.append(SpaceParameter(name: parameter, distribution: try distribution(declaration),
                                           conditions: try conditions(declaration)))
        }
        guard !declared.isEmpty else { throw StudySpecError("\(source): field 'space' declares no parameter") }
        guard let space = SearchSpace.dependencyOrdered(declared) else {
            throw StudySpecError("\(source).space: the 'when' conditions name a parameter that is not in the space "
                + "or form a cycle")
        }
        let sampler = try samplerSpec(fields.optionalObject("sampler"))
        let pruner = try prunerSpec(fields.optionalObject("pruner"))
        var budget = BudgetSpec()
        if let budgetFields = try fields.optionalObject("budget") {
            budget.trials = try budgetFields.optionalInt("trials", minimum: 1)
            budget.timeoutSeconds = try budgetFields.optionalDouble("timeout").flatMap { $0 > 0 ? $0 : nil }
            budget.maxRetries = try budgetFields.optionalInt("max_retries", minimum: 0) ?? 3
            budget.parallel = try budgetFields.optionalInt("parallel", minimum: 1)
            budget.maxFailures = try budgetFields.optionalInt("max_failures", minimum: 1)
        }
        var objective = "{}"
        if let value = fields.raw["objective"] {
            guard case .object = value else {
                throw StudySpecError("\(source): field 'objective' must be a JSON object")
            }
            objective = value.jsonText
        }
        return StudySpec(name: name, directions: directions, space: space, sampler: sampler, pruner: pruner,
                         budget: budget, objective: objective)
    }

    private static func direction(_ text: String, _ source: String, _ field: String) throws(StudySpecError)
        -> StudyDirection {
        switch text.lowercased() {
        case "minimize": return .minimize
        case "maximize": return .maximize
        default: throw StudySpecError("\(source): field '\(field)' is '\(text)'; expected minimize or maximize")
        }
    }

    private static func distribution(_ fields: JSONFields) throws(StudySpecError) -> Distribution {
        let log = try fields.optionalBool("log") ?? false
        do {
            if let bounds = fields.raw["float"] {
                guard case .array(let items) = bounds, items.count == 2,
                      let low = items[0].numberValue, let high = items[1].numberValue else {
                    throw StudySpecError("\(fields.path).float: expected [low, high]")
                }
                let step = try fields.optionalDouble("step")
                return .float(try FloatDistribution(low: low, high: high, step: step, log: log))
            }
            if let bounds = fields.raw["int"] {
                guard case .array(let items) = bounds, items.count == 2,
                      let low = items[0].numberValue, let high = items[1].numberValue,
                      low == low.rounded(), high == high.rounded(), abs(low) < 1e15, abs(high) < 1e15 else {
                    throw StudySpecError("\(fields.path).int: expected [low, high] integers")
                }
                let step = try fields.optionalInt("step", minimum: 1) ?? 1
                return .int(try IntDistribution(low: Int(low), high: Int(high), step: step, log: log))
            }
            if let choices = fields.raw["categorical"] {
                guard case .array(let list) = choices, !list.isEmpty else {
                    throw StudySpecError("\(fields.path).categorical: expected a non-empty list of choices")
                }
                return .categorical(try CategoricalDistribution(choices: list.map(paramValue)))
            }
        } catch let error as StudySpecError {
            throw error
        } catch {
            throw StudySpecError("\(fields.path): \(error)")
        }
        throw StudySpecError("\(fields.path): expected one of float: [low, high], int: [low, high] or "
            + "categorical: [choices]")
    }

    private static func paramValue(_ value: JSONValue) -> ParamValue {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .int(let number): return .int(number)
        case .double(let number): return .float(number)
        case .string(let text): return .string(text)
        case .array, .object: return .string(value.jsonText)
        }
    }

    /// The order parameters are suggested in: `space_order` when the spec has one (canonical specs keep the
    /// config's declaration order that way), otherwise by name; parents move before children afterwards.
    private static func spaceOrder(_ fields: JSONFields, names: [String]) throws(StudySpecError) -> [String] {
        guard let value = fields.raw["space_order"], value != .null else { return names.sorted() }
        guard case .array(let items) = value, case let order = items.compactMap(\.stringValue),
              order.count == items.count, order.sorted() == names.sorted() else {
            throw StudySpecError("\(fields.path): field 'space_order' must list every parameter of 'space' once")
        }
        return order
    }

    /// `"when": {"parent": value}` or `{"parent": [values]}`: the parameter exists only when each parent took one
    /// of the values.
    private static func conditions(_ fields: JSONFields) throws(StudySpecError) -> [ParameterCondition] {
        guard let when = try fields.optionalObject("when") else { return [] }
        return when.raw.keys.sorted().map { parent in
            let values: [ParamValue]
            if case .array(let items) = when.raw[parent] ?? .null {
                values = items.map(paramValue)
            } else {
                values = [paramValue(when.raw[parent] ?? .null)]
            }
            return ParameterCondition(parent: parent, values: values)
        }
    }

    private static func samplerSpec(_ fields: JSONFields?) throws(StudySpecError) -> SamplerConfig {
        guard let fields else { return .random(seed: nil) }
        let seed = try fields.optionalInt("seed", minimum: 0).map { UInt64($0) }
        switch try fields.optionalString("type") ?? "random" {
        case "random": return .random(seed: seed)
        case "tpe":
            var options = TPEOptions(seed: seed)
            options.nStartupTrials = try fields.optionalInt("n_startup_trials", minimum: 0) ?? options.nStartupTrials
            options.nEICandidates = try fields.optionalInt("n_ei_candidates", minimum: 1) ?? options.nEICandidates
            options.multivariate = try fields.optionalBool("multivariate")
            options.constantLiar = try fields.optionalBool("constant_liar")
            options.priorWeight = try fields.optionalDouble("prior_weight") ?? options.priorWeight
            options.considerMagicClip = try fields.optionalBool("consider_magic_clip") ?? options.considerMagicClip
            options.considerEndpoints = try fields.optionalBool("consider_endpoints") ?? options.considerEndpoints
            guard options.priorWeight > 0 else {
                throw StudySpecError("\(fields.path).prior_weight must be > 0, got \(options.priorWeight)")
            }
            return .tpe(options)
        case "grid":
            let grid = try fields.object("values")
            var values: [String: [ParamValue]] = [:]
            for name in grid.raw.keys {
                guard case .array(let items) = grid.raw[name] ?? .null, !items.isEmpty else {
                    throw StudySpecError("\(grid.path).\(name): expected a non-empty list of grid values")
                }
                values[name] = items.map(paramValue)
            }
            return .grid(values: values, seed: seed)
        case let other:
            throw StudySpecError("\(fields.path).type is '\(other)'; expected random, tpe or grid")
        }
    }

    private static func prunerSpec(_ fields: JSONFields?) throws(StudySpecError) -> PrunerConfig {
        guard let fields else { return .none }
        var options = PrunerOptions()
        options.nStartupTrials = try fields.optionalInt("n_startup_trials", minimum: 0) ?? options.nStartupTrials
        options.nWarmupSteps = try fields.optionalInt("n_warmup_steps", minimum: 0) ?? options.nWarmupSteps
        options.intervalSteps = try fields.optionalInt("interval_steps", minimum: 1) ?? options.intervalSteps
        options.nMinTrials = try fields.optionalInt("n_min_trials", minimum: 1) ?? options.nMinTrials
        switch try fields.optionalString("type") ?? "none" {
        case "none", "nop": return .none
        case "median": return .median(options)
        case "percentile":
            let percentile = try fields.optionalDouble("percentile") ?? 25
            guard (0...100).contains(percentile) else {
                throw StudySpecError("\(fields.path).percentile must be in [0, 100], got \(percentile)")
            }
            return .percentile(percentile, options)
        case let other:
            throw StudySpecError("\(fields.path).type is '\(other)'; expected none, median or percentile")
        }
    }
}

/// Typed access to a JSON object's fields with errors that name the field.
struct JSONFields {
    let raw: [String: JSONValue]
    let path: String

    init(_ raw: [String: JSONValue], path: String) {
        self.raw = raw
        self.path = path
    }

    func string(_ key: String) throws(StudySpecError) -> String {
        guard let value = try optionalString(key) else { throw StudySpecError("\(path): field '\(key)' is missing") }
        return value
    }

    func optionalString(_ key: String) throws(StudySpecError) -> String? {
        guard let value = raw[key], value != .null else { return nil }
        guard let text = value.stringValue else { throw StudySpecError("\(path): field '\(key)' must be text") }
        return text
    }

    func object(_ key: String) throws(StudySpecError) -> JSONFields {
        guard let value = try optionalObject(key) else { throw StudySpecError("\(path): field '\(key)' is missing") }
        return value
    }

    func optionalObject(_ key: String) throws(StudySpecError) -> JSONFields? {
        guard let value = raw[key], value != .null else { return nil }
        guard case .object(let object) = value else {
            throw StudySpecError("\(path): field '\(key)' must be an object")
        }
        return JSONFields(object, path: "\(path).\(key)")
    }

    func optionalDouble(_ key: String) throws(StudySpecError) -> Double? {
        guard let value = raw[key], value != .null else { return nil }
        guard let number = value.numberValue else { throw StudySpecError("\(path): field '\(key)' must be a number") }
        return number
    }

    func optionalInt(_ key: String, minimum: Int) throws(StudySpecError) -> Int? {
        guard let double = try optionalDouble(key) else { return nil }
        guard double == double.rounded(), double >= Double(minimum), double < 1e15 else {
            throw StudySpecError("\(path): field '\(key)' must be a whole number >= \(minimum), got \(double)")
        }
        return Int(double)
    }

    func optionalBool(_ key: String) throws(StudySpecError) -> Bool? {
        guard let value = raw[key], value != .null else { return nil }
        guard case .bool(let flag) = value else { throw StudySpecError("\(path): field '\(key)' must be true or false") }
        return flag
    }
}
