import Foundation
import SweptConfig

/// Builds the objective a study config declares, and carries it to workers as an objective spec (JSON text).
///
/// Trainer and command objectives travel as `{"type": "study-config", "file": …, "yaml": …}`: the worker
/// parses the same YAML again, so every worker runs exactly what the config says. Function objectives travel as
/// the built-in test-function spec (`{"type": "test-function", "function": …, "steps": …, "sleep_ms": …}`),
/// which the worker's `TestFunctionObjective` reads.
public enum StudyObjectives {
    /// The spec type of study-config objectives.
    public static let specType = "study-config"

    /// The objective for `config`, or `nil` for a function objective (the test-function resolver builds those).
    public static func objective(for config: StudyConfig, cache: PreparedDataCache = .shared) -> (any Objective)? {
        switch config.objective {
        case .trainer(let trainer):
            guard let data = config.data else { return nil }
            return TrainerObjective(
                config: trainer, data: data, metrics: config.metrics, cache: cache,
                timeout: config.budget.trialTimeout)
        case .command(var command):
            // budget.trial_timeout applies when the command sets no timeout of its own.
            if command.timeout == nil { command.timeout = config.budget.trialTimeout }
            return CommandObjective(config: command, metrics: config.metrics)
        case .function:
            return nil
        }
    }

    /// The objective spec for a config read from `yaml` (the text of `file`).
    public static func spec(for config: StudyConfig, yaml: String) -> String {
        let object: [String: Any]
        switch config.objective {
        case .function(let function):
            object = [
                "type": "test-function", "function": function.name, "steps": function.steps,
                "sleep_ms": Int((function.stepSleep * 1000).rounded()),
            ]
        case .trainer, .command:
            object = ["type": specType, "file": config.sourceFile, "yaml": yaml]
        }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Reads a study-config spec; `nil` when `spec` is another kind (a resolver for `ObjectiveResolver`).
    /// - Throws: `ConfigError` when the carried YAML does not parse.
    public static func resolve(_ spec: String, cache: PreparedDataCache = .shared) throws -> (any Objective)? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(spec.utf8))) as? [String: Any],
            object["type"] as? String == specType, let yaml = object["yaml"] as? String
        else { return nil }
        let file = object["file"] as? String ?? "<spec>"
        let config = try StudyConfigParser.parse(yaml: yaml, file: file)
        return objective(for: config, cache: cache)
    }
}
