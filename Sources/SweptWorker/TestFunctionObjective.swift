import Foundation
import SweptTuning

/// A built-in objective for protocol and fault tests: a classic test function of the trial's numeric
/// parameters, reported over `steps` steps that converge to the final value, with a configurable sleep per step.
///
/// Objective spec (JSON): `{"type": "test-function", "function": "quadratic", "steps": 5, "sleep_ms": 10,
/// "schedule": "linear"}`. Functions: `quadratic` (Σ (x − 2)²), `sphere` (Σ x²), and the tuning core's
/// `branin`, `hartmann6`, `rosenbrock`, `styblinski-tang` (numeric parameters in natural name order are the
/// coordinates) and `mixed` (parameters by name) — see `TestFunctions.evaluate`. Schedules: `linear` (the value at step s is
/// f + (steps − 1 − s) / steps · (1 + |f|), so it falls to f at the last step), `constant` (f at every step).
public struct TestFunctionObjective: Objective {
    /// A test function.
    public enum Function: String, Sendable, CaseIterable {
        case quadratic, sphere, rosenbrock, branin, hartmann6, mixed
        case styblinskiTang = "styblinski-tang"
    }

    /// How intermediate values approach the final value.
    public enum Schedule: String, Sendable, CaseIterable {
        case linear, constant
    }

    /// The function.
    public var function: Function
    /// Intermediate reports per trial (≥ 1); the last report's value is the final value.
    public var steps: Int
    /// Sleep before each report, in milliseconds.
    public var sleepMillis: Int
    /// The per-step schedule.
    public var schedule: Schedule

    /// Creates the objective.
    public init(function: Function = .quadratic, steps: Int = 5, sleepMillis: Int = 0, schedule: Schedule = .linear) {
        self.function = function
        self.steps = max(steps, 1)
        self.sleepMillis = max(sleepMillis, 0)
        self.schedule = schedule
    }

    /// Reads the objective spec; `nil` when it is not a `test-function` spec.
    /// - Throws: `ObjectiveSpecError` naming the field for a bad value.
    public init?(spec: String) throws {
        struct Fields: Decodable {
            var type: String?
            var function: String?
            var steps: Int?
            var sleep_ms: Int?
            var schedule: String?
        }
        let fields: Fields
        do {
            fields = try JSONDecoder().decode(Fields.self, from: Data(spec.utf8))
        } catch {
            throw ObjectiveSpecError("objective spec is not a JSON object with the expected fields: \(error)")
        }
        guard fields.type == "test-function" else { return nil }
        let name = fields.function ?? "quadratic"
        guard let function = Function(rawValue: name) else {
            throw ObjectiveSpecError("objective.function is '\(name)'; expected one of "
                + Function.allCases.map(\.rawValue).joined(separator: ", "))
        }
        let scheduleName = fields.schedule ?? "linear"
        guard let schedule = Schedule(rawValue: scheduleName) else {
            throw ObjectiveSpecError("objective.schedule is '\(scheduleName)'; expected linear or constant")
        }
        guard (fields.steps ?? 5) >= 1 else { throw ObjectiveSpecError("objective.steps must be >= 1") }
        guard (fields.sleep_ms ?? 0) >= 0 else { throw ObjectiveSpecError("objective.sleep_ms must be >= 0") }
        self.init(function: function, steps: fields.steps ?? 5, sleepMillis: fields.sleep_ms ?? 0, schedule: schedule)
    }

    /// The final value for `params`.
    /// - Throws: `TuningError` when the parameters do not fit the function (e.g. hartmann6 with 3 of them).
    public func value(_ params: [String: ParamValue]) throws -> Double {
        let xs = params.keys.sorted().compactMap { params[$0]?.doubleValue }
        switch function {
        case .quadratic:
            return xs.reduce(0) { $0 + ($1 - 2) * ($1 - 2) }
        case .sphere:
            return xs.reduce(0) { $0 + $1 * $1 }
        case .rosenbrock, .branin, .hartmann6, .mixed, .styblinskiTang:
            return try TestFunctions.evaluate(function.rawValue, params: params)
        }
    }

    /// The value reported at `step` (0-based) for final value `final`.
    public func value(atStep step: Int, final: Double) -> Double {
        switch schedule {
        case .constant: return final
        case .linear: return final + Double(steps - 1 - step) / Double(steps) * (1 + abs(final))
        }
    }

    public func run(_ context: ObjectiveContext, reporter: any TrialReporter) async throws -> ObjectiveOutcome {
        let final: Double
        do {
            final = try value(context.params)
        } catch let error as TuningError {
            return .failed(reason: error.message)
        }
        for step in 0..<steps {
            if sleepMillis > 0 { try await Task.sleep(for: .milliseconds(sleepMillis)) }
            switch try await reporter.report(step: step, value: value(atStep: step, final: final)) {
            case .proceed: continue
            case .prune: return .pruned
            case .stop: return .stopped
            }
        }
        return .complete([final])
    }
}

/// An objective spec a worker cannot run.
public struct ObjectiveSpecError: Error, Equatable, Sendable, CustomStringConvertible {
    /// What is wrong and what was expected.
    public let message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}
